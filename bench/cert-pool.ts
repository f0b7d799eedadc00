/**
 * The benchmark's certificate pool: real X.509 certificates (RSA 2048 and EC P-256 leaves issued by one RSA 2048 CA),
 * generated once per run with node:crypto. Keys cannot be derived from a seed with node:crypto, so the key bytes differ
 * from run to run; everything else (subjects, serials, validity, extensions, which certificate goes where) is fixed,
 * and so are the sizes, which is what the benchmark depends on.
 *
 * node:crypto generates and signs but does not build certificates: the few DER structures an X.509 v3 certificate
 * needs are written here (bench only; the analyser reads them with its own parser).
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from "node:crypto";

/** The clock the benchmark analyses at (the app harness's NOW): pool certificates are valid then, except the expired one. */
export const BENCH_NOW = new Date("2026-06-01T12:00:00Z");

export type PoolKeyType = "rsa-2048" | "ec-p256";
export type PoolRole = "ca" | "client" | "server" | "expired-client";

export interface PoolCertificate {
  id: string;
  role: PoolRole;
  keyType: PoolKeyType;
  /** PEM of the certificate. */
  certificate: string;
  /** PEM (PKCS#8) of its private key. */
  privateKey: string;
  /** Base64 of the PEM texts, as written under a Secret's `data:` (computed once: thousands of Secrets reuse them). */
  certificateBase64: string;
  privateKeyBase64: string;
}

export interface CertPool {
  ca: PoolCertificate;
  clients: PoolCertificate[];
  servers: PoolCertificate[];
  expiredClient: PoolCertificate;
  /** The DNS name every server certificate covers (`*.<domain>`). */
  serverDomain: string;
  /** Milliseconds it took to generate. */
  generationMs: number;
}

