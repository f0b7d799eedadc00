/** Rendering with the real kustomize and helm, through the CLI: findings land on the source lines a person edits. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";
import { toolEnv, writeTree } from "./tools.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function analyze(
  files: Record<string, string>,
  extra: string[] = [],
): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const dir = writeTree(files);
  dirs.push(dir);
  let stdout = "";
  let stderr = "";
  const code = await main(["analyze", dir, "--format", "json", "--now", "2026-06-01T00:00:00Z", ...extra], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTty: false,
    env: toolEnv(),
  });
  assert.ok(stdout, `no JSON output (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

const base = {
  "base/kustomization.yaml": "resources:\n  - mapping.yaml\n",
  "base/mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
spec:
  prefix: /billing/
  service: https://billing:443
  tls: billing-upstream
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: billing-upstream
spec:
  secret: billing-client
`,
  // The client certificate's Secret is created outside Git in every environment's namespace.
  ".github/mtls-gate.yml": "externalSecrets: [prod/billing-client, stage/billing-client]\n",
};

test("kustomize: an overlay's patch that breaks tls: gives mapping-tls-context-not-found on the patch's line", async () => {
  const { code, report } = await analyze({
    ...base,
    "overlays/prod/kustomization.yaml":
      "namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
    "overlays/prod/tls-patch.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: billing-upstrem\n",
  });
  assert.equal(code, 1);
  const finding = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.ok(finding, JSON.stringify(report.findings));
  assert.deepEqual(
    [finding.file, finding.line, finding.column, finding.resource],
    ["overlays/prod/tls-patch.yaml", 6, 3, "Mapping/prod/billing"],
  );
  // One environment: no environment fields (the README's contract).
  assert.equal(finding.environments, undefined);
  // The route is the rendered one (namespace prod from the overlay), located in the base file that defines it.
  const route = report.routes.find((r) => r.mapping === "prod/billing");
  assert.ok(route);
  assert.equal(route.environment, undefined);
  assert.equal(route.file, "base/mapping.yaml");
});

test("kustomize: a namePrefix overlay with a nameReference resolves its references; without one the renamed context is not found", async () => {
  const { report } = await analyze({
    ...base,
    "overlays/prod/kustomization.yaml":
      "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../../base\nconfigurations:\n  - nameref.yaml\n",
    "overlays/prod/nameref.yaml":
      "nameReference:\n  - kind: TLSContext\n    fieldSpecs:\n      - kind: Mapping\n        path: spec/tls\n",
    "overlays/stage/kustomization.yaml": "namespace: stage\nnamePrefix: stage-\nresources:\n  - ../../base\n",
  });
  const prod = report.routes.find((r) => r.environment === "overlays/prod");
  assert.ok(prod, JSON.stringify(report.routes));
  assert.deepEqual([prod.mapping, prod.mode, prod.tlsContext], ["prod/prod-billing", "mtls", "prod-billing-upstream"]);
  const notFound = report.findings.filter((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(
    notFound.map((f) => [f.file, f.line, f.environments]),
    [["base/mapping.yaml", 8, ["overlays/stage"]]],
  );
});

const chart = {
  "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 1.0.0\n",
  "charts/edge/values.yaml": "tlsContext: upstream\nsecretName: upstream\n",
  "charts/edge/values-prod.yaml": "tlsContext: upstrem\n",
  "charts/edge/templates/tlscontext.yaml": `{{- /* the client certificate for the upstream */ -}}
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: {{ .Release.Namespace }}
spec:
  secret: {{ .Values.secretName }}-certs
`,
  "charts/edge/templates/mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: {{ .Release.Namespace }}
spec:
  prefix: /billing/
  service: https://billing:443
  tls: {{ .Values.tlsContext }}
`,
};

