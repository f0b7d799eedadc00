import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

import { CertInspector, type CertificateFacts, type KeyType } from "../../src/core/certs/index.js";

// Fixtures live in the source tree; from dist/test/certs that is three levels up.
const FIXTURES = new URL("../../../test/fixtures/certs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

/** Inside every good certificate's validity (2025-01-01 .. 2049-12-31), after the expired one's, before the future one's. */
const NOW = new Date("2026-06-01T00:00:00Z");
const GOOD_DAYS_LEFT = 8614;

function only(file: string, inspector = new CertInspector()): CertificateFacts {
  const result = inspector.inspectCertificateValue(fixture(file), "stringData", NOW);
  assert.deepEqual(result.problems, [], `${file}: no problems expected`);
  assert.equal(result.certificates.length, 1, `${file}: one certificate`);
  const [cert] = result.certificates;
  assert.ok(cert);
  return cert;
}

interface Expected {
  file: string;
  subject: string;
  issuer: string;
  version: number;
  keyType: KeyType;
  bits: number;
  curve: string | null;
  signature: string;
  hash: string | null;
  selfSigned: boolean;
  basicConstraints: { present: boolean; cA: boolean };
  keyUsage: string[] | null;
  extKeyUsage: string[] | null;
  san: string[];
  ips: string[];
  validity: "valid" | "expired" | "not-yet-valid";
  daysLeft: number;
}

const ROOT = "O=mtls-gate fixtures, CN=Fixture Root CA";
const CLIENT_SAN = ["client.example.com", "*.clients.example.com"];
const CLIENT_IPS = ["10.0.0.7"];
const RSA_LEAF_USAGE = ["digitalSignature", "keyEncipherment"];
const NOT_CA = { present: true, cA: false };
const leafSubject = (cn: string): string => `O=mtls-gate fixtures, CN=${cn}`;

const rsaLeaf = (file: string, cn: string, bits: number, signature: string, hash: string | null): Expected => ({
  file,
  subject: leafSubject(cn),
  issuer: ROOT,
  version: 3,
  keyType: "RSA",
  bits,
  curve: null,
  signature,
  hash,
  selfSigned: false,
  basicConstraints: NOT_CA,
  keyUsage: RSA_LEAF_USAGE,
  extKeyUsage: ["clientAuth"],
  san: CLIENT_SAN,
  ips: CLIENT_IPS,
  validity: "valid",
  daysLeft: GOOD_DAYS_LEFT,
});

const ecLeaf = (file: string, cn: string, overrides: Partial<Expected> = {}): Expected => ({
  file,
  subject: leafSubject(cn),
  issuer: ROOT,
  version: 3,
  keyType: "EC",
  bits: 256,
  curve: "P-256",
  signature: "sha256WithRSAEncryption",
  hash: "sha256",
  selfSigned: false,
  basicConstraints: NOT_CA,
  keyUsage: ["digitalSignature"],
  extKeyUsage: ["clientAuth"],
  san: ["client.example.com"],
  ips: [],
  validity: "valid",
  daysLeft: GOOD_DAYS_LEFT,
  ...overrides,
});

const CASES: readonly Expected[] = [
  rsaLeaf("rsa1024.crt", "rsa1024.example.com", 1024, "sha256WithRSAEncryption", "sha256"),
  rsaLeaf("rsa2048.crt", "rsa2048.example.com", 2048, "sha256WithRSAEncryption", "sha256"),
  rsaLeaf("rsa4096.crt", "rsa4096.example.com", 4096, "sha256WithRSAEncryption", "sha256"),
  rsaLeaf("sha1-signed.crt", "sha1.example.com", 2048, "sha1WithRSAEncryption", "sha1"),
  rsaLeaf("md5-signed.crt", "md5.example.com", 2048, "md5WithRSAEncryption", "md5"),
  rsaLeaf("rsa-pss-signed.crt", "pss.example.com", 2048, "RSASSA-PSS", "sha256"),
  ecLeaf("ec-p256.crt", "ec-p256.example.com"),
  ecLeaf("ec-p384.crt", "ec-p384.example.com", { bits: 384, curve: "P-384" }),
  ecLeaf("ed25519.crt", "ed25519.example.com", { keyType: "Ed25519", bits: 256, curve: null }),
  ecLeaf("expired.crt", "expired.example.com", { validity: "expired", daysLeft: -1977 }),
  ecLeaf("not-yet-valid.crt", "future.example.com", { validity: "not-yet-valid", daysLeft: 6789 }),
  ecLeaf("no-san.crt", "no-san.example.com", { san: [], keyUsage: RSA_LEAF_USAGE }),
  ecLeaf("eku-server-only.crt", "server.example.com", {
    extKeyUsage: ["serverAuth"],
    san: ["server.example.com"],
    keyUsage: RSA_LEAF_USAGE,
  }),
  ecLeaf("eku-any-only.crt", "any.example.com", {
    extKeyUsage: ["anyExtendedKeyUsage"],
    san: ["any.example.com"],
    keyUsage: RSA_LEAF_USAGE,
  }),
  ecLeaf("leaf-ca-true.crt", "leaf-ca.example.com", {
    basicConstraints: { present: true, cA: true },
    san: ["leaf-ca.example.com"],
  }),
  {
    file: "root-ca.crt",
    subject: ROOT,
    issuer: ROOT,
    version: 3,
    keyType: "RSA",
    bits: 2048,
    curve: null,
    signature: "sha256WithRSAEncryption",
    hash: "sha256",
    selfSigned: true,
    basicConstraints: { present: true, cA: true },
    keyUsage: ["keyCertSign", "cRLSign"],
    extKeyUsage: null,
    san: [],
    ips: [],
    validity: "valid",
    daysLeft: GOOD_DAYS_LEFT,
  },
  ecLeaf("intermediate-ca.crt", "Fixture Intermediate CA", {
    basicConstraints: { present: true, cA: true },
    keyUsage: ["keyCertSign", "cRLSign"],
    extKeyUsage: null,
    san: [],
  }),
  {
    ...ecLeaf("ca-no-keycertsign.crt", "CA Without keyCertSign"),
    issuer: leafSubject("CA Without keyCertSign"),
    signature: "ecdsa-with-SHA256",
    selfSigned: true,
    // cA=TRUE in the extension although keyCertSign is missing (Node's X509Certificate.ca says false here).
    basicConstraints: { present: true, cA: true },
    keyUsage: ["digitalSignature", "cRLSign"],
    extKeyUsage: null,
    san: [],
  },
  {
    ...ecLeaf("v1-root.crt", "Version 1 Root"),
    issuer: leafSubject("Version 1 Root"),
    version: 1,
    signature: "ecdsa-with-SHA256",
    selfSigned: true,
    basicConstraints: { present: false, cA: false },
    keyUsage: null,
    extKeyUsage: null,
    san: [],
  },
];

for (const expected of CASES) {
  test(`facts of ${expected.file}`, () => {
    const cert = only(expected.file);
    assert.deepEqual(
      {
        subject: cert.subject,
        issuer: cert.issuer,
        version: cert.version,
        keyType: cert.publicKey.type,
        bits: cert.publicKey.bits,
        curve: cert.publicKey.curve,
        signature: cert.signatureAlgorithm.name,
        hash: cert.signatureAlgorithm.hash,
        selfSigned: cert.selfSigned,
        basicConstraints: { present: cert.basicConstraints.present, cA: cert.basicConstraints.cA },
        keyUsage: cert.keyUsage,
        extKeyUsage: cert.extKeyUsage,
        san: cert.sanDnsNames,
        ips: cert.sanIpAddresses,
        validity: cert.validity,
        daysLeft: cert.daysLeft,
      },
      {
        subject: expected.subject,
        issuer: expected.issuer,
        version: expected.version,
        keyType: expected.keyType,
        bits: expected.bits,
        curve: expected.curve,
        signature: expected.signature,
        hash: expected.hash,
        selfSigned: expected.selfSigned,
        basicConstraints: expected.basicConstraints,
        keyUsage: expected.keyUsage,
        extKeyUsage: expected.extKeyUsage,
        san: expected.san,
        ips: expected.ips,
        validity: expected.validity,
        daysLeft: expected.daysLeft,
      },
    );
    assert.equal(cert.index, 0);
    assert.equal(cert.sanCount, expected.san.length + expected.ips.length);
    assert.equal(cert.selfIssued, expected.subject === expected.issuer);
    assert.match(cert.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(cert.publicKey.sha256 ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(cert.unhandledCriticalExtensions, []);
  });
}

test("serial numbers and validity dates are read exactly", () => {
  const root = only("root-ca.crt");
  assert.equal(root.serial, "1000");
  assert.equal(root.notBefore.toISOString(), "2025-01-01T00:00:00.000Z");
  assert.equal(root.notAfter.toISOString(), "2049-12-31T23:59:59.000Z");
  const expired = only("expired.crt");
  assert.equal(expired.notAfter.toISOString(), "2021-01-01T00:00:00.000Z");
});

test("basicConstraints details: critical flag and path length", () => {
  assert.deepEqual(only("intermediate-ca.crt").basicConstraints, {
    present: true,
    cA: true,
    critical: true,
    pathLength: 0,
  });
  assert.deepEqual(only("root-ca.crt").basicConstraints, { present: true, cA: true, critical: true, pathLength: null });
  assert.deepEqual(only("v1-root.crt").basicConstraints, {
    present: false,
    cA: false,
    critical: false,
    pathLength: null,
  });
});

test("daysLeft and validity follow the injected time", () => {
  const inspector = new CertInspector();
  const at = (iso: string): CertificateFacts => {
    const [cert] = inspector.inspectCertificateValue(fixture("ec-p256.crt"), "stringData", new Date(iso)).certificates;
    assert.ok(cert);
    return cert;
  };
  assert.deepEqual([at("2049-12-30T00:00:00Z").daysLeft, at("2049-12-30T00:00:00Z").validity], [1, "valid"]);
  assert.deepEqual([at("2049-12-31T12:00:00Z").daysLeft, at("2049-12-31T12:00:00Z").validity], [0, "valid"]);
  assert.deepEqual([at("2050-01-01T00:00:00Z").daysLeft, at("2050-01-01T00:00:00Z").validity], [-1, "expired"]);
  assert.equal(at("2024-12-31T23:59:59Z").validity, "not-yet-valid");
});

test("a bundle lists its certificates in order with their index", () => {
  const result = new CertInspector().inspectCertificateValue(fixture("chain-good.crt"), "stringData", NOW);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.certificates.map((cert) => [cert.index, cert.subject]),
    [
      [0, leafSubject("chained.example.com")],
      [1, leafSubject("Fixture Intermediate CA")],
    ],
  );
  assert.equal(result.certificateBlockCount, 2);
  assert.equal(result.omittedCertificateCount, 0);
  assert.deepEqual(result.otherBlockLabels, []);
});

test("base64 `data` values and plain `stringData` values give the same facts", () => {
  const inspector = new CertInspector();
  const text = fixture("ec-p384.crt");
  const plain = inspector.inspectCertificateValue(text, "stringData", NOW);
  const encoded = inspector.inspectCertificateValue(Buffer.from(text).toString("base64"), "data", NOW);
  const pemInData = inspector.inspectCertificateValue(text, "data", NOW);
  assert.deepEqual(encoded, plain);
  assert.deepEqual(pemInData, plain);
});

test("the second inspection of the same bytes comes from the cache", () => {
  const inspector = new CertInspector();
  const first = inspector.inspectCertificateValue(fixture("rsa2048.crt"), "stringData", NOW);
  const missesAfterFirst = inspector.stats().misses;
  const second = inspector.inspectCertificateValue(fixture("rsa2048.crt"), "stringData", NOW);
  assert.deepEqual(second, first);
  assert.equal(inspector.stats().misses, missesAfterFirst);
  assert.ok(inspector.stats().hits > 0);
});

test("the cache is bounded", () => {
  const inspector = new CertInspector({ maxCacheEntries: 2 });
  for (const file of ["rsa1024.crt", "rsa2048.crt", "ec-p256.crt", "ec-p384.crt"]) {
    inspector.inspectCertificateValue(fixture(file), "stringData", NOW);
  }
  // Two caches hold entries here (bundles and single certificates), each capped at 2.
  assert.ok(inspector.stats().entries <= 4);
});

test("mutating returned dates does not corrupt the cache", () => {
  const inspector = new CertInspector();
  const [first] = inspector.inspectCertificateValue(fixture("rsa2048.crt"), "stringData", NOW).certificates;
  assert.ok(first);
  first.notAfter.setTime(0);
  const [second] = inspector.inspectCertificateValue(fixture("rsa2048.crt"), "stringData", NOW).certificates;
  assert.equal(second?.notAfter.toISOString(), "2049-12-31T23:59:59.000Z");
});
