/** `mtls-gate analyze --format gitlab`: GitLab's Code Quality report, through the CLI's `main` on the example. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { Finding } from "../../src/core/types.js";
import { renderGitLabCodeQuality, type GitLabCodeQualityIssue } from "../../src/report/gitlab.js";
import type { JsonReport } from "../../src/report/json.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const example = join(repoRoot, "examples/gitops");
const SEVERITIES = new Set(["info", "minor", "major", "critical", "blocker"]);

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

/** The report's shape as GitLab reads it: every documented field, of its type, and nothing GitLab would reject. */
function assertCodeQualityReport(value: unknown): asserts value is GitLabCodeQualityIssue[] {
  assert.ok(Array.isArray(value), "a JSON array");
  for (const issue of value as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(issue).sort(), ["check_name", "description", "fingerprint", "location", "severity"]);
    assert.equal(typeof issue.description, "string");
    assert.ok((issue.description as string).length > 0);
    assert.match(issue.check_name as string, /^[a-z][a-z0-9-]*$/);
    assert.equal(typeof issue.fingerprint, "string");
    assert.ok(SEVERITIES.has(issue.severity as string), String(issue.severity));
    const location = issue.location as { path: unknown; lines: { begin: unknown; end: unknown } };
    assert.equal(typeof location.path, "string");
    assert.ok(!(location.path as string).startsWith("/"), "paths are relative to the repository");
    assert.ok(Number.isInteger(location.lines.begin) && (location.lines.begin as number) >= 1);
    assert.ok(
      Number.isInteger(location.lines.end) && (location.lines.end as number) >= (location.lines.begin as number),
    );
  }
  const fingerprints = (value as { fingerprint: string }[]).map((i) => i.fingerprint);
  assert.equal(new Set(fingerprints).size, fingerprints.length, "fingerprints are unique within a report");
}

describe("--format gitlab", () => {
  it("writes GitLab's Code Quality report for the example: the broken reference is critical on its line; exit 1 as for every format", async () => {
    const { code, stdout, stderr } = await cli(["analyze", example, "--format", "gitlab"]);
    assert.equal(code, 1, stderr);
    const issues: unknown = JSON.parse(stdout);
    assertCodeQualityReport(issues);
    const broken = issues.find((i) => i.check_name === "mapping-tls-context-not-found");
    assert.deepEqual(broken && { severity: broken.severity, location: broken.location }, {
      severity: "critical",
      location: { path: "edge/mappings.yaml", lines: { begin: 12, end: 12 } },
    });
    assert.match(broken?.description ?? "", /^Mapping edge\/reports-mapping: no TLSContext is named "report-context"/);
  });

  it("lists what the JSON report lists, suppressed findings left out, with the same fingerprints and mapped severities", async () => {
    const gitlab = JSON.parse(
      (await cli(["analyze", example, "--format", "gitlab", "--exit-zero"])).stdout,
    ) as GitLabCodeQualityIssue[];
    const json = JSON.parse((await cli(["analyze", example, "--format", "json", "--exit-zero"])).stdout) as JsonReport;
    const expected = json.findings
      .filter((f) => !f.suppressed)
      .map((f) => [
        f.ruleId,
        f.file,
        f.line,
        f.fingerprint,
        { error: "critical", warning: "major", notice: "info" }[f.severity],
      ]);
    assert.ok(
      json.findings.some((f) => f.suppressed),
      "the example has suppressed findings",
    );
    assert.deepEqual(
      gitlab.map((i) => [i.check_name, i.location.path, i.location.lines.begin, i.fingerprint, i.severity]),
      expected,
    );
  });

  it("with --base lists every finding of the head tree, pre-existing ones too (GitLab compares with the target branch's report itself)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mtls-gate-gitlab-"));
    try {
      cpSync(example, dir, { recursive: true });
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
          cwd: dir,
          stdio: "pipe",
        });
      git("init", "-q", "-b", "main");
      git("add", "-A");
      git("commit", "-qm", "base");
      const path = join(dir, "payments/tlscontext.yaml");
      writeFileSync(path, readFileSync(path, "utf8").replace("secret: upstream-certs", "secret: upstream-cert"));
      const { code, stdout } = await cli(["analyze", ".", "--base", "main", "--format", "gitlab"], dir);
      assert.equal(code, 1, "the introduced error fails the job");
      const issues: unknown = JSON.parse(stdout);
      assertCodeQualityReport(issues);
      const rules = issues.map((i) => i.check_name);
      assert.ok(rules.includes("tls-context-secret-not-found"), "introduced");
      assert.ok(
        issues.some(
          (i) => i.check_name === "mapping-tls-context-not-found" && i.location.path === "edge/mappings.yaml",
        ),
        "pre-existing",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes repeated fingerprints unique and clamps lines", () => {
    const finding = (line: number, endLine: number): Finding => ({
      ruleId: "duplicate-resource",
      messageId: "replaced",
      severity: "warning",
      message: "",
      file: "a.yaml",
      line,
      column: 1,
      endLine,
      endColumn: 2,
      resource: "Mapping/default/x",
      data: {},
      fingerprint: "0123456789abcdef",
    });
    const issues: unknown = JSON.parse(renderGitLabCodeQuality([finding(0, 0), finding(5, 3), finding(9, 12)]));
    assertCodeQualityReport(issues);
    assert.deepEqual(
      issues.map((i) => [i.fingerprint, i.location.lines, i.description, i.severity]),
      [
        ["0123456789abcdef", { begin: 1, end: 1 }, "duplicate-resource", "major"],
        ["0123456789abcdef-2", { begin: 5, end: 5 }, "duplicate-resource", "major"],
        ["0123456789abcdef-3", { begin: 9, end: 12 }, "duplicate-resource", "major"],
      ],
    );
    assert.equal(renderGitLabCodeQuality([]), "[]\n");
  });
});
