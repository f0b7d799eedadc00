import { Buffer } from "node:buffer";

import { inspectBundleBytes, type StaticBundle } from "./bundle.js";
import { BoundedCache } from "./cache.js";
import {
  factsAt,
  loadCertificate,
  loadedFromFacts,
  loadedIssuedBy,
  type CertificateLoad,
  type LoadedCertificate,
} from "./certificate.js";
import { checkChainOrder, findIssuerIndex, type ChainOrderReport } from "./chain.js";
import { decodeSecretValue, type DecodedSecretValue, type SecretValueOrigin } from "./decode.js";
import { inspectPrivateKeyBytes } from "./key.js";
import { DEFAULT_LIMITS, type CertLimits } from "./limits.js";
import { sha256Hex } from "./public-key.js";
import type {
  CertificateBundleInspection,
  CertificateFacts,
  LimitNote,
  PrivateKeyFacts,
  PrivateKeyInspection,
} from "./types.js";

/**
 * The entry point: inspects Secret values with caches keyed by the SHA-256 of the input bytes, so the same value
 * (or the same intermediate in many bundles) is parsed and verified once. Results hold no secret material.
 */

export interface CertInspectorStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
}

export class CertInspector {
  readonly limits: CertLimits;
  private readonly bundles: BoundedCache<StaticBundle>;
  private readonly certificates: BoundedCache<CertificateLoad>;
  private readonly keys: BoundedCache<PrivateKeyInspection>;
  private readonly issuance: BoundedCache<boolean>;

  constructor(limits: Partial<CertLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const size = this.limits.maxCacheEntries;
    this.bundles = new BoundedCache(size);
    this.certificates = new BoundedCache(size);
    this.keys = new BoundedCache(size);
    this.issuance = new BoundedCache(size);
  }

  /** tls.crt bytes (already decoded) at time `now`. */
  inspectCertificates(bytes: Uint8Array, now: Date): CertificateBundleInspection {
    const buffer = asBuffer(bytes);
    const bundle = this.bundles.getOrCompute(sha256Hex(buffer), () =>
      inspectBundleBytes(buffer, this.limits, (der) => this.loadCertificateDer(der)),
    );
    return {
      certificates: bundle.entries.map((entry) => factsAt(entry.certificate, entry.index, now)),
      certificateBlockCount: bundle.certificateBlockCount,
      omittedCertificateCount: bundle.omittedCertificateCount,
      otherBlockLabels: bundle.otherBlockLabels,
      problems: bundle.problems,
      limits: bundle.limits,
    };
  }

  /** tls.key bytes (already decoded). */
  inspectPrivateKey(bytes: Uint8Array): PrivateKeyInspection {
    const buffer = asBuffer(bytes);
    return this.keys.getOrCompute(sha256Hex(buffer), () => inspectPrivateKeyBytes(buffer, this.limits));
  }

  /** A tls.crt value as written in the Secret: decoded first (a decoding problem is the only problem then). */
  inspectCertificateValue(value: string, origin: SecretValueOrigin, now: Date): CertificateBundleInspection {
    const decoded = decodeSecretValue(value, origin, this.limits.maxValueBytes);
    if (!decoded.ok) {
      return {
        certificates: [],
        certificateBlockCount: 0,
        omittedCertificateCount: 0,
        otherBlockLabels: [],
        problems: [decoded.problem],
        limits: this.sizeNotes(decoded),
      };
    }
    return this.inspectCertificates(decoded.bytes, now);
  }

  /** A tls.key value as written in the Secret. */
  inspectPrivateKeyValue(value: string, origin: SecretValueOrigin): PrivateKeyInspection {
    const decoded = decodeSecretValue(value, origin, this.limits.maxValueBytes);
    if (decoded.ok) return this.inspectPrivateKey(decoded.bytes);
    return { key: null, problems: [decoded.problem], limits: this.sizeNotes(decoded) };
  }

  /**
   * Whether `parent` issued `child`: the child's issuer name equals the parent's subject name (compared as
   * OpenSSL does, ignoring case and extra spaces) and the parent's key verifies the child's signature.
   * Both must be facts returned by an inspector (or copies of facts it still caches); otherwise it throws, since
   * that is a programming error rather than bad input.
   */
  issuedBy(child: CertificateFacts, parent: CertificateFacts): boolean {
    const childCertificate = this.loaded(child);
    const parentCertificate = this.loaded(parent);
    const key = `${child.fingerprintSha256}>${parent.fingerprintSha256}`;
    return this.issuance.getOrCompute(key, () => loadedIssuedBy(childCertificate, parentCertificate));
  }

  /** The first of `candidates` that issued `cert`, or null. */
  findIssuer(cert: CertificateFacts, candidates: readonly CertificateFacts[]): CertificateFacts | null {
    const index = findIssuerIndex(cert, candidates, (child, parent) => this.issuedBy(child, parent));
    return index === null ? null : (candidates[index] ?? null);
  }

  /** Is the first certificate the key's, and is each certificate issued by the next? */
  checkChainOrder(certs: readonly CertificateFacts[], key: PrivateKeyFacts | null): ChainOrderReport {
    return checkChainOrder(certs, key, (child, parent) => this.issuedBy(child, parent));
  }

  stats(): CertInspectorStats {
    const caches = [this.bundles, this.certificates, this.keys, this.issuance];
    return {
      entries: caches.reduce((sum, cache) => sum + cache.size, 0),
      hits: caches.reduce((sum, cache) => sum + cache.hits, 0),
      misses: caches.reduce((sum, cache) => sum + cache.misses, 0),
    };
  }

  clear(): void {
    for (const cache of [this.bundles, this.certificates, this.keys, this.issuance]) cache.clear();
  }

  /** The loaded certificate behind facts: registered when handed out, else (for copies) still in the cache. */
  private loaded(facts: CertificateFacts): LoadedCertificate {
    const registered = loadedFromFacts(facts);
    if (registered !== undefined) return registered;
    const cached = this.certificates.get(facts.fingerprintSha256.replaceAll(":", "").toLowerCase());
    if (cached?.ok === true) return cached.certificate;
    throw new TypeError("certificate facts must come from a CertInspector that still holds the certificate");
  }

  private loadCertificateDer(der: Buffer): CertificateLoad {
    return this.certificates.getOrCompute(sha256Hex(der), () => loadCertificate(der, this.limits));
  }

  /** The value-bytes note of a value refused for its size (none for other decoding problems). */
  private sizeNotes(decoded: DecodedSecretValue & { ok: false }): LimitNote[] {
    if (decoded.size === undefined) return [];
    const { bytes, approximate } = decoded.size;
    return [{ limit: "value-bytes", actual: bytes, max: this.limits.maxValueBytes, approximate }];
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Shared inspector: one cache for the whole analysis. */
export const defaultCertInspector = new CertInspector();
