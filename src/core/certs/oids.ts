/** Object identifiers the inspection needs, with the names OpenSSL prints for them. */

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  dsa: "1.2.840.10040.4.1",
  mgf1: "1.2.840.113549.1.1.8",
  sha1: "1.3.14.3.2.26",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
} as const;

export interface SignatureAlgorithmInfo {
  readonly name: string;
  /** The digest, or null when the algorithm has none of its own (Ed25519, Ed448) or is unknown. */
  readonly hash: string | null;
}

export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithmInfo> = new Map([
  ["1.2.840.113549.1.1.2", { name: "md2WithRSAEncryption", hash: "md2" }],
  ["1.2.840.113549.1.1.3", { name: "md4WithRSAEncryption", hash: "md4" }],
  ["1.2.840.113549.1.1.4", { name: "md5WithRSAEncryption", hash: "md5" }],
  ["1.2.840.113549.1.1.5", { name: "sha1WithRSAEncryption", hash: "sha1" }],
  ["1.3.14.3.2.29", { name: "sha1WithRSA", hash: "sha1" }],
  ["1.2.840.113549.1.1.14", { name: "sha224WithRSAEncryption", hash: "sha224" }],
  ["1.2.840.113549.1.1.11", { name: "sha256WithRSAEncryption", hash: "sha256" }],
  ["1.2.840.113549.1.1.12", { name: "sha384WithRSAEncryption", hash: "sha384" }],
  ["1.2.840.113549.1.1.13", { name: "sha512WithRSAEncryption", hash: "sha512" }],
  ["1.2.840.10045.4.1", { name: "ecdsa-with-SHA1", hash: "sha1" }],
  ["1.2.840.10045.4.3.1", { name: "ecdsa-with-SHA224", hash: "sha224" }],
  ["1.2.840.10045.4.3.2", { name: "ecdsa-with-SHA256", hash: "sha256" }],
  ["1.2.840.10045.4.3.3", { name: "ecdsa-with-SHA384", hash: "sha384" }],
  ["1.2.840.10045.4.3.4", { name: "ecdsa-with-SHA512", hash: "sha512" }],
  ["1.3.101.112", { name: "ED25519", hash: null }],
  ["1.3.101.113", { name: "ED448", hash: null }],
  ["1.2.840.10040.4.3", { name: "dsa-with-SHA1", hash: "sha1" }],
  ["2.16.840.1.101.3.4.3.1", { name: "dsa_with_SHA224", hash: "sha224" }],
  ["2.16.840.1.101.3.4.3.2", { name: "dsa_with_SHA256", hash: "sha256" }],
]);

export const HASH_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.2.5", "md5"],
  ["1.3.14.3.2.26", "sha1"],
  ["2.16.840.1.101.3.4.2.4", "sha224"],
  ["2.16.840.1.101.3.4.2.1", "sha256"],
  ["2.16.840.1.101.3.4.2.2", "sha384"],
  ["2.16.840.1.101.3.4.2.3", "sha512"],
]);

export interface CurveInfo {
  /** NIST name when there is one ("P-256"), else OpenSSL's short name. */
  readonly name: string;
  readonly bits: number;
  /** Go's crypto/x509 parses only the NIST curves P-224..P-521; others make it refuse the certificate. */
  readonly goSupported: boolean;
}

export const CURVES: ReadonlyMap<string, CurveInfo> = new Map([
  ["1.2.840.10045.3.1.1", { name: "P-192", bits: 192, goSupported: false }],
  ["1.3.132.0.33", { name: "P-224", bits: 224, goSupported: true }],
  ["1.2.840.10045.3.1.7", { name: "P-256", bits: 256, goSupported: true }],
  ["1.3.132.0.34", { name: "P-384", bits: 384, goSupported: true }],
  ["1.3.132.0.35", { name: "P-521", bits: 521, goSupported: true }],
  ["1.3.132.0.10", { name: "secp256k1", bits: 256, goSupported: false }],
  ["1.3.36.3.3.2.8.1.1.7", { name: "brainpoolP256r1", bits: 256, goSupported: false }],
  ["1.3.36.3.3.2.8.1.1.11", { name: "brainpoolP384r1", bits: 384, goSupported: false }],
  ["1.3.36.3.3.2.8.1.1.13", { name: "brainpoolP512r1", bits: 512, goSupported: false }],
]);

/** Node reports OpenSSL curve names; the same facts keyed that way, for private keys. */
export const CURVES_BY_OPENSSL_NAME: ReadonlyMap<string, CurveInfo> = new Map([
  ["prime192v1", { name: "P-192", bits: 192, goSupported: false }],
  ["secp224r1", { name: "P-224", bits: 224, goSupported: true }],
  ["prime256v1", { name: "P-256", bits: 256, goSupported: true }],
  ["secp384r1", { name: "P-384", bits: 384, goSupported: true }],
  ["secp521r1", { name: "P-521", bits: 521, goSupported: true }],
  ["secp256k1", { name: "secp256k1", bits: 256, goSupported: false }],
  ["brainpoolP256r1", { name: "brainpoolP256r1", bits: 256, goSupported: false }],
  ["brainpoolP384r1", { name: "brainpoolP384r1", bits: 384, goSupported: false }],
  ["brainpoolP512r1", { name: "brainpoolP512r1", bits: 512, goSupported: false }],
]);

export const EXTENDED_KEY_USAGES: ReadonlyMap<string, string> = new Map([
  ["2.5.29.37.0", "anyExtendedKeyUsage"],
  ["1.3.6.1.5.5.7.3.1", "serverAuth"],
  ["1.3.6.1.5.5.7.3.2", "clientAuth"],
  ["1.3.6.1.5.5.7.3.3", "codeSigning"],
  ["1.3.6.1.5.5.7.3.4", "emailProtection"],
  ["1.3.6.1.5.5.7.3.5", "ipsecEndSystem"],
  ["1.3.6.1.5.5.7.3.6", "ipsecTunnel"],
  ["1.3.6.1.5.5.7.3.7", "ipsecUser"],
  ["1.3.6.1.5.5.7.3.8", "timeStamping"],
  ["1.3.6.1.5.5.7.3.9", "OCSPSigning"],
  ["1.3.6.1.4.1.311.10.3.3", "msSGC"],
  ["2.16.840.1.113730.4.1", "nsSGC"],
]);

/** Bit order of the keyUsage BIT STRING (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

/** Extensions Go's crypto/x509 understands; a critical extension outside this set makes verification fail there. */
export const HANDLED_EXTENSIONS: ReadonlySet<string> = new Set([
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.15", // keyUsage
  "2.5.29.17", // subjectAltName
  "2.5.29.19", // basicConstraints
  "2.5.29.30", // nameConstraints
  "2.5.29.31", // cRLDistributionPoints
  "2.5.29.32", // certificatePolicies
  "2.5.29.35", // authorityKeyIdentifier
  "2.5.29.37", // extKeyUsage
  "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
]);

export const ATTRIBUTE_SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  ["2.5.4.3", "CN"],
  ["2.5.4.4", "SN"],
  ["2.5.4.5", "serialNumber"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.9", "street"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.12", "title"],
  ["2.5.4.42", "GN"],
  ["2.5.4.46", "dnQualifier"],
  ["2.5.4.97", "organizationIdentifier"],
  ["0.9.2342.19200300.100.1.1", "UID"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["1.2.840.113549.1.9.1", "emailAddress"],
]);
