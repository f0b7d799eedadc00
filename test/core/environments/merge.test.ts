import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeDiff, analyzeTree } from "../../../src/core/analyze.js";
import { mergeAnalyses, mergeCoverage } from "../../../src/core/environments/merge.js";
import { defaultPolicy } from "../../../src/core/policy/policy.js";
import { decide } from "../../../src/core/verdict.js";
import type { SourceFile } from "../../../src/core/types.js";
import { renderJson, type JsonReport } from "../../../src/report/json.js";
import { renderText } from "../../../src/report/text.js";

const now = new Date("2026-06-01T00:00:00Z");
const options = { policy: defaultPolicy(), now };
const files = (tree: Record<string, string>): SourceFile[] =>
  Object.entries(tree).map(([path, text]) => ({ path, text }));

/** Shared by both environments: a Mapping whose tls: names a context that exists nowhere (line 9). */
const shared = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: reports
  namespace: edge
spec:
  prefix: /reports/
  service: https://reports.edge:443
  tls: reports-client
`;

/** Only in prod: a second Mapping whose context is also missing (line 9). */
const prodOnly = shared.replace(/reports/g, "ledger");

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: reports-client
  namespace: edge
spec:
  secret: reports-client
`;

test("a finding in two environments is one finding naming both; one in a single environment names it alone", () => {
  const staging = analyzeTree(files({ "edge/reports.yaml": shared }), options);
  const prod = analyzeTree(files({ "edge/reports.yaml": shared, "edge/ledger.yaml": prodOnly }), options);
  const merged = mergeAnalyses([
    { environment: "staging", analysis: staging },
    { environment: "prod", analysis: prod },
  ]);
  const notFound = merged.findings.filter((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(
    notFound.map((f) => [f.file, f.line, f.environments]),
    [
      ["edge/ledger.yaml", 9, ["prod"]],
      ["edge/reports.yaml", 9, ["staging", "prod"]],
    ],
  );
  // Counted once, not once per environment.
  const perEnvErrors =
    staging.findings.filter((f) => f.severity === "error").length +
    prod.findings.filter((f) => f.severity === "error").length;
  assert.equal(merged.summary.errors, merged.findings.filter((f) => f.severity === "error").length);
  assert.ok(merged.summary.errors < perEnvErrors);
  // The per-environment analyses are left as they were.
  assert.equal(
    staging.findings.every((f) => f.environments === undefined),
    true,
  );
  assert.deepEqual(
    merged.routes.map((r) => [r.environment, r.mapping]),
    [
      ["staging", "edge/reports"],
      ["prod", "edge/ledger"],
      ["prod", "edge/reports"],
    ],
  );
  assert.deepEqual(merged.environments, ["staging", "prod"]);
  assert.deepEqual(
    merged.perEnvironment.map((e) => [e.environment, e.routes]),
    [
      ["staging", 1],
      ["prod", 2],
    ],
  );
  const verdict = decide(merged.findings, merged.policy, { hasBase: false, coverage: merged.coverage });
  assert.equal(verdict.conclusion, "failure");
});

/** The context's Secret is created outside Git: the context is usable. */
const withSecret = { policy: { ...defaultPolicy(), externalSecrets: ["edge/reports-client"] }, now };

test("JSON names each finding's environments and each route's environment; text groups routes by environment", () => {
  const merged = mergeAnalyses([
    {
      environment: "staging",
      analysis: analyzeTree(files({ "edge/reports.yaml": shared, "edge/context.yaml": context }), withSecret),
    },
    { environment: "prod", analysis: analyzeTree(files({ "edge/reports.yaml": shared }), options) },
  ]);
  const { findings, routes, hosts, summary, coverage, environments } = merged;
  const input = { findings, routes, hosts, summary, coverage, failed: true, environments };
  const json = JSON.parse(renderJson(input)) as JsonReport;
  const broken = json.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(broken?.environments, ["prod"]);
  assert.deepEqual(json.environments, ["staging", "prod"]);
  assert.deepEqual(
    json.routes.map((r) => [r.environment, r.mapping, r.mode]),
    [
      ["staging", "edge/reports", "mtls"],
      ["prod", "edge/reports", "tls"],
    ],
  );
  const text = renderText(input, { color: false });
  assert.match(text, /^Environment staging\nMAPPING .*\nedge\/reports .* mtls /m);
  assert.match(text, /^Environment prod\nMAPPING .*\nedge\/reports .* tls /m);
  // Findings under the environment they are in (prod's alone here), each group by file.
  assert.match(text, /^Findings in prod\nedge\/reports\.yaml\n +9:3 +error .*\[mapping-tls-context-not-found\]$/m);
});

test("with a base: a finding introduced in one environment and pre-existing in another is introduced", () => {
  const base = files({ "edge/reports.yaml": shared });
  const fixedBase = files({ "edge/reports.yaml": shared, "edge/context.yaml": context });
  // staging's base already had the broken reference; prod's base had the context (its Secret outside Git).
  const head = files({ "edge/reports.yaml": shared });
  const merged = mergeAnalyses([
    { environment: "staging", analysis: analyzeDiff(base, head, options) },
    { environment: "prod", analysis: analyzeDiff(fixedBase, head, withSecret) },
  ]);
  const [finding] = merged.findings.filter((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual([finding?.introduced, finding?.environments], [true, ["staging", "prod"]]);
  assert.deepEqual(
    merged.removedRoutes?.map((r) => r.environment),
    [],
  );
  // prod's route also lost its client certificate (mtls -> tls): that downgrade is prod's alone.
  const blocking = decide(merged.findings, merged.policy, { hasBase: true }).blocking;
  assert.deepEqual(
    blocking.map((f) => [f.ruleId, f.environments]),
    [
      ["mapping-tls-context-not-found", ["staging", "prod"]],
      ["mtls-downgrade", ["prod"]],
    ],
  );
});

test("coverage of several environments: a file skipped in any is skipped once; counts are not added", () => {
  const a = analyzeTree(files({ "x.yaml": shared, "t.yaml": "name: {{ .Values.name }}\n" }), options).coverage;
  const b = analyzeTree(
    files({ "x.yaml": shared, "t.yaml": "name: {{ .Values.name }}\n", "u.yaml": "a: {{ .Values.b }}\n" }),
    options,
  ).coverage;
  const merged = mergeCoverage([a, b]);
  assert.deepEqual(merged.skippedFiles, [
    { path: "t.yaml", reason: "templated" },
    { path: "u.yaml", reason: "templated" },
  ]);
  assert.equal(merged.skipped.templated, 2);
  assert.equal(merged.filesRead, 3);
  assert.deepEqual(merged.resources, { Mapping: 1 });
});

test("merging nothing is a programming error", () => {
  assert.throws(() => mergeAnalyses([]), /at least one/);
});
