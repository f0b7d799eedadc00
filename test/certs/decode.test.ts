import { Buffer } from "node:buffer";
import { test } from "node:test";
import assert from "node:assert/strict";

import { decodeSecretValue, type CertProblemCode, type SecretValueOrigin } from "../../src/core/certs/index.js";

const PEM_TEXT = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

interface DecodeCase {
  name: string;
  value: string;
  origin: SecretValueOrigin;
  /** Expected bytes as text, or the expected problem code. */
  expected: { text: string; encoding: "base64" | "plain" | "pem-in-data" } | { code: CertProblemCode; offset?: number };
}

const CASES: readonly DecodeCase[] = [
  { name: "plain base64", value: "aGVsbG8=", origin: "data", expected: { text: "hello", encoding: "base64" } },
  { name: "no padding needed", value: "aGVsbG8h", origin: "data", expected: { text: "hello!", encoding: "base64" } },
  { name: "two padding chars", value: "aGk=", origin: "data", expected: { text: "hi", encoding: "base64" } },
  { name: "wrapped lines", value: "aGVs\n bG8=\r\n", origin: "data", expected: { text: "hello", encoding: "base64" } },
  { name: "empty data value", value: "", origin: "data", expected: { text: "", encoding: "base64" } },
  {
    name: "stringData is plain",
    value: "aGVsbG8=",
    origin: "stringData",
    expected: { text: "aGVsbG8=", encoding: "plain" },
  },
  {
    name: "PEM in data is taken as PEM",
    value: PEM_TEXT,
    origin: "data",
    expected: { text: PEM_TEXT, encoding: "pem-in-data" },
  },
  {
    name: "character outside the alphabet",
    value: "aGVs*G8=",
    origin: "data",
    expected: { code: "base64-character", offset: 4 },
  },
  { name: "URL-safe alphabet", value: "aGVs-_8=", origin: "data", expected: { code: "base64-character", offset: 4 } },
  { name: "non-ASCII", value: "aGVsbé8=", origin: "data", expected: { code: "base64-character", offset: 5 } },
  {
    name: "PEM after leading space",
    value: ` ${PEM_TEXT}`,
    origin: "data",
    expected: { code: "base64-character", offset: 1 },
  },
  { name: "data after padding", value: "aGk=aGk=", origin: "data", expected: { code: "base64-padding", offset: 4 } },
  { name: "three padding chars", value: "aG===", origin: "data", expected: { code: "base64-padding", offset: 4 } },
  { name: "wrong padding amount", value: "aGVsbG8==", origin: "data", expected: { code: "base64-padding", offset: 7 } },
  { name: "missing padding", value: "aGVsbG8", origin: "data", expected: { code: "base64-length" } },
  { name: "one stray character", value: "aGVsb", origin: "data", expected: { code: "base64-length" } },
];

for (const { name, value, origin, expected } of CASES) {
  test(`decode: ${name}`, () => {
    const decoded = decodeSecretValue(value, origin);
    if ("text" in expected) {
      assert.ok(decoded.ok, "expected success");
      assert.equal(decoded.bytes.toString("utf8"), expected.text);
      assert.equal(decoded.encoding, expected.encoding);
      return;
    }
    assert.ok(!decoded.ok, "expected a problem");
    assert.equal(decoded.problem.kind, "invalid-base64");
    assert.equal(decoded.problem.code, expected.code);
    if (expected.offset !== undefined) assert.match(decoded.problem.reason, new RegExp(`offset ${expected.offset}\\)`));
  });
}

test("decode: the offending character is never quoted", () => {
  const decoded = decodeSecretValue("aGVsbG8gd29ybGQ@", "data");
  assert.ok(!decoded.ok);
  assert.ok(!decoded.problem.reason.includes("@"));
  assert.ok(!decoded.problem.reason.includes("aGVs"));
});

test("decode: values over the cap are too-large, without decoding", () => {
  const max = 1024;
  const bigBase64 = Buffer.alloc(max + 3).toString("base64");
  const cases: readonly [string, SecretValueOrigin][] = [
    [bigBase64, "data"],
    ["x".repeat(max * 3), "data"],
    ["x".repeat(max + 1), "stringData"],
    ["é".repeat(max / 2 + 1), "stringData"],
    [`-----BEGIN${"x".repeat(max)}`, "data"],
  ];
  for (const [value, origin] of cases) {
    const decoded = decodeSecretValue(value, origin, max);
    assert.ok(!decoded.ok);
    assert.deepEqual([decoded.problem.kind, decoded.problem.code], ["too-large", "value-too-large"]);
  }
  assert.ok(decodeSecretValue(Buffer.alloc(max).toString("base64"), "data", max).ok);
});

test("decode: the default cap is 1 MiB", () => {
  const justOver = Buffer.alloc(1024 * 1024 + 1).toString("base64");
  const decoded = decodeSecretValue(justOver, "data");
  assert.ok(!decoded.ok);
  assert.equal(decoded.problem.kind, "too-large");
  assert.ok(decodeSecretValue(Buffer.alloc(1024 * 1024).toString("base64"), "data").ok);
});
