/**
 * What can be wrong with a Secret value. A problem carries a stable code and a short reason written by us: never
 * bytes, base64 or PEM text from the value, so that a finding built from it cannot leak key material.
 */

export type CertProblemKind =
  /** `data` value that Kubernetes would refuse (and Emissary could not decode). */
  | "invalid-base64"
  /** Over the size cap: not parsed at all. */
  | "too-large"
  /** Emissary's Go secret validation refuses it (or Envoy cannot load it). */
  | "cert-invalid"
  /** Loads in OpenSSL, but a strict parser (Go's crypto/x509) would refuse it. */
  | "cert-malformed"
  /** An encrypted private key: Envoy has no passphrase, so it cannot load it. */
  | "encrypted-key";

export type CertProblemCode =
  | "base64-character"
  | "base64-padding"
  | "base64-length"
  | "value-too-large"
  | "empty-value"
  | "no-pem-block"
  | "der-not-pem"
  | "double-base64"
  | "first-block-not-certificate"
  | "pem-block-corrupt"
  | "x509-unparseable"
  | "key-not-first-block"
  | "key-unparseable"
  | "key-unsupported-algorithm"
  | "key-unsupported-curve"
  | "key-encrypted-pkcs8"
  | "key-encrypted-pem"
  | "der-encoding"
  | "certificate-structure"
  | "version"
  | "serial-negative"
  | "serial-malformed"
  | "signature-algorithm-mismatch"
  | "signature-malformed"
  | "name-malformed"
  | "time-malformed"
  | "public-key-malformed"
  | "public-key-unsupported-curve"
  | "extension-malformed"
  | "extension-duplicate";

export interface CertProblem {
  readonly kind: CertProblemKind;
  readonly code: CertProblemCode;
  /** Short human reason, e.g. "not valid base64 (character at offset 17)". */
  readonly reason: string;
  /** Position of the certificate among the value's CERTIFICATE blocks, when the problem is about one of them. */
  readonly certIndex?: number;
}

export function problem(kind: CertProblemKind, code: CertProblemCode, reason: string, certIndex?: number): CertProblem {
  return certIndex === undefined ? { kind, code, reason } : { kind, code, reason, certIndex };
}

/** The same problem, attributed to the certificate at `certIndex`. */
export function atCertificate(found: CertProblem, certIndex: number): CertProblem {
  return { ...found, certIndex };
}
