import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeTree } from "../../src/core/analyze.js";
import { coverageSummary, foundNoManifests, MAX_SKIPPED_FILES_LISTED, skippedLine } from "../../src/core/coverage.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import type { SourceFile } from "../../src/core/types.js";
import { decide } from "../../src/core/verdict.js";

const NOW = new Date("2026-06-01T00:00:00Z");

const mapping = (name: string, tls?: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: default}
spec:
  prefix: /${name}/
  service: https://${name}
${tls ? `  tls: ${tls}\n` : ""}`;

const files = (tree: Record<string, string>): SourceFile[] =>
  Object.entries(tree).map(([path, text]) => ({ path, text }));

const analyse = (sources: SourceFile[], policy?: string) =>
  analyzeTree(sources, { policy: loadPolicy(policy).policy, now: NOW });

describe("coverage: what an analysis read", () => {
  it("counts files parsed, skipped by reason, resources by kind and files that are not Kubernetes", () => {
    const sources: SourceFile[] = [
      ...files({
        "apps/api.yaml": `${mapping("api")}---\n${mapping("web")}---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 80}]}\n`,
        "chart/templates/mapping.yaml": `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: {{ .Release.Name }}}\n`,
        "chart/values.yaml": "replicas: 2\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n",
        "secrets.yaml": "$ANSIBLE_VAULT;1.1;AES256\n6231\n",
        "broken.yaml": "a: [\n",
        "docs/readme.md": "not a manifest",
      }),
      { path: "blob.yaml", text: "", size: 10, binary: true },
      { path: "linked.yaml", text: "", size: 0, symlink: true },
      { path: "huge.yaml", text: "", size: 10 * 1024 * 1024 },
    ];
    const { coverage } = analyse(sources);
    assert.deepEqual(coverage, {
      filesRead: 9,
      filesParsed: 2,
      skipped: { templated: 1, encrypted: 1, "too-large": 1, binary: 1, symlink: 1, "not-yaml": 1, "not-rendered": 0 },
      skippedFiles: [
        { path: "blob.yaml", reason: "binary" },
        { path: "broken.yaml", reason: "not-yaml" },
        { path: "chart/templates/mapping.yaml", reason: "templated" },
        { path: "huge.yaml", reason: "too-large" },
        { path: "linked.yaml", reason: "symlink" },
        { path: "secrets.yaml", reason: "encrypted" },
      ],
      resources: { Mapping: 2, Service: 1 },
      notKubernetes: 2,
    });
    assert.equal(foundNoManifests(coverage), false);
    assert.equal(
      skippedLine(coverage),
      "6 of 9 manifest files could not be analysed (1 templated, 1 encrypted, 1 too-large, 1 binary, 1 symlink, 1 not-yaml); findings cover the other 3.",
    );
    assert.equal(
      coverageSummary(coverage),
      "9 files read, 2 parsed, 6 skipped (1 templated, 1 encrypted, 1 too-large, 1 binary, 1 symlink, 1 not-yaml), 2 not Kubernetes; 3 resources (2 Mapping, 1 Service)",
    );
  });

  it("a symlink outside the policy's paths is not in scope; the policy file is never counted", () => {
    const sources: SourceFile[] = [
      ...files({ "apps/api.yaml": mapping("api"), ".github/mtls-gate.yml": "paths: {include: ['apps/**']}\n" }),
      { path: "other/linked.yaml", text: "", symlink: true },
    ];
    const { coverage } = analyzeTree(sources, { now: NOW });
    assert.equal(coverage.filesRead, 1);
    assert.equal(coverage.skipped.symlink, 0);
  });

  it("an empty tree, and a chart whose every template was skipped, found no manifests", () => {
    assert.equal(foundNoManifests(analyse([]).coverage), true);
    const chart = analyse(
      files({ "chart/templates/a.yaml": "kind: {{ .Values.kind }}\n", "chart/values.yaml": "x: 1\n" }),
    ).coverage;
    assert.equal(foundNoManifests(chart), true);
    assert.deepEqual([chart.filesRead, chart.skipped.templated, chart.notKubernetes], [2, 1, 1]);
  });

  it("lists at most MAX_SKIPPED_FILES_LISTED skipped files, counting them all", () => {
    const many = Array.from({ length: MAX_SKIPPED_FILES_LISTED + 5 }, (_, i) => ({
      path: `t/${String(i).padStart(3, "0")}.yaml`,
      text: "x: {{ .Values.x }}\n",
    }));
    const { coverage } = analyse(many);
    assert.equal(coverage.skipped.templated, MAX_SKIPPED_FILES_LISTED + 5);
    assert.equal(coverage.skippedFiles.length, MAX_SKIPPED_FILES_LISTED);
  });
});

describe("decide with coverage: coverage.failOnSkipped", () => {
  const tree = files({ "apps/api.yaml": mapping("api"), "chart/templates/a.yaml": "kind: {{ .Values.kind }}\n" });

  it("by default skipped files do not block, and the verdict says how many were skipped", () => {
    const analysis = analyse(tree);
    const verdict = decide(analysis.findings, analysis.policy, { hasBase: false, coverage: analysis.coverage });
    assert.equal(verdict.conclusion, "success");
    assert.deepEqual(verdict.coverage, { skipped: 1, blocks: false, reason: null });
  });

  it("with failOnSkipped: true a skipped file blocks, with a reason to print", () => {
    const analysis = analyse(tree, "coverage: {failOnSkipped: true}\n");
    assert.equal(analysis.policy.coverage.failOnSkipped, true);
    const verdict = decide(analysis.findings, analysis.policy, { hasBase: false, coverage: analysis.coverage });
    assert.equal(verdict.conclusion, "failure");
    assert.deepEqual(verdict.blocking, []);
    assert.equal(verdict.coverage?.blocks, true);
    assert.match(
      verdict.coverage?.reason ?? "",
      /^1 manifest file in scope could not be analysed \(1 templated\) and the policy's coverage\.failOnSkipped is true$/,
    );
  });

  it("with failOnSkipped: true and nothing skipped, nothing changes; without coverage, decide is as before", () => {
    const analysis = analyse(files({ "apps/api.yaml": mapping("api") }), "coverage: {failOnSkipped: true}\n");
    assert.equal(
      decide(analysis.findings, analysis.policy, { hasBase: false, coverage: analysis.coverage }).conclusion,
      "success",
    );
    assert.equal(decide(analysis.findings, analysis.policy, { hasBase: false }).coverage, undefined);
  });

  it("a bad coverage key is a policy-invalid finding and the default stands", () => {
    const analysis = analyzeTree(
      files({
        "apps/api.yaml": mapping("api"),
        ".github/mtls-gate.yml": "coverage: {failOnSkipped: yes-please, other: 1}\n",
      }),
      { now: NOW },
    );
    assert.equal(analysis.policy.coverage.failOnSkipped, false);
    const problems = analysis.findings.filter((f) => f.ruleId === "policy-invalid").map((f) => f.message);
    assert.equal(problems.length, 2, problems.join("\n"));
  });
});
