import { Buffer } from "node:buffer";
import { X509Certificate, type KeyObject } from "node:crypto";

import { ABSENT_BASIC_CONSTRAINTS } from "./extensions.js";
import type { CertLimits } from "./limits.js";
import { EXTENDED_KEY_USAGES } from "./oids.js";
import { problem, type CertProblem } from "./problems.js";
import { describePublicKey } from "./public-key.js";
import { readCertificateStructure, type CertificateStructure } from "./structure.js";
import type {
  CertificateFacts,
  CertificateStaticFacts,
  CertificateValidity,
  LimitNote,
  PublicKeyFacts,
} from "./types.js";

/**
 * One certificate: Node's X509Certificate loads it (RSA, ECDSA, EdDSA alike) and verifies signatures; the DER walk in
 * structure.ts supplies what Node lacks. The loaded form is cached; time-dependent facts are added per call.
 */

export interface LoadedCertificate {
  readonly x509: X509Certificate;
  /**
   * Node's KeyObject, made on first use: only signature checks need it, and it is not free. Null when it cannot be
   * loaded, or when it is an RSA key over `maxRsaKeyBits` (so no signature is ever verified with it).
   */
  readonly publicKey: () => KeyObject | null;
  readonly facts: CertificateStaticFacts;
  /** Canonical names, for issuer/subject comparisons. */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Malformations (problems without a certificate index). */
  readonly problems: readonly CertProblem[];
  /** Limits this certificate reached (without a certificate index). */
  readonly limits: readonly LimitNote[];
  /**
   * Every SAN DNS name and IP address, beyond the capped lists of the facts: read again from the DER on demand (only
   * certificates over the cap need it), so hostname checks stay exact while cached facts stay small.
   */
  readonly allSans: () => { readonly dnsNames: readonly string[]; readonly ipAddresses: readonly string[] };
}

export type CertificateLoad =
  | { readonly ok: true; readonly certificate: LoadedCertificate }
  | { readonly ok: false; readonly problem: CertProblem };

const DAY_MS = 86_400_000;
const UNKNOWN_KEY: PublicKeyFacts = { type: "unknown", bits: null, curve: null, sha256: null };

/** The limits `loadCertificate` applies. */
export type CertificateLimits = Pick<CertLimits, "maxSanEntries" | "maxRsaKeyBits">;

function rsaBits(key: KeyObject): number | null {
  const type = key.asymmetricKeyType;
  return type === "rsa" || type === "rsa-pss" ? (key.asymmetricKeyDetails?.modulusLength ?? null) : null;
}

function lazyPublicKey(x509: X509Certificate): () => KeyObject | null {
  let loaded: KeyObject | null | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = x509.publicKey;
      } catch {
        loaded = null;
      }
    }
    return loaded;
  };
}

/** The RSA modulus size: from the DER when it could be read there, else from Node's key (loading it). */
function modulusBits(key: () => KeyObject | null, structure: CertificateStructure | null): number | null {
  const info = structure?.publicKeyInfo;
  if (info !== undefined && info.keyType !== "unknown") return info.keyType === "RSA" ? info.bits : null;
  const loaded = key();
  return loaded === null ? null : rsaBits(loaded);
}

function verifiesWith(x509: X509Certificate, key: KeyObject | null): boolean {
  if (key === null) return false;
  try {
    return x509.verify(key);
  } catch {
    return false;
  }
}

/** From the DER when it sufficed (the common case), else from Node's KeyObject. */
function publicKeyFacts(publicKey: () => KeyObject | null, structure: CertificateStructure | null): PublicKeyFacts {
  const info = structure?.publicKeyInfo;
  if (info !== undefined && info.keyType !== "unknown" && info.bits !== null && info.sha256 !== null) {
    return { type: info.keyType, bits: info.bits, curve: info.curve?.name ?? null, sha256: info.sha256 };
  }
  const key = publicKey();
  const fromNode = key === null ? UNKNOWN_KEY : describePublicKey(key);
  if (info === undefined) return fromNode;
  return {
    type: fromNode.type === "unknown" ? info.keyType : fromNode.type,
    bits: fromNode.bits ?? info.bits,
    curve: info.curve?.name ?? info.unknownCurveOid ?? fromNode.curve,
    sha256: fromNode.sha256,
  };
}

/** Node prints names one attribute a line; our display form separates them with ", ". */
function nodeName(text: string): string {
  return text
    .split("\n")
    .filter((part) => part !== "")
    .join(", ");
}