// --- DER ----------------------------------------------------------------------------------------------------------

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octetString = (bytes: Buffer) => tlv(0x04, bytes);
const bitString = (bytes: Buffer, unusedBits = 0) => tlv(0x03, Buffer.from([unusedBits]), bytes);
const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, "utf8"));
const explicit = (number: number, content: Buffer) => tlv(0xa0 | number, content);
const derTrue = Buffer.from([0x01, 0x01, 0xff]);
const derNull = Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps the sign bit clear). */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [40 * (arcs[0] ?? 0) + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift(0x80 | rest % 128);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (the pool's dates are all before 2050). */
function utcTime(date: Date): Buffer {
  const two = (n: number) => String(n).padStart(2, "0");
  const text = `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}

function name(attributes: readonly (readonly [string, string])[]): Buffer {
  return sequence(...attributes.map(([type, value]) => set(sequence(oid(type), utf8String(value)))));
}

/** A KeyUsage BIT STRING from bit numbers (0 = digitalSignature ... 6 = cRLSign). */
function keyUsage(bits: readonly number[]): Buffer {
  let byte = 0;
  for (const bit of bits) byte |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return bitString(Buffer.from([byte]), unused);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), derTrue, octetString(value)) : sequence(oid(id), octetString(value));
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

// --- certificates -------------------------------------------------------------------------------------------------

interface Issuer {
  name: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

interface CertificateSpec {
  serial: number;
  subject: readonly (readonly [string, string])[];
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  usages: readonly number[];
  extendedUsages: readonly string[];
  dnsNames: readonly string[];
}

function generateKeys(keyType: PoolKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  return keyType === "rsa-2048" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "prime256v1" });
}

function issue(spec: CertificateSpec, keys: { publicKey: KeyObject; privateKey: KeyObject }, issuer: Issuer | "self"): { pem: string; issuer: Issuer } {
  const spki = keys.publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha1").update(spki).digest();
  const subject = name(spec.subject);
  const signer: Issuer = issuer === "self" ? { name: subject, key: keys.privateKey, keyId } : issuer;
  const serial = Buffer.alloc(8);
  serial.writeUInt32BE(0x42454e43, 0); // "BENC"
  serial.writeUInt32BE(spec.serial, 4);
  const extensions = [
    extension(OID.basicConstraints, true, spec.ca ? sequence(derTrue) : sequence()),
    extension(OID.keyUsage, true, keyUsage(spec.usages)),
    ...(spec.extendedUsages.length > 0 ? [extension(OID.extKeyUsage, false, sequence(...spec.extendedUsages.map(oid)))] : []),
    ...(spec.dnsNames.length > 0 ? [extension(OID.subjectAltName, false, sequence(...spec.dnsNames.map((dns) => tlv(0x82, Buffer.from(dns, "ascii")))))] : []),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    ...(issuer === "self" ? [] : [extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, signer.keyId)))]),
  ];
  const algorithm = sequence(oid(OID.sha256WithRsa), derNull);
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    signer.name,
    sequence(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign("sha256", tbs, signer.key);
  const der = sequence(tbs, algorithm, bitString(signature));
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return { pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, issuer: { name: subject, key: keys.privateKey, keyId } };
}

function poolEntry(id: string, role: PoolRole, keyType: PoolKeyType, certificate: string, privateKey: KeyObject): PoolCertificate {
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    id,
    role,
    keyType,
    certificate,
    privateKey: keyPem,
    certificateBase64: Buffer.from(certificate).toString("base64"),
    privateKeyBase64: Buffer.from(keyPem).toString("base64"),
  };
}

const ORGANIZATION = ["2.5.4.10", "Bench Corp"] as const;

/**
 * Twenty certificates: the CA, 8 RSA and 8 EC client certificates (clientAuth), an RSA and an EC server certificate
 * for `*.bench.example.com` (serverAuth), and one EC client certificate that expired before BENCH_NOW.
 */
export function createCertPool(clientsPerKeyType = 8): CertPool {
  const started = performance.now();
  const serverDomain = "bench.example.com";
  const valid = { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2028-01-01T00:00:00Z") };
  let serial = 1;
  const caKeys = generateKeys("rsa-2048");
  const ca = issue(
    { serial: serial++, subject: [ORGANIZATION, [OID.commonName, "Bench Root CA"]], notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2035-01-01T00:00:00Z"), ca: true, usages: [5, 6], extendedUsages: [], dnsNames: [] },
    caKeys,
    "self",
  );
  const leaf = (id: string, role: PoolRole, keyType: PoolKeyType, dates: { notBefore: Date; notAfter: Date }, server: boolean): PoolCertificate => {
    const keys = generateKeys(keyType);
    const usages = keyType === "rsa-2048" ? [0, 2] : [0];
    const dnsNames = server ? [`*.${serverDomain}`, serverDomain] : [`${id}.clients.bench.internal`];
    const { pem } = issue(
      { serial: serial++, subject: [ORGANIZATION, [OID.organizationalUnit, role], [OID.commonName, id]], ...dates, ca: false, usages, extendedUsages: [server ? OID.serverAuth : OID.clientAuth], dnsNames },
      keys,
      ca.issuer,
    );
    return poolEntry(id, role, keyType, pem, keys.privateKey);
  };
  const clients: PoolCertificate[] = [];
  for (let i = 0; i < clientsPerKeyType; i++) {
    clients.push(leaf(`client-rsa-${i}`, "client", "rsa-2048", valid, false));
    clients.push(leaf(`client-ec-${i}`, "client", "ec-p256", valid, false));
  }
  const servers = [leaf("server-rsa", "server", "rsa-2048", valid, true), leaf("server-ec", "server", "ec-p256", valid, true)];
  const expiredClient = leaf("client-expired", "expired-client", "ec-p256", { notBefore: new Date("2024-01-01T00:00:00Z"), notAfter: new Date("2025-01-01T00:00:00Z") }, false);
  const pool: CertPool = {
    ca: poolEntry("bench-root-ca", "ca", "rsa-2048", ca.pem, caKeys.privateKey),
    clients,
    servers,
    expiredClient,
    serverDomain,
    generationMs: 0,
  };
  verifyPool(pool);
  pool.generationMs = performance.now() - started;
  return pool;
}

/** Every leaf parses, is signed by the CA and matches its key: a broken pool would benchmark error paths instead. */
function verifyPool(pool: CertPool): void {
  const ca = new X509Certificate(pool.ca.certificate);
  if (!ca.verify(ca.publicKey)) throw new Error("bench: the pool's CA does not verify itself");
  for (const entry of [...pool.clients, ...pool.servers, pool.expiredClient]) {
    const certificate = new X509Certificate(entry.certificate);
    if (!certificate.verify(ca.publicKey)) throw new Error(`bench: ${entry.id} is not signed by the pool's CA`);
    if (!certificate.checkPrivateKey(createPrivateKey(entry.privateKey))) throw new Error(`bench: ${entry.id} does not match its key`);
  }
}
