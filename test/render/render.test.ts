/** Rendering with the real kustomize and helm, through the CLI: findings land on the source lines a person edits. */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
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
  assert.match(stdout, /\[tls-context-secret-not-found\] \(in charts\/edge, charts\/edge:prod\)$/m);
  // Not a template nor a values file: analysed as written, in each environment.
  assert.match(table("charts/edge"), /^default\/example +\/example\//m);
  assert.match(table("charts/edge:prod"), /^default\/example +\/example\//m);
});