/** The SAN DNS names and IP addresses as Node prints them (all of them), and the count of entries of every type. */
function nodeSans(x509: X509Certificate): { dnsNames: string[]; ipAddresses: string[]; count: number } {
  const san = (x509.subjectAltName ?? "").split(", ").filter((entry) => entry !== "");
  return {
    dnsNames: san.filter((entry) => entry.startsWith("DNS:")).map((entry) => entry.slice(4)),
    ipAddresses: san.filter((entry) => entry.startsWith("IP Address:")).map((entry) => entry.slice(11).toLowerCase()),
    count: san.length,
  };
}

/** Facts without the two self-signature flags. */
type BaseFacts = Omit<CertificateStaticFacts, "selfIssued" | "selfSigned">;

/**
 * Facts from Node alone, for a certificate OpenSSL loads but whose DER we cannot walk; with how many SAN DNS names
 * and IP addresses the cap left out.
 */
function factsFromNodeOnly(
  x509: X509Certificate,
  publicKey: () => KeyObject | null,
  maxSanEntries: number,
): { base: BaseFacts; sanOmitted: number } {
  const { dnsNames, ipAddresses, count } = nodeSans(x509);
  const ekuOids = x509.keyUsage ?? null;
  const sanOmitted = Math.max(0, dnsNames.length - maxSanEntries) + Math.max(0, ipAddresses.length - maxSanEntries);
  const base: BaseFacts = {
    version: 3,
    subject: nodeName(x509.subject),
    issuer: nodeName(x509.issuer),
    serial: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    sanDnsNames: dnsNames.slice(0, maxSanEntries),
    sanIpAddresses: ipAddresses.slice(0, maxSanEntries),
    sanCount: count,
    publicKey: publicKeyFacts(publicKey, null),
    signatureAlgorithm: { name: "unknown", oid: "", hash: null },
    basicConstraints: x509.ca
      ? { present: true, cA: true, critical: false, pathLength: null }
      : ABSENT_BASIC_CONSTRAINTS,
    keyUsage: null,
    extKeyUsage: ekuOids === null ? null : ekuOids.map((oid) => EXTENDED_KEY_USAGES.get(oid) ?? oid),
    unhandledCriticalExtensions: [],
    fingerprintSha256: x509.fingerprint256,
  };
  return { base, sanOmitted };
}

function factsFromStructure(
  x509: X509Certificate,
  publicKey: () => KeyObject | null,
  structure: CertificateStructure,
): BaseFacts {
  const { extensions } = structure;
  return {
    version: structure.version,
    subject: structure.subject?.display ?? nodeName(x509.subject),
    issuer: structure.issuer?.display ?? nodeName(x509.issuer),
    serial: structure.serial === "" ? x509.serialNumber.toUpperCase() : structure.serial,
    notBefore: structure.notBefore ?? new Date(x509.validFrom),
    notAfter: structure.notAfter ?? new Date(x509.validTo),
    sanDnsNames: extensions.sanDnsNames,
    sanIpAddresses: extensions.sanIpAddresses,
    sanCount: extensions.sanCount,
    publicKey: publicKeyFacts(publicKey, structure),
    signatureAlgorithm: structure.signatureAlgorithm,
    basicConstraints: extensions.basicConstraints,
    keyUsage: extensions.keyUsage,
    extKeyUsage: extensions.extKeyUsage,
    unhandledCriticalExtensions: extensions.unhandledCriticalExtensions,
    fingerprintSha256: x509.fingerprint256,
  };
}

/** The SAN lists without the cap: a second walk of the DER, or Node's view when the DER could not be walked. */
function uncappedSans(
  x509: X509Certificate,
  structure: CertificateStructure | null,
): { dnsNames: readonly string[]; ipAddresses: readonly string[] } {
  if (structure === null) return nodeSans(x509);
  const again = readCertificateStructure(x509.raw.toString("latin1"), Number.MAX_SAFE_INTEGER);
  return { dnsNames: again?.extensions.sanDnsNames ?? [], ipAddresses: again?.extensions.sanIpAddresses ?? [] };
}

