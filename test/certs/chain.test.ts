import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";

import { CertInspector, type CertificateFacts, type PrivateKeyFacts } from "../../src/core/certs/index.js";

const FIXTURES = new URL("../../../test/fixtures/certs/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const NOW = new Date("2026-06-01T00:00:00Z");

const inspector = new CertInspector();
const certs = (file: string): readonly CertificateFacts[] =>
  inspector.inspectCertificateValue(fixture(file), "stringData", NOW).certificates;
const first = (file: string): CertificateFacts => {
  const [cert] = certs(file);
  assert.ok(cert, file);
  return cert;
};
const key = (file: string): PrivateKeyFacts => {
  const found = inspector.inspectPrivateKeyValue(fixture(file), "stringData").key;
  assert.ok(found, file);
  return found;
};

const ISSUED_BY: readonly [child: string, parent: string, issued: boolean][] = [
  ["rsa1024.crt", "root-ca.crt", true],
  ["ed25519.crt", "root-ca.crt", true],
  ["md5-signed.crt", "root-ca.crt", true],
  ["rsa-pss-signed.crt", "root-ca.crt", true],
  ["intermediate-ca.crt", "root-ca.crt", true],
  ["incomplete-chain.crt", "intermediate-ca.crt", true],
  ["root-ca.crt", "root-ca.crt", true],
  ["incomplete-chain.crt", "root-ca.crt", false],
  ["rsa2048.crt", "intermediate-ca.crt", false],
  ["root-ca.crt", "intermediate-ca.crt", false],
  // Same subject name as the issuer, wrong key: the name alone is not enough.
  ["rsa2048.crt", "rsa2048.crt", false],
];

for (const [child, parent, issued] of ISSUED_BY) {
  test(`${child} ${issued ? "is" : "is not"} issued by ${parent}`, () => {
    assert.equal(inspector.issuedBy(first(child), first(parent)), issued);
  });
}

test("chain in order: leaf with the key, then its issuer", () => {
  const report = inspector.checkChainOrder(certs("chain-good.crt"), key("ec-p256.key"));
  assert.deepEqual(report, {
    keyMatchIndex: 0,
    leafMatchesKey: true,
    links: [{ index: 0, issuedByNext: true }],
    issuerIndexes: [1, null],
    inOrder: true,
    topIndex: 1,
    // The intermediate is not self-signed: the root must come from the peer's CA bundle.
    topSelfSigned: false,
  });
});

test("chain in the wrong order: intermediate first", () => {
  const report = inspector.checkChainOrder(certs("chain-wrong-order.crt"), key("ec-p256.key"));
  assert.deepEqual(report, {
    keyMatchIndex: 1,
    leafMatchesKey: false,
    links: [{ index: 0, issuedByNext: false }],
    issuerIndexes: [null, 0],
    inOrder: false,
    topIndex: 0,
    topSelfSigned: false,
  });
});

test("incomplete chain: the leaf's issuer is not in the bundle", () => {
  const leafOnly = certs("incomplete-chain.crt");
  const report = inspector.checkChainOrder(leafOnly, key("ec-p256.key"));
  assert.equal(report.inOrder, true);
  assert.equal(report.topIndex, 0);
  assert.equal(report.topSelfSigned, false);
  const leaf = first("incomplete-chain.crt");
  assert.equal(inspector.findIssuer(leaf, [first("root-ca.crt")]), null);
  assert.equal(
    inspector.findIssuer(leaf, [first("root-ca.crt"), first("intermediate-ca.crt")])?.subject,
    first("intermediate-ca.crt").subject,
  );
});

test("a chain ending in a self-signed root", () => {
  const bundle = [...certs("chain-good.crt"), first("root-ca.crt")];
  const report = inspector.checkChainOrder(bundle, key("ec-p256.key"));
  assert.equal(report.inOrder, true);
  assert.deepEqual(report.issuerIndexes, [1, 2, null]);
  assert.equal(report.topIndex, 2);
  assert.equal(report.topSelfSigned, true);
});

test("chain order without a key, and with a key that matches nothing", () => {
  const withoutKey = inspector.checkChainOrder(certs("chain-good.crt"), null);
  assert.equal(withoutKey.leafMatchesKey, null);
  assert.equal(withoutKey.keyMatchIndex, null);
  assert.equal(withoutKey.inOrder, true);
  const wrongKey = inspector.checkChainOrder(certs("chain-good.crt"), key("mismatched.key"));
  assert.equal(wrongKey.leafMatchesKey, false);
  assert.equal(wrongKey.keyMatchIndex, null);
  assert.equal(wrongKey.inOrder, false);
});

test("issuedBy works across inspectors only for facts they produced (or still cache)", () => {
  const other = new CertInspector();
  const leaf = first("rsa1024.crt");
  const root = first("root-ca.crt");
  // Registered facts work with any inspector.
  assert.equal(other.issuedBy(leaf, root), true);
  // A copy is found through the cache of the inspector that produced it...
  assert.equal(inspector.issuedBy({ ...leaf }, { ...root }), true);
  // ...and is a programming error elsewhere.
  assert.throws(() => other.issuedBy({ ...leaf }, { ...root }), TypeError);
});
