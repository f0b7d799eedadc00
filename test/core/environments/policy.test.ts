import assert from "node:assert/strict";
import { test } from "node:test";
import { loadPolicy } from "../../../src/core/policy/load.js";

test("render: defaults are rendering on, no explicit environments", () => {
  const { policy, diagnostics } = loadPolicy("failOn: error\n");
  assert.deepEqual(policy.render, { enabled: true, environments: [] });
  assert.deepEqual(diagnostics, []);
});

test("render.environments: kustomize and helm entries are read, normalised and located", () => {
  const { policy, diagnostics } = loadPolicy(`render:
  enabled: true
  environments:
    - name: prod
      kustomize: ./overlays/prod/
      paths: [plain/**]
    - name: edge
      helm:
        chart: charts/edge
        values: charts/edge/values-prod.yaml
        namespace: edge
`);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(policy.render.environments, [
    { name: "prod", kustomize: "overlays/prod", paths: ["plain/**"], line: 4 },
    {
      name: "edge",
      helm: { chart: "charts/edge", values: ["charts/edge/values-prod.yaml"], namespace: "edge" },
      line: 7,
    },
  ]);
});

test("render: bad keys and values are policy-invalid findings on their lines; the bad entries are dropped", () => {
  const { policy, diagnostics } = loadPolicy(`render:
  enabled: sometimes
  environments:
    - name: both
      kustomize: overlays/prod
      helm: {chart: charts/edge}
    - name: neither
    - name: outside
      kustomize: ../other-repo/overlays
    - name: ok
      kustomize: overlays/prod
    - name: ok
      kustomize: overlays/staging
    - kustomize: overlays/qa
    - name: typo
      kustomise: overlays/qa
`);
  assert.deepEqual(
    diagnostics.map((d) => [d.kind, d.location.line, d.data.path, d.data.suggestion]),
    [
      ["policy-invalid", 2, "render.enabled", null],
      ["policy-invalid", 14, "render.environments.5", null],
      ["policy-invalid", 16, "render.environments.6.kustomise", "kustomize"],
      ["policy-invalid", 4, "render.environments.0", null],
      ["policy-invalid", 7, "render.environments.1", null],
      ["policy-invalid", 9, "render.environments.2.kustomize", null],
      ["policy-invalid", 12, "render.environments.4.name", null],
    ],
  );
  assert.equal(policy.render.enabled, true);
  assert.deepEqual(
    policy.render.environments.map((e) => e.name),
    ["ok"],
  );
});

test("render.enabled: false is read", () => {
  assert.equal(loadPolicy("render: {enabled: false}\n").policy.render.enabled, false);
});
