/**
 * The CLI habits users of kubectl, istioctl and linters reach for: files and stdin as one tree, `-o`, a compact format,
 * `rules`, `--config` and the policy found from the git root, colour conventions, `--quiet`, and every usage error as an
 * exit code with a first stderr line that says what is wrong.
 */
import assert from "node:assert/strict";
import { toolEnv } from "../render/tools.js";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { RULES } from "../../src/core/rules/index.js";
import type { JsonReport } from "../../src/report/json.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const example = join(repoRoot, "examples/gitops");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string; isTty?: boolean } = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const previous = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await main(args, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTty: options.isTty ?? false,
      // The real kustomize and helm, as a user has them on PATH: examples/gitops is a kustomization.
      env: { ...toolEnv(), ...(options.env ?? {}) },
      readStdin: () => {
        if (options.stdin === undefined) throw new Error("the test gave no stdin");
        return Buffer.from(options.stdin);
      },
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

const MAPPING = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: default}
spec:
  prefix: /api/
  service: https://api.default:443
  tls: api-context
`;
const TLS_LINE = 7;
const CONTEXT = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: api-context, namespace: default}
spec: {secret: api-client}
`;

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "pipe" });

describe("the CLI's habits", () => {
  let dir: string;
  let repo: string;
  let loose: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mtls-gate-habits-"));
    // A repository whose policy sits at its root and whose manifests sit in k8s/: the policy turns the unused-context
    // notice off, which says which policy applied.
    repo = join(dir, "repo");
    mkdirSync(join(repo, ".github"), { recursive: true });
    mkdirSync(join(repo, "k8s"));
    writeFileSync(join(repo, ".github/mtls-gate.yml"), "failOn: error\nrules: {tls-context-unused: off}\n");
    writeFileSync(join(repo, "k8s/context.yaml"), CONTEXT);
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "base");
    // Outside any repository: files, stdin, a directory with nothing in it.
    loose = join(dir, "loose");
    mkdirSync(join(loose, "empty"), { recursive: true });
    writeFileSync(join(loose, "context.yaml"), CONTEXT);
    writeFileSync(join(loose, "context.txt"), CONTEXT);
    cpSync(example, join(loose, "example"), { recursive: true });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("every usage case: exit code and the first line of stderr", async () => {
    const cases: {
      args: string[];
      cwd?: string;
      env?: Record<string, string>;
      stdin?: string;
      code: number;
      stderr: RegExp | "";
    }[] = [
      { args: [], code: 2, stderr: /^Usage: mtls-gate \[options\] \[command\]$/ },
      { args: ["analyze", "no-such-dir"], cwd: loose, code: 2, stderr: /^mtls-gate: no-such-dir does not exist$/ },
      {
        args: ["routes", "no-such-file.yaml"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: no-such-file\.yaml does not exist$/,
      },
      {
        args: ["analyze", "example", "--format", "xml"],
        cwd: loose,
        code: 2,
        stderr: /^error: option '-f, --format <format>' argument 'xml' is invalid/,
      },
      {
        args: ["analyze", "example", "-o", "xml"],
        cwd: loose,
        code: 2,
        stderr: /^error: option '-o, --output <format>' argument 'xml' is invalid/,
      },
      {
        args: ["analyze", "example", "-f", "json", "-o", "text"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --format json and --output text disagree: give one$/,
      },
      {
        args: ["routes", "example", "-o", "sarif"],
        cwd: loose,
        code: 2,
        stderr: /^error: option '-o, --output <format>' argument 'sarif' is invalid/,
      },
      {
        args: ["analyze", "example", "--head", "HEAD"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --head needs --base$/,
      },
      {
        args: ["routes", "example", "--head", "HEAD"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --head needs --base$/,
      },
      {
        args: ["analyze", ".", "--base", "no-such-ref"],
        cwd: repo,
        code: 2,
        stderr: /^mtls-gate: no-such-ref is not a commit in \S+repo$/,
      },
      {
        args: ["routes", ".", "--base", "main", "--head", "v9"],
        cwd: repo,
        code: 2,
        stderr: /^mtls-gate: v9 is not a commit in \S+repo$/,
      },
      {
        args: ["analyze", ".", "--base", "--upload-pack=x"],
        cwd: repo,
        code: 2,
        stderr: /^mtls-gate: --upload-pack=x is not a commit/,
      },
      {
        args: ["analyze", "example", "--base", "main"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: \S+example is not inside a git repository/,
      },
      {
        args: ["analyze", "context.yaml", "--base", "main"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --base and --head read one directory from git, not files or stdin$/,
      },
      {
        args: ["analyze", "-", "-"],
        cwd: loose,
        stdin: MAPPING,
        code: 2,
        stderr: /^mtls-gate: stdin \(-\) can be read only once$/,
      },
      {
        args: ["analyze", "example", "--config", "nope.yml"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --config nope\.yml does not exist$/,
      },
      {
        args: ["analyze", "example", "--config", "empty"],
        cwd: loose,
        code: 2,
        stderr: /^mtls-gate: --config empty is not a file$/,
      },
      { args: ["analyze", "empty"], cwd: loose, code: 2, stderr: /^mtls-gate: no manifests found in empty / },
      {
        args: ["analyze", "example"],
        cwd: loose,
        env: { MTLS_GATE_MAX_MANIFEST_FILES: "lots" },
        code: 2,
        stderr: /^mtls-gate: MTLS_GATE_MAX_MANIFEST_FILES/,
      },
      { args: ["frobnicate"], code: 2, stderr: /^error: unknown command 'frobnicate'$/ },
      { args: ["analyze", "example"], cwd: loose, code: 1, stderr: "" },
      { args: ["analyze", "example", "--exit-zero"], cwd: loose, code: 0, stderr: "" },
      { args: ["analyze", "example", "--quiet"], cwd: loose, code: 1, stderr: "" },
      { args: ["analyze", "empty", "--allow-empty"], cwd: loose, code: 0, stderr: "" },
      { args: ["analyze", "-", "context.yaml"], cwd: loose, stdin: MAPPING, code: 1, stderr: "" },
      { args: ["routes", "example", "-o", "json"], cwd: loose, code: 0, stderr: "" },
      { args: ["rules", "-o", "json"], code: 0, stderr: "" },
      { args: ["--version"], code: 0, stderr: "" },
    ];
    for (const c of cases) {
      const result = await cli(c.args, {
        ...(c.cwd ? { cwd: c.cwd } : {}),
        ...(c.env ? { env: c.env } : {}),
        ...(c.stdin !== undefined ? { stdin: c.stdin } : {}),
      });
      const label = `mtls-gate ${c.args.join(" ")}: ${result.stderr}`;
      assert.equal(result.code, c.code, label);
      const first = result.stderr.split("\n")[0] ?? "";
      if (c.stderr === "") assert.equal(result.stderr, "", label);
      else assert.match(first, c.stderr, label);
    }
  });

  it("stdin and files are one tree: a Mapping on stdin finds the TLSContext in a file; paths read <stdin> and the file's", async () => {
    const alone = await cli(["analyze", "-", "-o", "json"], { cwd: loose, stdin: MAPPING });
    const missing = (JSON.parse(alone.stdout) as JsonReport).findings.find(
      (f) => f.ruleId === "mapping-tls-context-not-found",
    );
    assert.deepEqual([missing?.file, missing?.line], ["<stdin>", TLS_LINE]);
    assert.match(missing?.message ?? "", /no TLSContext is named "api-context"/);

    // Any name: a file given by name is read whatever its extension, as kubectl -f does.
    for (const file of ["context.yaml", "context.txt"]) {
      const together = await cli(["analyze", "-", file, "-o", "json"], { cwd: loose, stdin: MAPPING });
      const report = JSON.parse(together.stdout) as JsonReport;
      // Found now: what is wrong is the context's missing Secret, reported on the file's line.
      const unusable = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
      assert.match(
        unusable?.message ?? "",
        /TLSContext "api-context" is unusable: Secret default\/api-client does not exist/,
      );
      const secret = report.findings.find((f) => f.ruleId === "tls-context-secret-not-found");
      assert.deepEqual([secret?.file, secret?.line], [file, 4]);
    }

    // Two directories: paths keep their directory, so files of the same name stay apart.
    const two = await cli(["analyze", "example/edge", "example/payments", "-o", "compact", "--exit-zero"], {
      cwd: loose,
    });
    assert.match(two.stdout, /^example\/edge\/mappings\.yaml:12:3: error mapping-tls-context-not-found /m);
  });

  it("-o is --format; --format compact is file:line:col: severity rule-id message", async () => {
    const long = await cli(["analyze", example, "--format", "json", "--exit-zero"]);
    const short = await cli(["analyze", example, "-o", "json", "--exit-zero"]);
    assert.equal(short.stdout, long.stdout);
    const compact = await cli(["analyze", example, "--output", "compact"]);
    assert.equal(compact.code, 1);
    const lines = compact.stdout.trimEnd().split("\n");
    assert.match(
      lines.find((l) => l.includes("mapping-tls-context-not-found")) ?? "",
      /^edge\/mappings\.yaml:12:3: error mapping-tls-context-not-found Mapping edge\/reports-mapping: no TLSContext is named "report-context"/,
    );
    for (const line of lines) assert.match(line, /^[^:\s]+:\d+:\d+: (error|warning|notice) [a-z0-9-]+ \S/);
    // Suppressed findings are decisions already reviewed: not listed.
    const json = JSON.parse(long.stdout) as JsonReport;
    assert.equal(lines.length, json.findings.filter((f) => !f.suppressed).length);
  });

  it("rules: every rule with its severity, description and docs page at this version", async () => {
    const text = await cli(["rules"]);
    for (const rule of RULES)
      assert.match(text.stdout, new RegExp(`^${rule.meta.id} +${rule.meta.severity} +\\S`, "m"));
    const json = JSON.parse((await cli(["rules", "--format", "json"])).stdout) as {
      rules: { id: string; severity: string; description: string; docsUrl: string }[];
    };
    assert.deepEqual(
      json.rules.map((r) => r.id),
      RULES.map((r) => r.meta.id),
    );
    for (const rule of json.rules) {
      assert.match(
        rule.docsUrl,
        new RegExp(`^https://github\\.com/[\\w.-]+/[\\w.-]+/blob/v\\d+\\.\\d+\\.\\d+[^/]*/docs/rules/${rule.id}\\.md$`),
      );
      assert.ok(existsSync(join(repoRoot, "docs/rules", `${rule.id}.md`)), rule.docsUrl);
      assert.equal(rule.description, RULES.find((r) => r.meta.id === rule.id)?.meta.description);
    }
  });

  it("the policy: from the git root as the app reads it, the same for `analyze k8s` and `analyze .`; --config wins; the output names it", async () => {
    const sub = await cli(["analyze", "k8s", "-o", "json", "--exit-zero"], { cwd: repo });
    const top = await cli(["analyze", ".", "-o", "json", "--exit-zero"], { cwd: repo });
    const subReport = JSON.parse(sub.stdout) as JsonReport;
    const topReport = JSON.parse(top.stdout) as JsonReport;
    assert.deepEqual(
      [subReport.policy?.path, topReport.policy?.path],
      ["../.github/mtls-gate.yml", ".github/mtls-gate.yml"],
    );
    // The root policy turns tls-context-unused off in both.
    for (const report of [subReport, topReport])
      assert.equal(
        report.findings.some((f) => f.ruleId === "tls-context-unused"),
        false,
      );
    assert.match(
      (await cli(["analyze", "k8s"], { cwd: repo })).stdout,
      /\nPolicy: \.\.\/\.github\/mtls-gate\.yml\n(PASS|FAIL): [^\n]*\n$/,
    );

    // --config: that file, whatever the tree has; its problems are findings on it.
    writeFileSync(join(dir, "other.yml"), "noSuchKey: 1\n");
    const configured = await cli(["analyze", "k8s", "--config", "../other.yml", "-o", "json"], { cwd: repo });
    const configuredReport = JSON.parse(configured.stdout) as JsonReport;
    assert.equal(configuredReport.policy?.path, "../other.yml");
    // Not the root's policy: tls-context-unused is on again.
    assert.equal(
      configuredReport.findings.some((f) => f.ruleId === "tls-context-unused"),
      true,
    );
    const invalid = configuredReport.findings.find((f) => f.ruleId === "policy-invalid");
    assert.deepEqual([invalid?.file, invalid?.line], ["../other.yml", 1]);
    assert.match(invalid?.message ?? "", /noSuchKey/);
    assert.match(
      (await cli(["analyze", "k8s", "--config", "../other.yml"], { cwd: repo })).stdout,
      /\nPolicy: \.\.\/other\.yml \(--config\)\n(PASS|FAIL): [^\n]*\n$/,
    );

    // With --head, the policy as it is at that revision: the change to the root policy below is not committed.
    writeFileSync(join(repo, ".github/mtls-gate.yml"), "failOn: error\n");
    const atHead = await cli(["analyze", "k8s", "--base", "main", "--head", "main", "-o", "json"], { cwd: repo });
    assert.equal(
      (JSON.parse(atHead.stdout) as JsonReport).findings.some((f) => f.ruleId === "tls-context-unused"),
      false,
    );
    const working = await cli(["analyze", "k8s", "-o", "json"], { cwd: repo });
    assert.equal(
      (JSON.parse(working.stdout) as JsonReport).findings.some((f) => f.ruleId === "tls-context-unused"),
      true,
    );
    git(repo, "checkout", "-q", "--", ".");

    // Outside a repository, only the directory's own; none: the defaults, path null.
    const none = await cli(["analyze", "context.yaml", "-o", "json", "--exit-zero"], { cwd: loose });
    assert.equal((JSON.parse(none.stdout) as JsonReport).policy?.path, null);
    assert.match((await cli(["analyze", "context.yaml", "--exit-zero"], { cwd: loose })).stdout, /\nPolicy: defaults /);
    const own = await cli(["analyze", "example", "-o", "json", "--exit-zero"], { cwd: loose });
    assert.equal((JSON.parse(own.stdout) as JsonReport).policy?.path, ".github/mtls-gate.yml");
  });

  it("colour only on a terminal; never with NO_COLOR or --no-color; FORCE_COLOR honoured", async () => {
    const ansi = { test: (text: string) => text.includes("\u001b[") };
    const cases: { isTty: boolean; env?: Record<string, string>; args?: string[]; color: boolean }[] = [
      { isTty: true, color: true },
      { isTty: false, color: false },
      { isTty: true, env: { NO_COLOR: "1" }, color: false },
      { isTty: true, args: ["--no-color"], color: false },
      { isTty: false, env: { FORCE_COLOR: "1" }, color: true },
      { isTty: true, env: { FORCE_COLOR: "0" }, color: false },
      { isTty: false, env: { FORCE_COLOR: "1", NO_COLOR: "1" }, color: false },
      { isTty: false, env: { FORCE_COLOR: "1" }, args: ["--no-color"], color: false },
    ];
    for (const c of cases) {
      for (const command of ["analyze", "routes"]) {
        const result = await cli([command, example, ...(c.args ?? [])], { isTty: c.isTty, env: c.env ?? {} });
        assert.equal(ansi.test(result.stdout), c.color, `${command} ${JSON.stringify(c)}`);
      }
    }
  });

  it("--quiet prints only what reaches failOn, and nothing when the verdict passes", async () => {
    const quiet = await cli(["analyze", example, "--quiet"]);
    assert.equal(quiet.code, 1);
    const lines = quiet.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 3, quiet.stdout);
    assert.equal(lines[0], "edge/mappings.yaml");
    assert.match(lines[1] ?? "", /^ +12:3 +error .*\[mapping-tls-context-not-found\]$/);
    assert.match(lines[2] ?? "", /^FAIL: .*1 blocking$/);
    const json = JSON.parse((await cli(["analyze", example, "-q", "-o", "json"])).stdout) as JsonReport;
    assert.deepEqual(
      json.findings.map((f) => f.ruleId),
      ["mapping-tls-context-not-found"],
    );
    const clean = await cli(["analyze", ".", "--quiet", "--base", "main"], { cwd: repo });
    assert.deepEqual([clean.code, clean.stdout, clean.stderr], [0, "", ""]);
  });
});