test("helm: a finding on the template line names every environment; a plain values substitution points at the values key", async () => {
  const { report } = await analyze(chart);
  const secret = report.findings.find((f) => f.ruleId === "tls-context-secret-not-found");
  assert.ok(secret, JSON.stringify(report.findings));
  assert.deepEqual([secret.file, secret.line, secret.column], ["charts/edge/templates/tlscontext.yaml", 8, 3]);
  assert.deepEqual(secret.environments, ["charts/edge", "charts/edge:prod"]);
  const typo = report.findings.find(
    (f) => f.ruleId === "mapping-tls-context-not-found" && f.environments?.includes("charts/edge:prod"),
  );
  assert.ok(typo);
  assert.deepEqual([typo.file, typo.line], ["charts/edge/values-prod.yaml", 1]);
  assert.deepEqual(
    report.routes.map((r) => [r.environment, r.file, r.line]),
    [
      ["charts/edge", "charts/edge/templates/mapping.yaml", 8],
      ["charts/edge:prod", "charts/edge/templates/mapping.yaml", 8],
    ],
  );
});

test("annotations never point at a line the repository's files do not have", async () => {
  const files = {
    ...chart,
    ...base,
    "overlays/prod/kustomization.yaml": "namespace: prod\nnamePrefix: p-\nresources:\n  - ../../base\n",
  };
  const { report } = await analyze(files);
  assert.ok(report.findings.length > 0);
  for (const finding of report.findings) {
    const text = (files as Record<string, string>)[finding.file];
    assert.ok(text !== undefined, `${finding.file} is not a repository file`);
    assert.ok(finding.line >= 1 && finding.line <= text.split("\n").length, `${finding.file}:${finding.line}`);
  }
});

test("refused before any tool runs: a remote base, a chart dependency not vendored, an exec function", async () => {
  const { report } = await analyze({
    "remote/kustomization.yaml": "resources:\n  - github.com/example/platform//emissary?ref=v1.0.0\n",
    "exec/kustomization.yaml": "resources:\n  - cm.yaml\ntransformers:\n  - fn.yaml\n",
    "exec/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    "exec/fn.yaml":
      "apiVersion: example.com/v1\nkind: Fn\nmetadata:\n  name: fn\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./steal.sh\n",
    "charts/app/Chart.yaml":
      "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n",
    "charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    "plain.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
  });
  const refused = report.findings
    .filter((f) => f.ruleId === "render-refused")
    .map((f) => [f.file, f.line, f.message.split(":")[0]]);
  assert.deepEqual(refused, [
    ["charts/app/Chart.yaml", 5, "Chart dependency redis of environment charts/app is not vendored under charts/"],
    ["exec/kustomization.yaml", 4, "Environment exec runs exec/fn.yaml (a KRM/exec function or plugin)"],
    [
      "remote/kustomization.yaml",
      2,
      "Environment remote includes the remote github.com/example/platform//emissary?ref=v1.0.0",
    ],
  ]);
  // Their files are skipped, with the reason, never silently dropped.
  assert.ok((report.coverage?.skipped["not-rendered"] ?? 0) >= 3, JSON.stringify(report.coverage));
  assert.ok(report.coverage?.skippedFiles.some((s) => s.path === "exec/cm.yaml" && s.reason === "not-rendered"));
});

test("a tool that is not installed: render-unavailable, and the files skipped", async () => {
  const dir = writeTree(chart);
  dirs.push(dir);
  let stdout = "";
  await main(["analyze", dir, "--format", "json", "--allow-empty"], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    isTty: false,
    env: { MTLS_GATE_HELM: "/nonexistent/helm", PATH: "" },
  });
  const report = JSON.parse(stdout) as JsonReport;
  const unavailable = report.findings.filter((f) => f.ruleId === "render-unavailable");
  assert.deepEqual(
    unavailable.map((f) => [f.file, f.severity]),
    [
      ["charts/edge/Chart.yaml", "warning"],
      ["charts/edge/values-prod.yaml", "warning"],
    ],
  );
  assert.deepEqual(
    report.coverage?.skippedFiles.filter((s) => s.reason === "not-rendered").map((s) => s.path),
    [
      "charts/edge/Chart.yaml",
      "charts/edge/templates/mapping.yaml",
      "charts/edge/templates/tlscontext.yaml",
      "charts/edge/values-prod.yaml",
      "charts/edge/values.yaml",
    ],
  );
});

