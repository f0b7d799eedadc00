/**
 * The hostile corpus: every case finishes (bounded by a limit in the code, which a finding names), produces a clear
 * finding with file and line, and leaves every other file of the tree analysed. Nothing here times anything: each test
 * asserts the finding that says which limit applied and what it skipped.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { CertInspector } from "../../src/core/certs/index.js";
import { main } from "../../src/cli/main.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { RULES_BY_ID } from "../../src/core/rules/index.js";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../../src/core/source/load.js";
import type { Finding, SourceFile } from "../../src/core/types.js";
import type { JsonReport } from "../../src/report/json.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";
import {
  BUNDLE_1000,
  BUNDLE_5000,
  bundle1000,
  bundle5000,
  certificateBundle,
  committed,
  committedNames,
  COMMITTED_EXPECTATIONS,
  generatedAtDefaults,
  HOSTILE_DIR,
  HUGE_SECRET,
  HUGE_TLS_CRT_BYTES,
  hugeSecret,
  MANY_DOCS,
  manyDocuments,
  markerLine,
  RSA_16384,
  rsa16384,
  SAN_10000,
  SAN_LAST,
  san10000,
  SIBLING,
  SIBLING_FINDING,
  TEN_MB,
  tenMegabytes,
  TLS_CRT_LINE,
  type ExpectedFinding,
} from "./corpus.js";

const MIB = 1024 * 1024;

function analyse(files: readonly SourceFile[], limits: Partial<LoadLimits> = {}): TreeAnalysis {
  return analyzeTree([...files, committed(SIBLING)], {
    policy: loadPolicy(undefined).policy,
    now: FIXED_NOW,
    limits: { ...DEFAULT_LOAD_LIMITS, ...limits },
  });
}

function describe(finding: Finding): string {
  return `${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`;
}

function matches(finding: Finding, expected: ExpectedFinding): boolean {
  return (
    finding.ruleId === expected.ruleId &&
    finding.file === expected.file &&
    finding.line === expected.line &&
    (expected.severity === undefined || finding.severity === expected.severity) &&
    Object.entries(expected.data ?? {}).every(([key, value]) => finding.data[key] === value) &&
    (expected.message === undefined || expected.message.test(finding.message))
  );
}

function expectFinding(findings: readonly Finding[], expected: ExpectedFinding): Finding {
  const found = findings.find((finding) => matches(finding, expected));
  assert.ok(
    found,
    `expected ${JSON.stringify({ ...expected, message: expected.message?.source })}, got:\n${findings.map(describe).join("\n")}`,
  );
  return found;
}

function lineCount(text: string): number {
  if (text === "") return 1;
  let count = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) if (i < text.length - 1) count++;
  return count;
}

/** What holds for every hostile analysis: no rule broke, the sibling is analysed, every line is inside its file. */
function checkInvariants(analysis: TreeAnalysis, files: readonly SourceFile[]): void {
  assert.deepEqual(analysis.findings.filter((f) => f.ruleId === "internal-error").map(describe), []);
  expectFinding(analysis.findings, SIBLING_FINDING);
  const lines = new Map([...files, committed(SIBLING)].map((file) => [file.path, lineCount(file.text)]));
  for (const finding of analysis.findings) {
    const count = lines.get(finding.file);
    assert.ok(count !== undefined, `finding in an unknown file: ${describe(finding)}`);
    assert.ok(
      finding.line >= 1 && finding.endLine >= finding.line && finding.endLine <= count,
      `outside 1..${count}: ${describe(finding)}`,
    );
  }
}

// --- committed fixtures --------------------------------------------------------------------------------------------

test("the committed corpus holds what its names say (bytes the checkout must not normalise)", () => {
  assert.ok(committedNames().includes("alias-bomb.yaml"));
  const bom = readFileSync(new URL("bom-crlf.yaml", HOSTILE_DIR)).toString("latin1");
  const marker = "\xef\xbb\xbf";
  assert.ok(
    bom.startsWith(marker) && bom.includes(`---\r\n${marker}apiVersion`) && !/[^\r]\n/.test(bom),
    "BOMs and CRLF",
  );
  assert.equal(committed("binary.yaml").binary, true);
  assert.equal(committed("invalid-utf8.yaml").binary, true);
  assert.ok(committed("tabs.yaml").text.includes("\n\tnamespace"));
});

for (const expected of COMMITTED_EXPECTATIONS.filter((e) => e.file !== SIBLING)) {
  test(`${expected.file}: ${expected.ruleId} on line ${expected.line}, the sibling still analysed`, () => {
    const file = committed(expected.file);
    const analysis = analyse([file]);
    expectFinding(analysis.findings, expected);
    checkInvariants(analysis, [file]);
  });
}

test("alias bomb: refused by maxAliasCount, the next document of the file is still read", () => {
  const file = committed("alias-bomb.yaml");
  const analysis = analyse([file]);
  assert.ok(analysis.model.mappings.some((m) => m.name === "after-the-bomb"));
  assert.ok(!analysis.model.allAmbassadorResources.some((r) => r.name === "laughs"));
});

