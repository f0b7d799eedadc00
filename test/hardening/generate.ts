/**
 * Deterministic builders for the large hostile inputs, which are generated at test time and never committed:
 * certificates assembled with node-forge's ASN.1 helpers and signed with the fixture keys of test/fixtures/certs
 * (RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic), RSA moduli of any size, and big YAML files.
 */
import { Buffer } from "node:buffer";
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { fixture } from "../helpers/cert-fixtures.js";

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const seq = (...items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
const set = (...items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
const oid = (dotted: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
const nul = (): Asn1 => asn1.create(U, T.NULL, false, "");
const utf8 = (text: string): Asn1 => asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(text));
const octets = (bytes: string): Asn1 => asn1.create(U, T.OCTETSTRING, false, bytes);
const bits = (bytes: Buffer | string): Asn1 =>
  asn1.create(U, T.BITSTRING, false, `\x00${typeof bytes === "string" ? bytes : bytes.toString("latin1")}`);
/** UTCTime before 2050, GeneralizedTime from then on, as RFC 5280 wants. */
function time(date: Date): Asn1 {
  const digits = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, `${digits.slice(2)}Z`)
    : asn1.create(U, T.GENERALIZEDTIME, false, `${digits}Z`);
}

/** A DER INTEGER of a non-negative big-endian magnitude (minimal, with a leading zero when the top bit is set). */
function integer(magnitude: Buffer): Asn1 {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsZero = ((trimmed[0] ?? 0) & 0x80) !== 0;
  return asn1.create(U, T.INTEGER, false, `${needsZero ? "\x00" : ""}${trimmed.toString("latin1")}`);
}

function smallInteger(value: number): Asn1 {
  const hex = value.toString(16);
  return integer(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex"));
}

function der(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), "latin1");
}

/** `length` bytes from SHA-256 in counter mode over `label`: the same bytes on every run. */
export function deterministicBytes(label: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let counter = 0; chunks.length * 32 < length; counter++) {
    chunks.push(createHash("sha256").update(`${label}/${counter}`).digest());
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/** An odd number of exactly `bitLength` bits. Not a product of two primes: only its size matters to the analysis. */
export function fakeModulus(bitLength: number, label: string): Buffer {
  const bytes = Buffer.from(deterministicBytes(label, bitLength / 8));
  bytes[0] = (bytes[0] ?? 0) | 0x80;
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) | 0x01;
  return bytes;
}

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const ED25519 = "1.3.101.112";
const F4 = Buffer.from([0x01, 0x00, 0x01]);

/** SubjectPublicKeyInfo of an RSA public key with modulus `modulus`, exactly as OpenSSL encodes it. */
export function rsaSpki(modulus: Buffer): Buffer {
  return der(seq(seq(oid(RSA_ENCRYPTION), nul()), bits(der(seq(integer(modulus), integer(F4))))));
}

/**
 * A PKCS#1 RSAPrivateKey (BEGIN RSA PRIVATE KEY) around `modulus`, with made-up private numbers of the usual sizes.
 * OpenSSL loads such a structure without checking it, which is all the analysis does with a key.
 */
export function fakeRsaPrivateKeyPem(modulus: Buffer, label: string): string {
  const half = modulus.length / 2;
  const part = (name: string, length: number) => fakeModulus(length * 8, `${label}/${name}`);
  const key = seq(
    smallInteger(0),
    integer(modulus),
    integer(F4),
    integer(part("d", modulus.length)),
    integer(part("p", half)),
    integer(part("q", half)),
    integer(part("dp", half)),
    integer(part("dq", half)),
    integer(part("qinv", half)),
  );
  return pem("RSA PRIVATE KEY", der(key));
}

export function pem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export type Signer = "rsa2048" | "ed25519";

const keys = new Map<Signer, KeyObject>();
function signerKey(signer: Signer): KeyObject {
  let key = keys.get(signer);
  if (!key) {
    key = createPrivateKey(fixture(`${signer}.key`));
    keys.set(signer, key);
  }
  return key;
}

/** The DER SubjectPublicKeyInfo of a fixture key: a certificate with it is the key's (and self-signed with it). */
export function signerSpki(signer: Signer): Buffer {
  return createPublicKey(signerKey(signer)).export({ type: "spki", format: "der" });
}

export interface CertificateSpec {
  serial: number;
  subject: string;
  /** Defaults to the subject (self-issued). */
  issuer?: string;
  /** DER SubjectPublicKeyInfo; defaults to the signer's own key. */
  spki?: Buffer;
  signer: Signer;
  dnsNames?: readonly string[];
  notBefore?: Date;
  notAfter?: Date;
  /** extendedKeyUsage clientAuth. */
  clientAuth?: boolean;
}

const name = (cn: string): Asn1 => seq(set(seq(oid("2.5.4.3"), utf8(cn))));

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return critical
    ? seq(oid(id), asn1.create(U, T.BOOLEAN, false, "\xff"), octets(asn1.toDer(value).getBytes()))
    : seq(oid(id), octets(asn1.toDer(value).getBytes()));
}

/** A v3 certificate built to `spec` and signed with the fixture key of `spec.signer`. */
export function certificateDer(spec: CertificateSpec): Buffer {
  const algorithm = spec.signer === "rsa2048" ? seq(oid(SHA256_WITH_RSA), nul()) : seq(oid(ED25519));
  const extensions: Asn1[] = [extension("2.5.29.19", true, seq())];
  if (spec.clientAuth) extensions.push(extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))));
  if (spec.dnsNames && spec.dnsNames.length > 0) {
    const names = spec.dnsNames.map((dns) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, dns));
    extensions.push(extension("2.5.29.17", false, seq(...names)));
  }
  const spki = asn1.fromDer(forge.util.createBuffer((spec.spki ?? signerSpki(spec.signer)).toString("latin1")));
  const tbs = seq(
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [smallInteger(2)]),
    smallInteger(spec.serial),
    algorithm,
    name(spec.issuer ?? spec.subject),
    seq(
      time(spec.notBefore ?? new Date("2025-01-01T00:00:00Z")),
      time(spec.notAfter ?? new Date("2049-12-31T00:00:00Z")),
    ),
    name(spec.subject),
    spki,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq(...extensions)]),
  );
  const tbsDer = der(tbs);
  const signature = sign(spec.signer === "rsa2048" ? "sha256" : null, tbsDer, signerKey(spec.signer));
  return der(seq(asn1.fromDer(forge.util.createBuffer(tbsDer.toString("latin1"))), algorithm, bits(signature)));
}

export function certificatePem(spec: CertificateSpec): string {
  return pem("CERTIFICATE", certificateDer(spec));
}