test("a chart-only tree with no helm is not a pass: exit 2, and the message says which tool was missing for which chart", async () => {
  const dir = writeTree(chart);
  dirs.push(dir);
  let stderr = "";
  const code = await main(["analyze", dir], {
    stdout: () => {},
    stderr: (t) => (stderr += t),
    isTty: false,
    env: { MTLS_GATE_HELM: "/nonexistent/helm", PATH: "" },
  });
  assert.equal(code, 2);
  assert.match(stderr, /no manifests found in .* not-rendered/);
  assert.match(stderr, /charts\/edge\/Chart\.yaml:1: render-unavailable: helm was not found/);
});

test("kustomize-patch-no-target: a strategic-merge patch for no resource, and a target selector that selects nothing", async () => {
  const { report } = await analyze({
    ...base,
    "overlays/prod/kustomization.yaml":
      "namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
    "overlays/prod/tls-patch.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: biling\nspec:\n  tls: other\n",
    "overlays/stage/kustomization.yaml":
      "namespace: stage\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n    target:\n      kind: Mapping\n      name: biling\n",
    "overlays/stage/tls-patch.yaml": "- op: replace\n  path: /spec/tls\n  value: other\n",
  });
  assert.deepEqual(
    report.findings.filter((f) => f.ruleId === "kustomize-patch-no-target").map((f) => [f.file, f.line]),
    [
      ["overlays/prod/tls-patch.yaml", 4],
      ["overlays/stage/kustomization.yaml", 5],
    ],
  );
});

