import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  CertInspector,
  keyMatchesCertificate,
  type CertProblemCode,
  type CertificateFacts,
  type KeyType,
  type PrivateKeyFacts,
  type PrivateKeyFormat,
} from "../../src/core/certs/index.js";

const FIXTURES = new URL("../../../test/fixtures/certs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const NOW = new Date("2026-06-01T00:00:00Z");

interface KeyCase {
  file: string;
  format: PrivateKeyFormat | null;
  type: KeyType | null;
  bits: number | null;
  curve: string | null;
  problems: CertProblemCode[];
}

const KEY_CASES: readonly KeyCase[] = [
  { file: "rsa1024.key", format: "pkcs8", type: "RSA", bits: 1024, curve: null, problems: [] },
  { file: "rsa2048.key", format: "pkcs1", type: "RSA", bits: 2048, curve: null, problems: [] },
  { file: "rsa4096.key", format: "pkcs8", type: "RSA", bits: 4096, curve: null, problems: [] },
  { file: "ec-p256.key", format: "sec1", type: "EC", bits: 256, curve: "P-256", problems: [] },
  { file: "ec-p384.key", format: "pkcs8", type: "EC", bits: 384, curve: "P-384", problems: [] },
  { file: "ed25519.key", format: "pkcs8", type: "Ed25519", bits: 256, curve: null, problems: [] },
  { file: "mismatched.key", format: "pkcs8", type: "EC", bits: 256, curve: "P-256", problems: [] },
  // Go (Emissary's validation) and Envoy refuse DSA; the type is still reported.
  { file: "dsa.key", format: "pkcs8", type: "DSA", bits: 2048, curve: null, problems: ["key-unsupported-algorithm"] },
  // Go reads only the first block (EC PARAMETERS); Envoy skips to the key.
  {
    file: "ec-params-first.key",
    format: "sec1",
    type: "EC",
    bits: 256,
    curve: "P-256",
    problems: ["key-not-first-block"],
  },
  { file: "encrypted-pkcs8.key", format: null, type: null, bits: null, curve: null, problems: ["key-encrypted-pkcs8"] },
  { file: "encrypted-legacy.key", format: null, type: null, bits: null, curve: null, problems: ["key-encrypted-pem"] },
];

for (const expected of KEY_CASES) {
  test(`key facts of ${expected.file}`, () => {
    const result = new CertInspector().inspectPrivateKeyValue(fixture(expected.file), "stringData");
    assert.deepEqual(
      result.problems.map((found) => found.code),
      expected.problems,
    );
    assert.deepEqual(
      result.key === null
        ? null
        : {
            format: result.key.format,
            type: result.key.publicKey.type,
            bits: result.key.publicKey.bits,
            curve: result.key.publicKey.curve,
          },
      expected.format === null
        ? null
        : { format: expected.format, type: expected.type, bits: expected.bits, curve: expected.curve },
    );
  });
}

test("encrypted keys are an encrypted-key problem", () => {
  for (const file of ["encrypted-pkcs8.key", "encrypted-legacy.key"]) {
    const result = new CertInspector().inspectPrivateKeyValue(fixture(file), "stringData");
    assert.deepEqual(
      result.problems.map((found) => found.kind),
      ["encrypted-key"],
    );
  }
});

function certificate(inspector: CertInspector, file: string): CertificateFacts {
  const [cert] = inspector.inspectCertificateValue(fixture(file), "stringData", NOW).certificates;
  assert.ok(cert, file);
  return cert;
}

function key(inspector: CertInspector, file: string): PrivateKeyFacts {
  const found = inspector.inspectPrivateKeyValue(fixture(file), "stringData").key;
  assert.ok(found, file);
  return found;
}

const MATCHES: readonly [cert: string, key: string, matches: boolean][] = [
  ["rsa1024.crt", "rsa1024.key", true],
  ["rsa2048.crt", "rsa2048.key", true],
  ["rsa4096.crt", "rsa4096.key", true],
  ["ec-p256.crt", "ec-p256.key", true],
  ["ec-p384.crt", "ec-p384.key", true],
  ["ed25519.crt", "ed25519.key", true],
  ["sha1-signed.crt", "rsa2048.key", true],
  ["rsa-pss-signed.crt", "rsa2048.key", true],
  ["expired.crt", "ec-p256.key", true],
  ["chain-good.crt", "ec-p256.key", true],
  ["mismatched.crt", "mismatched.key", false],
  ["rsa2048.crt", "rsa4096.key", false],
  ["ec-p256.crt", "ec-p384.key", false],
  ["ed25519.crt", "ec-p256.key", false],
  ["ec-p256.crt", "ec-params-first.key", false],
];

for (const [certFile, keyFile, matches] of MATCHES) {
  test(`${keyFile} ${matches ? "matches" : "does not match"} ${certFile}`, () => {
    const inspector = new CertInspector();
    assert.equal(keyMatchesCertificate(key(inspector, keyFile), certificate(inspector, certFile)), matches);
  });
}

test("a key given as base64 `data` is the same key", () => {
  const inspector = new CertInspector();
  const text = fixture("ec-p256.key");
  assert.deepEqual(
    inspector.inspectPrivateKeyValue(Buffer.from(text).toString("base64"), "data"),
    inspector.inspectPrivateKeyValue(text, "stringData"),
  );
});

test("anything else in tls.key is cert-invalid", () => {
  const inspector = new CertInspector();
  const certificateAsKey = inspector.inspectPrivateKeyValue(fixture("rsa2048.crt"), "stringData");
  assert.equal(certificateAsKey.key, null);
  assert.deepEqual(
    certificateAsKey.problems.map((found) => [found.kind, found.code]),
    [["cert-invalid", "key-unparseable"]],
  );
  const keyBody = fixture("ec-p256.key").split("-----")[2] ?? "";
  const derKey = Buffer.from(keyBody.replace(/\s/g, ""), "base64");
  assert.deepEqual(
    inspector.inspectPrivateKey(derKey).problems.map((found) => found.code),
    ["der-not-pem"],
  );
  assert.deepEqual(
    inspector.inspectPrivateKeyValue("not a key at all", "stringData").problems.map((found) => found.code),
    ["no-pem-block"],
  );
  assert.deepEqual(
    inspector.inspectPrivateKeyValue("", "stringData").problems.map((found) => found.code),
    ["empty-value"],
  );
  const garbageBlock = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  assert.deepEqual(
    inspector.inspectPrivateKeyValue(garbageBlock, "stringData").problems.map((found) => found.code),
    ["key-unparseable"],
  );
});
