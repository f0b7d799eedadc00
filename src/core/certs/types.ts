import type { KeyUsageName } from "./oids.js";
import type { CertProblem } from "./problems.js";

export type { KeyUsageName } from "./oids.js";

/** Public facts about certificates and keys. Plain data: no key bytes, no PEM, nothing secret. */

export type KeyType = "RSA" | "EC" | "Ed25519" | "Ed448" | "DSA" | "unknown";

export interface PublicKeyFacts {
  readonly type: KeyType;
  /** RSA/DSA modulus bits, EC field bits (P-256 = 256, P-384 = 384), 256 for Ed25519, 456 for Ed448; null if unknown. */
  readonly bits: number | null;
  /** EC curve: NIST name when there is one ("P-256"), else OpenSSL's name; null for other key types. */
  readonly curve: string | null;
  /** SHA-256 (hex) of the public key's SubjectPublicKeyInfo as OpenSSL re-encodes it: equal for a key and its cert. */
  readonly sha256: string | null;
}

export interface SignatureAlgorithmFacts {
  /** OpenSSL-style name: sha256WithRSAEncryption, ecdsa-with-SHA256, ED25519, RSASSA-PSS, or the OID if unknown. */
  readonly name: string;
  readonly oid: string;
  /** Digest: sha256, sha1, md5, ...; for RSASSA-PSS the one in its parameters; null for Ed25519/Ed448/unknown. */
  readonly hash: string | null;
}

export interface BasicConstraintsFacts {
  /** The extension is present (read from the extension itself: Node's `ca` also wants keyCertSign). */
  readonly present: boolean;
  readonly cA: boolean;
  readonly critical: boolean;
  /** pathLenConstraint, or null when absent. */
  readonly pathLength: number | null;
}

export type CertificateValidity = "valid" | "expired" | "not-yet-valid";

/** Facts that do not depend on the time: what the cache keeps. */
export interface CertificateStaticFacts {
  /** 1 or 3 in practice (2 is legal and rare). */
  readonly version: number;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex of the serial number, without leading zero bytes. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sanDnsNames: readonly string[];
  readonly sanIpAddresses: readonly string[];
  /** All SAN entries of every type, including ones beyond the kept DNS/IP lists. */
  readonly sanCount: number;
  readonly publicKey: PublicKeyFacts;
  readonly signatureAlgorithm: SignatureAlgorithmFacts;
  /** Subject and issuer are the same name. */
  readonly selfIssued: boolean;
  /** Self-issued and the signature verifies with the certificate's own key. */
  readonly selfSigned: boolean;
  readonly basicConstraints: BasicConstraintsFacts;
  /** keyUsage bits by name, or null when the extension is absent. */
  readonly keyUsage: readonly KeyUsageName[] | null;
  /** serverAuth, clientAuth, anyExtendedKeyUsage, ... (unknown ones as OIDs), or null when the extension is absent. */
  readonly extKeyUsage: readonly string[] | null;
  /** OIDs of critical extensions Go does not understand (verification fails there). */
  readonly unhandledCriticalExtensions: readonly string[];
  /** SHA-256 of the DER, upper-case hex pairs separated by colons (public, like `openssl x509 -fingerprint`). */
  readonly fingerprintSha256: string;
}

export interface CertificateFacts extends CertificateStaticFacts {
  /** Position among the value's CERTIFICATE blocks (0 = the leaf). */
  readonly index: number;
  /** Whole days from `now` to notAfter, rounded down; negative once expired. */
  readonly daysLeft: number;
  readonly validity: CertificateValidity;
}

/**
 * A cap of `CertLimits` that this input reached, and so what the inspection skipped: findings say so instead of
 * letting unchecked material pass as checked.
 * - `value-bytes`: the decoded value is over `maxValueBytes`; nothing in it was inspected.
 * - `certificates`: more CERTIFICATE blocks than `maxCertificatesPerValue`; only the first ones were inspected.
 * - `san-entries`: a certificate has more subjectAltName DNS names or IP addresses than `maxSanEntries` kept.
 * - `rsa-key-bits`: a certificate's RSA key is over `maxRsaKeyBits`; no signature was verified with it.
 */
export interface LimitNote {
  readonly limit: "value-bytes" | "certificates" | "san-entries" | "rsa-key-bits";
  /** What the input has: decoded bytes, CERTIFICATE blocks, subjectAltName entries (all types) or key bits. */
  readonly actual: number;
  /** The cap that applied. */
  readonly max: number;
  /** True when `actual` is estimated (the size of a base64 value too large to scan). */
  readonly approximate: boolean;
  /** The certificate concerned (position among the value's CERTIFICATE blocks), for per-certificate limits. */
  readonly certIndex?: number;
}

export interface CertificateBundleInspection {
  /** Certificates that loaded, in bundle order (a block that failed to load is absent; see problems). */
  readonly certificates: readonly CertificateFacts[];
  /** CERTIFICATE blocks in the value, including broken ones and ones beyond the parsing cap. */
  readonly certificateBlockCount: number;
  /** CERTIFICATE blocks beyond the cap: counted, not parsed. */
  readonly omittedCertificateCount: number;
  /** Labels of other PEM blocks, e.g. "PRIVATE KEY" (a key pasted into tls.crt); capped, sanitised. */
  readonly otherBlockLabels: readonly string[];
  readonly problems: readonly CertProblem[];
  /** Limits this value reached: what was not inspected. */
  readonly limits: readonly LimitNote[];
}

export type PrivateKeyFormat = "pkcs1" | "pkcs8" | "sec1";

export interface PrivateKeyFacts {
  readonly format: PrivateKeyFormat;
  /** Label of the PEM block the key came from (sanitised). */
  readonly label: string;
  readonly publicKey: PublicKeyFacts;
}

export interface PrivateKeyInspection {
  /** Null when no usable key was found (see problems). */
  readonly key: PrivateKeyFacts | null;
  readonly problems: readonly CertProblem[];
  /** Limits this value reached (only `value-bytes` applies to a key). */
  readonly limits: readonly LimitNote[];
}