test("text output: routes by environment, and the environments a finding is in; YAML beside a chart stays plain", async () => {
  const dir = writeTree({
    ...chart,
    "charts/edge/examples/mapping.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: example\n  namespace: default\nspec:\n  prefix: /example/\n  service: example\n",
  });
  dirs.push(dir);
  let stdout = "";
  await main(["analyze", dir, "--exit-zero"], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    isTty: false,
    env: toolEnv(),
  });
  // One route table per environment, under its name; each finding says the environments it is in.
  const table = (name: string) => stdout.split(`Environment ${name}\n`)[1]?.split("\n\n")[0] ?? "";
  assert.match(table("charts/edge:prod"), /^MAPPING +PREFIX/);
  assert.match(table("charts/edge:prod"), /^default\/billing +\/billing\//m);
  // Findings under a heading per environment: those of every environment first, then each one's own.
  assert.match(
    stdout,
    /^Findings in every environment\ncharts\/edge\/templates\/tlscontext\.yaml\n +8:3 +error .*\[tls-context-secret-not-found\]$/m,
  );
  assert.match(
    stdout,
    /^Findings in charts\/edge:prod\n(?:.+\n)+\ncharts\/edge\/values-prod\.yaml\n +1:1 .*\[mapping-tls-context-not-found\]$/m,
  );
  assert.ok(stdout.indexOf("Findings in every environment") < stdout.indexOf("Findings in charts/edge:prod"));
  // Not a template nor a values file: analysed as written, in each environment.
  assert.match(table("charts/edge"), /^default\/example +\/example\//m);
  assert.match(table("charts/edge:prod"), /^default\/example +\/example\//m);
});

test("--env limits the environments analysed, on analyze and routes; repeated, it keeps each named one", async () => {
  const overlays = {
    ...base,
    "overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\n",
    "overlays/stage/kustomization.yaml":
      "namespace: stage\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
    "overlays/stage/tls-patch.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: billing-upstrem\n",
  };
  const all = await analyze(overlays);
  assert.deepEqual(all.report.environments, ["overlays/prod", "overlays/stage"]);
  assert.deepEqual(
    all.report.findings.filter((f) => f.ruleId === "mapping-tls-context-not-found").map((f) => f.environments),
    [["overlays/stage"]],
  );
  // Only prod: stage's typo is not analysed, and one environment carries no environment fields.
  const prod = await analyze(overlays, ["--env", "overlays/prod"]);
  assert.equal(prod.code, 0, JSON.stringify(prod.report.findings));
  assert.deepEqual(
    prod.report.routes.map((r) => [r.mapping, r.environment]),
    [["prod/billing", undefined]],
  );
  assert.equal(
    prod.report.findings.some((f) => f.ruleId === "mapping-tls-context-not-found"),
    false,
  );
  const both = await analyze(overlays, ["--env", "overlays/stage", "--env", "overlays/prod"]);
  assert.equal(both.code, 1);
  assert.deepEqual(both.report.environments, ["overlays/prod", "overlays/stage"]);
  assert.equal(prod.report.environments, undefined);
  assert.deepEqual(both.report.routes.map((r) => [r.mapping, r.environment]).sort(), [
    ["prod/billing", "overlays/prod"],
    ["stage/billing", "overlays/stage"],
  ]);
  const dir = writeTree(overlays);
  dirs.push(dir);
  let stdout = "";
  const code = await main(["routes", dir, "-o", "json", "--env", "overlays/stage"], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    isTty: false,
    env: toolEnv(),
  });
  assert.equal(code, 0);
  assert.deepEqual(
    (JSON.parse(stdout) as JsonReport).routes.map((r) => [r.mapping, r.environment]),
    [["stage/billing", undefined]],
  );
});

const withDependency = {
  "charts/edge/Chart.yaml":
    "apiVersion: v2\nname: edge\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../../libs/common\n",
  "charts/edge/values.yaml": "common:\n  tlsContext: upstrem\n",
  "libs/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\n",
  "libs/common/values.yaml": "tlsContext: upstream\nsecretName: upstream\n",
  "libs/common/templates/upstream.yaml": `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: {{ .Release.Namespace }}
spec:
  secret: {{ .Values.secretName }}-certs
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: {{ .Release.Namespace }}
spec:
  prefix: /billing/
  service: https://billing:443
  tls: {{ .Values.tlsContext }}
`,
};

test("helm: a file:// dependency inside the repository is rendered; its findings land on its own template and on the parent's values key", async () => {
  const { report } = await analyze(withDependency, ["--env", "charts/edge"]);
  assert.equal(
    report.findings.some((f) => f.ruleId === "render-refused"),
    false,
    JSON.stringify(report.findings),
  );
  const secret = report.findings.find((f) => f.ruleId === "tls-context-secret-not-found");
  assert.ok(secret, JSON.stringify(report.findings));
  assert.deepEqual([secret.file, secret.line, secret.column], ["libs/common/templates/upstream.yaml", 7, 3]);
  // The subchart's `{{ .Values.tlsContext }}` is set by the parent under the dependency's key.
  const typo = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.ok(typo, JSON.stringify(report.findings));
  assert.deepEqual([typo.file, typo.line], ["charts/edge/values.yaml", 2]);
  assert.deepEqual(
    report.routes.map((r) => [r.mapping, r.file, r.line]),
    [["default/billing", "libs/common/templates/upstream.yaml", 16]],
  );
});

test("helm: a file:// dependency that leaves the repository, or is absolute, is refused with a finding on its line", async () => {
  const { report } = await analyze({
    "charts/up/Chart.yaml":
      "apiVersion: v2\nname: up\nversion: 1.0.0\ndependencies:\n  - name: secrets\n    version: 0.1.0\n    repository: file://../../..\n",
    "charts/up/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: up\n",
    "charts/abs/Chart.yaml":
      "apiVersion: v2\nname: abs\nversion: 1.0.0\ndependencies:\n  - name: etc\n    repository: file:///etc\n",
    "charts/abs/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: abs\n",
    "plain.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
  });
  assert.deepEqual(
    report.findings.filter((f) => f.ruleId === "render-refused").map((f) => [f.file, f.line, f.message]),
    [
      [
        "charts/abs/Chart.yaml",
        6,
        "Environment charts/abs reads file:///etc, which leaves the analysed directory (a path or a symbolic link): it was not rendered.",
      ],
      [
        "charts/up/Chart.yaml",
        7,
        "Environment charts/up reads file://../../.., which leaves the analysed directory (a path or a symbolic link): it was not rendered.",
      ],
    ],
  );
  assert.ok(report.coverage?.skippedFiles.some((s) => s.path === "charts/up/templates/cm.yaml"));
});

test("kustomizations named Kustomization (no extension) are rendered, from the working tree and from git", async () => {
  const files = {
    ...base,
    "base/Kustomization": base["base/kustomization.yaml"],
    "overlays/prod/Kustomization": "namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
    "overlays/prod/tls-patch.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: billing-upstrem\n",
  } as Record<string, string>;
  delete files["base/kustomization.yaml"];
  const { report } = await analyze(files);
  const finding = report.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.ok(finding, JSON.stringify(report.findings));
  assert.deepEqual(
    [finding.file, finding.line, finding.resource],
    ["overlays/prod/tls-patch.yaml", 6, "Mapping/prod/billing"],
  );
  // The same tree as a git revision (--base/--head read git's object store, not the directory).
  const dir = writeTree(files);
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "head");
  let stdout = "";
  await main(["analyze", dir, "--base", "HEAD", "--head", "HEAD", "-o", "json", "--now", "2026-06-01T00:00:00Z"], {
    stdout: (t) => (stdout += t),
    stderr: () => {},
    isTty: false,
    env: toolEnv(),
  });
  const atRef = (JSON.parse(stdout) as JsonReport).findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual([atRef?.file, atRef?.line], ["overlays/prod/tls-patch.yaml", 6]);
});