/** Loads one DER certificate. Never throws; the problem (if any) names no bytes. */
export function loadCertificate(der: Buffer, limits: CertificateLimits): CertificateLoad {
  const { maxSanEntries, maxRsaKeyBits } = limits;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return {
      ok: false,
      problem: problem("cert-invalid", "x509-unparseable", "PEM block does not parse as an X.509 certificate"),
    };
  }
  const structure = readCertificateStructure(der.toString("latin1"), maxSanEntries);
  const describedKey = lazyPublicKey(x509);
  const bits = modulusBits(describedKey, structure);
  const oversized = bits !== null && bits > maxRsaKeyBits;
  // Facts may describe any key; an oversized one is never used to verify (nor loaded, when the DER sufficed).
  const publicKey = oversized ? () => null : describedKey;
  const problems: CertProblem[] = [];
  if (structure === null) {
    problems.push(problem("cert-malformed", "der-encoding", "certificate DER cannot be walked by a strict parser"));
  } else {
    for (const found of structure.malformations) problems.push(problem("cert-malformed", found.code, found.reason));
  }
  let base: BaseFacts;
  let sanOmitted: number;
  if (structure === null) {
    ({ base, sanOmitted } = factsFromNodeOnly(x509, describedKey, maxSanEntries));
  } else {
    base = factsFromStructure(x509, describedKey, structure);
    sanOmitted = structure.extensions.sanOmitted;
  }
  const limitNotes: LimitNote[] = [];
  const kept = { dnsNames: base.sanDnsNames, ipAddresses: base.sanIpAddresses };
  let uncapped: ReturnType<typeof uncappedSans> | undefined;
  const allSans = sanOmitted === 0 ? () => kept : () => (uncapped ??= uncappedSans(x509, structure));
  if (sanOmitted > 0)
    limitNotes.push({ limit: "san-entries", actual: base.sanCount, max: maxSanEntries, approximate: false });
  if (oversized) limitNotes.push({ limit: "rsa-key-bits", actual: bits, max: maxRsaKeyBits, approximate: false });
  const subjectKey = structure?.subject?.canonical ?? nodeName(x509.subject).toLowerCase();
  const issuerKey = structure?.issuer?.canonical ?? nodeName(x509.issuer).toLowerCase();
  const selfIssued = subjectKey === issuerKey;
  // Verification is the one expensive step (think 16k-bit RSA); it runs once per distinct certificate thanks to the cache.
  const selfSigned = selfIssued && verifiesWith(x509, publicKey());
  return {
    ok: true,
    certificate: {
      x509,
      publicKey,
      facts: { ...base, selfIssued, selfSigned },
      subjectKey,
      issuerKey,
      problems,
      limits: limitNotes,
      allSans,
    },
  };
}

/** Whether `child`'s issuer is `parent`'s subject and `parent`'s key verifies `child`'s signature. */
export function loadedIssuedBy(child: LoadedCertificate, parent: LoadedCertificate): boolean {
  return child.issuerKey === parent.subjectKey && verifiesWith(child.x509, parent.publicKey());
}

function validityAt(facts: CertificateStaticFacts, now: Date): CertificateValidity {
  if (now.getTime() < facts.notBefore.getTime()) return "not-yet-valid";
  if (now.getTime() > facts.notAfter.getTime()) return "expired";
  return "valid";
}

/** Facts objects handed out, mapped back to what they were made from (issuedBy needs the loaded certificate). */
const loadedByFacts = new WeakMap<CertificateFacts, LoadedCertificate>();

/** The validity periods of the certificates handed out while `watchCertificateDates` runs (none outside it). */
let watchedPeriods: Map<string, CertificatePeriod> | undefined;

/** When a certificate starts and stops being valid, in milliseconds since the epoch. */
export interface CertificatePeriod {
  notBefore: number;
  notAfter: number;
}

/**
 * Runs `work` and lists the validity period of every certificate whose time-dependent facts it was handed. Every
 * clock-dependent fact of a certificate (validity, days left) is made here, in `factsAt`, so these periods are all
 * the instants at which an analysis's certificate verdicts can change: what lets a cached analysis say how long it
 * stays true (analyze.ts, the base analysis kept between checks). Synchronous and re-entrant: a nested watch sees
 * its own certificates, and the outer one sees them too.
 */
export function watchCertificateDates<T>(work: () => T): { result: T; periods: CertificatePeriod[] } {
  const outer = watchedPeriods;
  const periods = new Map<string, CertificatePeriod>();
  watchedPeriods = periods;
  try {
    const result = work();
    return { result, periods: [...periods.values()] };
  } finally {
    if (outer) for (const [key, period] of periods) outer.set(key, period);
    watchedPeriods = outer;
  }
}

export function factsAt(certificate: LoadedCertificate, index: number, now: Date): CertificateFacts {
  if (watchedPeriods) {
    const notBefore = certificate.facts.notBefore.getTime();
    const notAfter = certificate.facts.notAfter.getTime();
    watchedPeriods.set(`${notBefore}/${notAfter}`, { notBefore, notAfter });
  }
  const facts: CertificateFacts = {
    ...certificate.facts,
    // Fresh Date objects: a caller that mutates one must not corrupt the cached facts.
    notBefore: new Date(certificate.facts.notBefore.getTime()),
    notAfter: new Date(certificate.facts.notAfter.getTime()),
    index,
    daysLeft: Math.floor((certificate.facts.notAfter.getTime() - now.getTime()) / DAY_MS),
    validity: validityAt(certificate.facts, now),
  };
  loadedByFacts.set(facts, certificate);
  return facts;
}

export function loadedFromFacts(facts: CertificateFacts): LoadedCertificate | undefined {
  return loadedByFacts.get(facts);
}
