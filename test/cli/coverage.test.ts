import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "mtls-gate-coverage-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false, env: {} });
  return { code, stdout, stderr };
}

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: default}
spec: {prefix: /api/, service: api}
`;

const template = "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: {{ .Release.Name }}}\n";

test("an empty directory: no manifests found, exit 2; --allow-empty passes and says so at the top", async () => {
  const dir = tree({ "README.md": "nothing here" });
  const empty = await cli(["analyze", dir]);
  assert.equal(empty.code, 2);
  assert.equal(empty.stdout, "");
  assert.match(
    empty.stderr,
    new RegExp(
      `^mtls-gate: no manifests found in ${dir.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")} \\(0 files read, 0 parsed; 0 resources\\)\\n$`,
    ),
  );
  const allowed = await cli(["analyze", dir, "--allow-empty"]);
  assert.equal(allowed.code, 0);
  assert.match(allowed.stdout, /^Coverage: no Kubernetes manifests found \(0 files read/);
  assert.match(allowed.stdout, /^PASS: /m);
});

test("a chart-only directory (every template skipped) does not pass silently", async () => {
  const dir = tree({
    "chart/templates/mapping.yaml": template,
    "chart/values.yaml": "replicas: 1\n",
    "chart/Chart.yaml": "name: edge\nversion: 1.0.0\n",
  });
  const { code, stderr } = await cli(["analyze", "--no-render", dir]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /no manifests found in .*\(3 files read, 2 parsed, 1 skipped \(1 templated\), 2 not Kubernetes; 0 resources\)/,
  );
  const text = await cli(["analyze", "--no-render", dir, "--allow-empty"]);
  assert.deepEqual(text.stdout.split("\n").slice(0, 2), [
    "Coverage: no Kubernetes manifests found (3 files read, 2 parsed, 1 skipped (1 templated), 2 not Kubernetes; 0 resources)",
    "  chart/templates/mapping.yaml (templated)",
  ]);
  const json = await cli(["analyze", "--no-render", dir, "--allow-empty", "--format", "json"]);
  assert.equal(json.code, 0);
  assert.equal((JSON.parse(json.stdout) as JsonReport).coverage?.skipped.templated, 1);
});

test("skipped files: a Coverage line at the top of the text, coverage in JSON and in SARIF's run properties; symlinks are skipped", async () => {
  const dir = tree({
    "apps/api.yaml": mapping,
    "chart/templates/mapping.yaml": template,
    ".github/workflows/ci.yml": 'on: push\njobs: {a: {runs-on: "${{ matrix.os }}"}}\n',
  });
  symlinkSync(join(dir, "apps/api.yaml"), join(dir, "apps/linked.yaml"));
  const text = await cli(["analyze", "--no-render", dir]);
  assert.equal(text.code, 0);
  const lines = text.stdout.split("\n");
  assert.equal(
    lines[0],
    "Coverage: 2 of 4 manifest files could not be analysed (1 templated, 1 symlink); findings cover the other 2.",
  );
  assert.deepEqual(lines.slice(1, 3), ["  apps/linked.yaml (symlink)", "  chart/templates/mapping.yaml (templated)"]);

  const json = JSON.parse((await cli(["analyze", "--no-render", dir, "--format", "json"])).stdout) as JsonReport;
  assert.deepEqual(json.coverage, {
    filesRead: 4,
    filesParsed: 1,
    skipped: { templated: 1, encrypted: 0, "too-large": 0, binary: 0, symlink: 1, "not-yaml": 0, "not-rendered": 0 },
    skippedFiles: [
      { path: "apps/linked.yaml", reason: "symlink" },
      { path: "chart/templates/mapping.yaml", reason: "templated" },
    ],
    resources: { Mapping: 1 },
    notKubernetes: 1,
  });

  const sarif = JSON.parse((await cli(["analyze", "--no-render", dir, "--format", "sarif"])).stdout) as {
    runs: { properties?: { coverage?: unknown } }[];
  };
  assert.deepEqual(sarif.runs[0]?.properties?.coverage, json.coverage);
});

test("coverage.failOnSkipped: true makes a skipped template blocking: exit 1, and the closing line says why", async () => {
  const dir = tree({
    "apps/api.yaml": mapping,
    "chart/templates/mapping.yaml": template,
    ".github/mtls-gate.yml": "coverage: {failOnSkipped: true}\n",
  });
  const { code, stdout } = await cli(["analyze", dir]);
  assert.equal(code, 1);
  assert.match(
    stdout,
    /^FAIL: .* · skipped files block: 1 manifest file in scope could not be analysed \(1 templated\) and the policy's coverage\.failOnSkipped is true$/m,
  );
  const json = JSON.parse((await cli(["analyze", dir, "--format", "json"])).stdout) as JsonReport;
  assert.equal(json.summary.failed, true);
});

test("nothing skipped: no Coverage line, the output is as before", async () => {
  const dir = tree({ "apps/api.yaml": mapping });
  const { code, stdout } = await cli(["analyze", dir]);
  assert.equal(code, 0);
  assert.doesNotMatch(stdout, /Coverage/);
});

test("a symlink committed to git (mode 120000) is skipped as a symlink with --head, never read as YAML", async () => {
  const dir = tree({ "apps/api.yaml": mapping });
  symlinkSync("api.yaml", join(dir, "apps/linked.yaml"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "tree");
  const { code, stdout } = await cli(["analyze", dir, "--base", "HEAD", "--head", "HEAD", "--format", "json"]);
  assert.equal(code, 0);
  const coverage = (JSON.parse(stdout) as JsonReport).coverage;
  assert.deepEqual(coverage?.skippedFiles, [{ path: "apps/linked.yaml", reason: "symlink" }]);
  assert.deepEqual(coverage?.resources, { Mapping: 1 });
});