test("text output: environment names from the repository are printed without their control characters", async () => {
  const evil = "overlays/\u001b[31mprod\u0007";
  const dir = writeTree({
    ...base,
    [`${evil}/kustomization.yaml`]: "namespace: prod\nresources:\n  - ../../base\n",
    "overlays/stage/kustomization.yaml":
      "namespace: stage\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
    "overlays/stage/tls-patch.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: billing-upstrem\n",
  });
  dirs.push(dir);
  const run = async (...extra: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(["analyze", dir, "--exit-zero", "--no-color", ...extra], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      isTty: false,
      env: toolEnv(),
    });
    return { code, stdout, stderr };
  };
  const { stdout } = await run();
  // No escape sequence reaches the terminal (colours are off): the name is shown with its controls written out.
  assert.equal([...stdout].filter((c) => c !== "\n" && (c < " " || c === "\u007f")).length, 0);
  assert.match(stdout, /^Environment overlays\/\\x1b\[31mprod\\x07\nMAPPING/m);
  assert.match(stdout, /^Findings in overlays\/\\x1b\[31mprod\\x07\nbase\/mapping\.yaml\n/m);
  assert.match(stdout, /^Findings in overlays\/stage\n(?:.+\n)+\noverlays\/stage\/tls-patch\.yaml\n +6:3 +error /m);
  const unknown = await run("--env", "nope");
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    'mtls-gate: --env: no environment named "nope"; known environments: overlays/\\x1b[31mprod\\x07, overlays/stage\n',
  );
  // JSON keeps the name as it is (JSON.stringify escapes it).
  const json = JSON.parse((await run("-o", "json")).stdout) as JsonReport;
  assert.deepEqual(
    json.routes.map((r) => r.environment),
    [evil, "overlays/stage"],
  );
});