test("deep nesting: refused by maxNestingDepth on the parser's tokens, whatever the stack size", () => {
  const file = committed("deeply-nested.yaml");
  const analysis = analyse([file]);
  const names = analysis.model.mappings.map((m) => m.name);
  assert.deepEqual(names, ["after-the-depth", "sibling"]);
  // A lower cap moves the finding, so it is the cap that decides, not the parser running out of stack.
  const shallow = analyse(
    [{ path: "shallow.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: [[[[1]]]]}\n" }],
    { maxNestingDepth: 3 },
  );
  expectFinding(shallow.findings, { ruleId: "file-too-large", file: "shallow.yaml", line: 4, data: { limit: 3 } });
});

test("BOMs and CRLF: every document is read, on the lines an editor shows", () => {
  const analysis = analyse([committed("bom-crlf.yaml")]);
  assert.deepEqual(
    analysis.model.mappings.map((m) => m.name),
    ["bom-first", "bom-second", "sibling"],
  );
  assert.ok(!analysis.findings.some((f) => f.ruleId === "yaml-syntax"));
});

test("non-string keys: an object kubectl refuses is dropped, number and boolean keys are read as strings", () => {
  const analysis = analyse([committed("non-string-keys.yaml")]);
  assert.deepEqual(
    analysis.model.mappings.map((m) => m.name),
    ["scalar-keys", "sibling"],
  );
});

// --- generated: big files ------------------------------------------------------------------------------------------

test("10 MB file: maxFileBytes, never parsed; reported on line 1 with its size", () => {
  const file = tenMegabytes();
  const analysis = analyse([file]);
  const finding = expectFinding(analysis.findings, {
    ruleId: "file-too-large",
    file: TEN_MB,
    line: 1,
    data: { bytes: Buffer.byteLength(file.text), limit: MIB },
  });
  assert.match(finding.message, /not analysed/);
  assert.equal(analysis.stats.documents, 1, "only the sibling's document was read");
  checkInvariants(analysis, [file]);
});

test("100,000 documents: maxDocumentsPerFile; the first 20,000 are analysed, the rest counted, not parsed", () => {
  const file = manyDocuments();
  const analysis = analyse([file]);
  const finding = expectFinding(analysis.findings, {
    ruleId: "file-too-large",
    file: MANY_DOCS,
    line: markerLine(file.text, 20_000),
    data: { documents: 100_000, limit: 20_000 },
  });
  assert.match(finding.message, /Only the first 20000 of 100000 documents were analysed/);
  // The broken Mapping of document 0 is found; the one of document 50,000 is beyond the limit.
  expectFinding(analysis.findings, { ruleId: "mapping-tls-context-not-found", file: MANY_DOCS, line: 4 });
  assert.ok(!analysis.model.mappings.some((m) => m.name === "beyond-the-limit"));
  checkInvariants(analysis, [file]);
});

// --- generated: certificates ---------------------------------------------------------------------------------------

test("PEM bundle of 5,000 certificates: over 1 MiB, so maxFileBytes first; with files allowed, the 1 MiB value cap", () => {
  const file = bundle5000();
  const atDefaults = analyse([file]);
  expectFinding(atDefaults.findings, { ruleId: "file-too-large", file: BUNDLE_5000, line: 1, data: { limit: MIB } });
  checkInvariants(atDefaults, [file]);

  // A caller that raises the file limit still cannot make the inspection read more than 1 MiB of one value.
  const raised = analyse([file], { maxFileBytes: 64 * MIB });
  const finding = expectFinding(raised.findings, {
    ruleId: "cert-inspection-limited",
    file: BUNDLE_5000,
    line: TLS_CRT_LINE,
    severity: "error",
    data: { limit: "value-bytes", max: MIB },
  });
  assert.ok(typeof finding.data.actual === "number" && finding.data.actual > MIB);
  assert.match(finding.message, /not inspected/);
  checkInvariants(raised, [file]);
});

test("PEM bundle of 5,000 certificates: maxCertificatesPerValue inspects the first 100 and counts the rest", () => {
  const inspector = new CertInspector({ maxValueBytes: 64 * MIB });
  const inspection = inspector.inspectCertificateValue(certificateBundle(5000), "stringData", FIXED_NOW);
  assert.equal(inspection.certificates.length, 100);
  assert.equal(inspection.certificateBlockCount, 5000);
  assert.deepEqual(inspection.limits, [{ limit: "certificates", actual: 5000, max: 100, approximate: false }]);
  const rule = RULES_BY_ID.get("cert-inspection-limited");
  assert.ok(rule);
  const data = {
    secret: "default/bundle",
    key: "tls.crt",
    limit: "certificates",
    actual: 5000,
    max: 100,
    approximate: false,
    certIndex: null,
    subject: null,
  };
  assert.match(
    rule.meta.messages.certificates?.(data) ?? "",
    /tls\.crt holds 5,000 certificates; only the first 100 were inspected, the other 4,900 are unchecked/,
  );
});

