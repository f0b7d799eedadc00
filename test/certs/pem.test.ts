import { Buffer } from "node:buffer";
import { test } from "node:test";
import assert from "node:assert/strict";

import { safeLabel, scanPem } from "../../src/core/certs/pem.js";

const scan = (text: string, maxBlocks = 10): ReturnType<typeof scanPem> =>
  scanPem(Buffer.from(text, "latin1"), maxBlocks);
const HELLO = Buffer.from("hello").toString("base64");
const block = (label: string, body = HELLO): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

interface ScanCase {
  name: string;
  text: string;
  /** Each block: its label, and the body as text or null when Go would skip the block. */
  blocks: [label: string, body: string | null][];
}

const CASES: readonly ScanCase[] = [
  { name: "one block", text: block("CERTIFICATE"), blocks: [["CERTIFICATE", "hello"]] },
  {
    name: "text before and after",
    text: `Subject: something\n${block("CERTIFICATE")}trailing words\n`,
    blocks: [["CERTIFICATE", "hello"]],
  },
  { name: "CRLF line endings", text: block("CERTIFICATE").replace(/\n/g, "\r\n"), blocks: [["CERTIFICATE", "hello"]] },
  {
    name: "trailing blanks on the BEGIN line",
    text: block("CERTIFICATE").replace("-----\n", "-----  \t\n"),
    blocks: [["CERTIFICATE", "hello"]],
  },
  { name: "body wrapped with spaces", text: block("CERTIFICATE", "aGVs\n  bG8="), blocks: [["CERTIFICATE", "hello"]] },
  {
    name: "empty body",
    text: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    blocks: [["CERTIFICATE", ""]],
  },
  { name: "no END line at all", text: "-----BEGIN CERTIFICATE-----\naGVsbG8=\n", blocks: [["CERTIFICATE", null]] },
  {
    name: "END label differs",
    text: `-----BEGIN CERTIFICATE-----\n${HELLO}\n-----END PRIVATE KEY-----\n`,
    blocks: [["CERTIFICATE", null]],
  },
  {
    name: "text after END on its line",
    text: block("CERTIFICATE").replace(/-----\n$/, "----- junk\n"),
    blocks: [["CERTIFICATE", null]],
  },
  { name: "body not base64", text: block("CERTIFICATE", "not*base64"), blocks: [["CERTIFICATE", null]] },
  { name: "BEGIN not at the start of a line", text: `xx${block("CERTIFICATE")}`, blocks: [] },
  { name: "BEGIN line without closing dashes", text: "-----BEGIN CERTIFICATE\nAAAA\n", blocks: [] },
  {
    name: "broken block, then a good one",
    text: `-----BEGIN CERTIFICATE-----\n***\n-----END CERTIFICATE-----\n${block("CERTIFICATE")}`,
    blocks: [
      ["CERTIFICATE", null],
      ["CERTIFICATE", "hello"],
    ],
  },
  {
    name: "mixed labels keep their order",
    text: block("CERTIFICATE") + block("PRIVATE KEY") + block("CERTIFICATE"),
    blocks: [
      ["CERTIFICATE", "hello"],
      ["PRIVATE KEY", "hello"],
      ["CERTIFICATE", "hello"],
    ],
  },
  { name: "nothing PEM-like", text: "just some text", blocks: [] },
];

for (const { name, text, blocks } of CASES) {
  test(`pem: ${name}`, () => {
    assert.deepEqual(
      scan(text).blocks.map((found) => [found.label, found.der === null ? null : found.der.toString("latin1")]),
      blocks,
    );
  });
}

test("pem: headers are read (legacy encrypted keys)", () => {
  const text = `-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n${HELLO}\n-----END EC PRIVATE KEY-----\n`;
  const [found] = scan(text).blocks;
  assert.equal(found?.headers.get("Proc-Type"), "4,ENCRYPTED");
  assert.equal(found?.der?.toString("latin1"), "hello");
});

test("pem: blocks beyond the cap are counted, not decoded", () => {
  const text = block("CERTIFICATE").repeat(7) + block("PRIVATE KEY").repeat(2);
  const result = scan(text, 5);
  assert.equal(result.blocks.length, 5);
  assert.equal(result.omittedBlocks, 4);
  assert.equal(result.omittedCertificateBlocks, 2);
});

test("pem: thousands of unterminated blocks are scanned in one pass", () => {
  const result = scan("-----BEGIN CERTIFICATE-----\n".repeat(50_000), 10);
  assert.equal(result.blocks.length, 10);
  assert.ok(result.blocks.every((found) => found.der === null));
});

test("pem: labels are sanitised before anyone shows them", () => {
  assert.equal(safeLabel("CERTIFICATE"), "CERTIFICATE");
  assert.equal(safeLabel("EC PRIVATE KEY"), "EC PRIVATE KEY");
  assert.equal(safeLabel("c2VjcmV0IHZhbHVl"), "(unrecognised label)");
  assert.equal(safeLabel("X".repeat(80)), "(unrecognised label)");
  assert.equal(safeLabel(""), "(unrecognised label)");
});