test("JSON removedRoutes carry their environment like routes (and none with one environment)", async () => {
  const extra =
    "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: ledger\nspec:\n  prefix: /ledger/\n  service: ledger\n";
  const overlay = (ns: string, more: boolean) =>
    `namespace: ${ns}\nresources:\n  - ../../base\n${more ? "  - ledger.yaml\n" : ""}`;
  const diff = async (environments: string[], deleted?: string) => {
    const files: Record<string, string> = { ...base };
    for (const env of environments) {
      files[`overlays/${env}/kustomization.yaml`] = overlay(env, true);
      files[`overlays/${env}/ledger.yaml`] = extra;
    }
    const dir = writeTree(files);
    dirs.push(dir);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        cwd: dir,
        stdio: "pipe",
      });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    // The head drops the prod overlay's ledger Mapping.
    rmSync(`${dir}/overlays/prod/ledger.yaml`);
    writeFileSync(`${dir}/overlays/prod/kustomization.yaml`, overlay("prod", false));
    if (deleted) rmSync(`${dir}/overlays/${deleted}`, { recursive: true });
    let stdout = "";
    await main(["analyze", dir, "--base", "HEAD", "-o", "json", "--now", "2026-06-01T00:00:00Z"], {
      stdout: (t) => (stdout += t),
      stderr: () => {},
      isTty: false,
      env: toolEnv(),
    });
    return JSON.parse(stdout) as JsonReport;
  };
  const several = await diff(["prod", "stage"]);
  assert.deepEqual(
    several.removedRoutes?.map((r) => [r.mapping, r.environment, r.change]),
    [["prod/ledger", "overlays/prod", "removed"]],
  );
  assert.deepEqual(several.routes.map((r) => r.environment).sort(), [
    "overlays/prod",
    "overlays/stage",
    "overlays/stage",
  ]);
  // An environment the head deletes: each of its routes is removed, in it.
  const deleted = await diff(["prod", "qa", "stage"], "qa");
  assert.deepEqual(
    deleted.removedRoutes?.map((r) => [r.mapping, r.environment]),
    [
      ["prod/ledger", "overlays/prod"],
      ["qa/billing", "overlays/qa"],
      ["qa/ledger", "overlays/qa"],
    ],
  );
  const one = await diff(["prod"]);
  assert.deepEqual(
    one.removedRoutes?.map((r) => [r.mapping, r.environment, r.change]),
    [["prod/ledger", undefined, "removed"]],
  );
  assert.deepEqual(
    one.routes.map((r) => r.environment),
    [undefined],
  );
});

test("git revisions render with their whole tree: a chart's _helpers.tpl is read at --base and --head", async () => {
  const files = {
    ...chart,
    "charts/edge/templates/_helpers.tpl": '{{- define "edge.namespace" -}}{{ .Release.Namespace }}{{- end -}}\n',
    "charts/edge/templates/mapping.yaml": chart["charts/edge/templates/mapping.yaml"].replace(
      "{{ .Release.Namespace }}",
      '{{ include "edge.namespace" . }}',
    ),
  };
  const dir = writeTree(files);
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "base");
  for (const revisions of [
    ["--base", "HEAD"],
    ["--base", "HEAD", "--head", "HEAD"],
  ]) {
    let stdout = "";
    await main(["analyze", dir, ...revisions, "-o", "json", "--now", "2026-06-01T00:00:00Z"], {
      stdout: (t) => (stdout += t),
      stderr: () => {},
      isTty: false,
      env: toolEnv(),
    });
    const report = JSON.parse(stdout) as JsonReport;
    assert.deepEqual(
      report.findings.filter((f) => f.ruleId === "render-failed").map((f) => f.message),
      [],
      revisions.join(" "),
    );
    // Nothing changed: every finding is pre-existing, the same in the base as in the head.
    assert.ok(report.findings.length > 0);
    assert.deepEqual(
      report.findings.filter((f) => f.introduced !== false).map((f) => f.ruleId),
      [],
      revisions.join(" "),
    );
    assert.deepEqual(
      report.routes.map((r) => [r.environment, r.mapping, r.change]),
      [
        ["charts/edge", "default/billing", "unchanged"],
        ["charts/edge:prod", "default/billing", "unchanged"],
      ],
    );
  }
});