test("a bundle of 1,000 certificates within the file limit: the finding says 900 were not inspected", () => {
  const file = bundle1000();
  const analysis = analyse([file]);
  const finding = expectFinding(analysis.findings, {
    ruleId: "cert-inspection-limited",
    file: BUNDLE_1000,
    line: TLS_CRT_LINE,
    severity: "warning",
    data: { limit: "certificates", actual: 1000, max: 100 },
  });
  assert.match(finding.message, /holds 1,000 certificates; only the first 100 were inspected/);
  checkInvariants(analysis, [file]);
});

test("16,384-bit RSA key: maxRsaKeyBits; described from the DER, never used to verify, and the pair still matches", () => {
  const file = rsa16384();
  const analysis = analyse([file]);
  const finding = expectFinding(analysis.findings, {
    ruleId: "cert-inspection-limited",
    file: RSA_16384,
    line: TLS_CRT_LINE,
    data: { limit: "rsa-key-bits", actual: 16_384, max: 8192, certIndex: 0 },
  });
  assert.match(finding.message, /16,384-bit RSA key, over the 8,192-bit limit: no signature was verified with it/);
  // The key's public half hashes as the certificate's, from the DER alone: no false key mismatch, no weak key.
  for (const ruleId of ["key-cert-mismatch", "weak-key", "cert-invalid"]) {
    assert.ok(!analysis.findings.some((f) => f.ruleId === ruleId && f.file === RSA_16384), ruleId);
  }
  const route = analysis.routes.find((r) => r.mapping === "default/m-rsa-16384-context");
  assert.equal(route?.clientCertificate?.keyBits, 16_384);
  checkInvariants(analysis, [file]);
});

test("10,000 SAN entries: maxSanEntries keeps 100 for outputs; the hostname check still reads all 10,000", () => {
  const file = san10000();
  const analysis = analyse([file]);
  const finding = expectFinding(analysis.findings, {
    ruleId: "cert-inspection-limited",
    file: SAN_10000,
    line: TLS_CRT_LINE,
    severity: "notice",
    data: { limit: "san-entries", actual: 10_000, max: 100, certIndex: 0 },
  });
  assert.match(finding.message, /10,000 subjectAltName entries; only the first 100 DNS names/);
  // The Host serves the 10,000th name: no false hostname mismatch.
  assert.ok(!analysis.findings.some((f) => f.ruleId === "cert-hostname-mismatch"), SAN_LAST);
  const route = analysis.routes.find((r) => r.mapping === "default/m-san-10000-context");
  assert.equal(route?.clientCertificate?.sans.length, 100);
  checkInvariants(analysis, [file]);
});

test("a Secret whose tls.crt is 50 MB: maxFileBytes; with files allowed, the value cap refuses it before decoding", () => {
  const file = hugeSecret();
  const atDefaults = analyse([file]);
  expectFinding(atDefaults.findings, { ruleId: "file-too-large", file: HUGE_SECRET, line: 1, data: { limit: MIB } });
  checkInvariants(atDefaults, [file]);

  // Over the 64 MiB per-commit total too (base64 makes 50 MB about 67 MiB): both are raised to let the file through.
  const raised = analyse([file], { maxFileBytes: 128 * MIB, maxManifestBytes: 128 * MIB });
  const finding = expectFinding(raised.findings, {
    ruleId: "cert-inspection-limited",
    file: HUGE_SECRET,
    line: TLS_CRT_LINE,
    severity: "error",
    data: { limit: "value-bytes", max: MIB, approximate: true },
  });
  const actual = finding.data.actual;
  assert.ok(typeof actual === "number" && Math.abs(actual - HUGE_TLS_CRT_BYTES) < 16, String(actual));
  assert.match(
    finding.message,
    /about 52,428,80\d bytes once decoded, over the 1,048,576-byte inspection limit: it was not inspected/,
  );
  checkInvariants(raised, [file]);
});

// --- everything at once, through the CLI -----------------------------------------------------------------------------

test("the whole corpus in one tree, through the CLI: every finding present, nothing lost", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-hostile-"));
  try {
    const generated = generatedAtDefaults();
    mkdirSync(join(dir, "generated"));
    cpSync(HOSTILE_DIR, dir, { recursive: true });
    for (const { file } of generated) writeFileSync(join(dir, "generated", file().path), file().text);
    let stdout = "";
    let stderr = "";
    const code = await main(["analyze", dir, "--format", "json", "--now", FIXED_NOW.toISOString()], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTty: false,
    });
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as JsonReport;
    // The JSON contract has no message data: match by rule, file, line and words of the message.
    const findings = report.findings.map((f) => ({ ...f, data: {} })) as unknown as Finding[];
    for (const expected of COMMITTED_EXPECTATIONS) expectFinding(findings, { ...expected, data: {} });
    for (const { expect } of generated)
      expectFinding(findings, { ...expect, data: {}, file: `generated/${expect.file}` });
    assert.ok(!findings.some((f) => f.ruleId === "internal-error"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
