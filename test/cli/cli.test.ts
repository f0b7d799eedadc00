import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import AjvDraft04Module from "ajv-draft-04";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";
import { ANNOTATION_LINE, baseTree, brokenHead, ignore, TLS_LINE } from "../helpers/suppression-fixtures.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const example = join(repoRoot, "examples/gitops");

async function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

test("analyze on the example: text findings by file, the route table, exit 1 for the broken reference", async () => {
  const { code, stdout } = await cli(["analyze", example]);
  assert.equal(code, 1);
  assert.match(stdout, /^edge\/mappings\.yaml$/m);
  assert.match(stdout, /12:3 +error +Mapping edge\/reports-mapping: no TLSContext is named "report-context" \(did you mean "reports-context"\?\)/);
  assert.match(stdout, /payments\/upstream-mapping +\/upstream\/ +https:\/\/upstream-service\.payments:443 +mtls +yes +upstream-context +payments\/upstream-certs/);
  assert.match(stdout, /edge\/reports-mapping +\/reports\/ +http:\/\/reports\.edge:80 +plaintext/);
  assert.ok(!stdout.includes("\u001b["), "no colours in a pipe");
});

test("--exit-zero and JSON: the documented contract", async () => {
  const { code, stdout } = await cli(["analyze", example, "--format", "json", "--exit-zero"]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as JsonReport;
  const broken = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(
    broken && { file: broken.file, line: broken.line, column: broken.column, severity: broken.severity, resource: broken.resource },
    { file: "edge/mappings.yaml", line: 12, column: 3, severity: "error", resource: "Mapping/edge/reports-mapping" },
  );
  const route = report.routes.find((r) => r.mapping === "payments/upstream-mapping");
  assert.deepEqual(route && [route.mode, route.tlsContext, route.secret, route.caSecret, route.upstreamVerified], [
    "mtls",
    "upstream-context",
    "payments/upstream-certs",
    "payments/payments-ca",
    true,
  ]);
  assert.equal(report.routes.find((r) => r.mapping === "orders/orders-tls-only")?.tlsContext, "(null context)");
  assert.deepEqual(report.summary, { errors: 1, warnings: 0, notices: 3, suppressed: 3, failed: true });
  const suppressed = report.findings.filter((f) => f.suppressed).map((f) => [f.ruleId, f.file, f.suppressionReason?.startsWith("throwaway key")]);
  assert.deepEqual(suppressed[0], ["secret-private-key-in-git", "edge/secret-reports-client.yaml", true]);
  assert.equal(report.hosts[0]?.state, "terminates");
});

test("SARIF validates against the official SARIF 2.1.0 schema, with real regions", async () => {
  const { stdout } = await cli(["analyze", example, "--format", "sarif"]);
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  // The package is CommonJS with a default export: under NodeNext its class sits on `.default`.
  type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
  const AjvDraft04 = (AjvDraft04Module as unknown as { default: new (options: object) => { compile(schema: object): Validator } }).default;
  // The official schema has a pattern that is invalid with the `u` flag, so compile its patterns without it.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
  const log = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
  const result = log.runs[0]?.results.find((r) => r.ruleId === "mapping-tls-context-not-found");
  assert.equal(result?.locations[0]?.physicalLocation.region.startLine, 12);
});

test("usage errors exit 2 with a message", async () => {
  const missing = await cli(["analyze", join(repoRoot, "no-such-dir")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-dir does not exist/);
  assert.equal((await cli(["analyze", example, "--format", "xml"])).code, 2);
  assert.equal((await cli(["frobnicate"])).code, 2);
  const headOnly = await cli(["analyze", example, "--head", "HEAD"]);
  assert.equal(headOnly.code, 2);
});

test("routes prints the table only", async () => {
  const { code, stdout } = await cli(["routes", example]);
  assert.equal(code, 0);
  assert.match(stdout, /^MAPPING +PREFIX +UPSTREAM +MODE/m);
  assert.doesNotMatch(stdout, /\[mapping-tls-context-not-found\]/);
});

test("--base: findings are introduced or pre-existing, routes changed, exit code from introduced errors only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-git-"));
  try {
    cpSync(example, dir, { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
    // The base already has the reports typo (pre-existing). The change breaks the payments context's Secret name.
    const path = join(dir, "payments/tlscontext.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("secret: upstream-certs", "secret: upstream-cert"));
    const { code, stdout } = await cli(["analyze", ".", "--base", "main", "--format", "json"], dir);
    const report = JSON.parse(stdout) as JsonReport;
    assert.equal(code, 1);
    const introduced = report.findings.filter((f) => f.introduced).map((f) => f.ruleId).sort();
    assert.deepEqual(introduced, ["mapping-tls-context-not-found", "mtls-downgrade", "mtls-required", "tls-context-secret-not-found"]);
    assert.equal(report.findings.find((f) => f.resource === "Mapping/edge/reports-mapping")?.introduced, false);
    const route = report.routes.find((r) => r.mapping === "payments/upstream-mapping");
    assert.deepEqual(route && [route.change, route.baseMode, route.mode], ["changed", "mtls", "plaintext"]);

    // Against itself: nothing introduced, exit 0 even though the tree has a pre-existing error.
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "head");
    const same = await cli(["analyze", ".", "--base", "HEAD", "--head", "HEAD", "--format", "json"], dir);
    assert.equal(same.code, 0);
    assert.equal((JSON.parse(same.stdout) as JsonReport).findings.filter((f) => f.introduced).length, 0);
    const badRef = await cli(["analyze", ".", "--base", "no-such-ref"], dir);
    assert.equal(badRef.code, 2);

    // Text: the change's findings first, a closing line that counts what the change introduced and what blocks.
    const text = await cli(["analyze", ".", "--base", "HEAD~1"], dir);
    assert.equal(text.code, 1);
    assert.ok(text.stdout.indexOf("Introduced by the change (4)") < text.stdout.indexOf("Pre-existing ("), "introduced first");
    assert.match(text.stdout, /\nFAIL: 4 introduced \(4 blocking\) · \d+ pre-existing · \d+ suppressed · errors not blocking: 1 pre-existing \(scope: introduced\)\n$/);
    // Against itself: a PASS that says why the tree's error does not block.
    const itself = await cli(["analyze", ".", "--base", "HEAD", "--head", "HEAD"], dir);
    assert.equal(itself.code, 0);
    assert.match(itself.stdout, /\nPASS: 0 introduced \(0 blocking\) · \d+ pre-existing · \d+ suppressed · errors not blocking: 4 pre-existing \(scope: introduced\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--base: a suppression the change adds does not clear its own error (exit 1); one the base carries does (exit 0)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtls-gate-git-"));
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
    const commit = (message: string) => {
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message);
    };
    const write = (files: Record<string, string>) => {
      for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    };
    const IGNORE = ignore("mapping-tls-context-not-found -- billing moves in OPS-7");
    git("init", "-q", "-b", "main");
    write(baseTree());
    commit("base: mTLS, no suppression");
    write(brokenHead("the change breaks tls: and suppresses the error", IGNORE));

    const added = await cli(["analyze", ".", "--base", "main", "--format", "json"], dir);
    assert.equal(added.code, 1);
    const report = JSON.parse(added.stdout) as JsonReport;
    const error = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
    assert.deepEqual([error?.file, error?.line, error?.severity, error?.introduced, error?.suppressed], ["mapping.yaml", TLS_LINE, "error", true, undefined]);
    const pending = report.findings.find((f) => f.ruleId === "suppression-pending");
    assert.deepEqual([pending?.file, pending?.line, pending?.severity], ["mapping.yaml", ANNOTATION_LINE, "notice"]);

    // Without --base every suppression counts.
    const alone = await cli(["analyze", ".", "--format", "json"], dir);
    const aloneReport = JSON.parse(alone.stdout) as JsonReport;
    assert.equal(aloneReport.findings.find((f) => f.ruleId === "mapping-tls-context-not-found")?.suppressed, true);
    assert.equal(aloneReport.findings.some((f) => f.ruleId === "suppression-pending"), false);

    // A base that already carries the annotation (merged earlier, reviewed then): the same change passes.
    git("checkout", "-q", "--", ".");
    write(baseTree(IGNORE));
    commit("base: the suppression, reviewed");
    write(brokenHead("the change breaks tls:", IGNORE));
    const carried = await cli(["analyze", ".", "--base", "HEAD", "--format", "json"], dir);
    assert.equal(carried.code, 0, carried.stdout);
    const carriedReport = JSON.parse(carried.stdout) as JsonReport;
    const suppressed = carriedReport.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
    assert.deepEqual([suppressed?.suppressed, suppressed?.suppressionReason], [true, "billing moves in OPS-7"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
