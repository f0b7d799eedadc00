/**
 * The dashboard's certificates of a rendered environment link the source file a person edits, not the rendered output
 * (rendered with the real kustomize).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { inventoryOnSources } from "../../src/app/stages/evaluate.js";
import { certificateInventory } from "../../src/core/certificate-inventory.js";
import { environmentsOf } from "../../src/render/analyze.js";
import { analyzeTreeEnvironments } from "../../src/render/analyze-environments.js";
import { DEFAULT_RENDER_OPTIONS, renderEnvironments } from "../../src/render/render.js";
import { repoTreeFromSources } from "../../src/render/repo.js";
import { renderTools } from "../render/tools.js";

const certificate = readFileSync(new URL("../../../test/fixtures/handshake/pki/edge-client.crt", import.meta.url));

const files = {
  "edge/kustomization.yaml": "namespace: edge\nresources:\n  - mapping.yaml\n  - secret.yaml\n",
  "edge/mapping.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
spec:
  hostname: "*"
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
  "edge/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: billing-client
type: Opaque
data:
  tls.crt: ${certificate.toString("base64")}
`,
};

test("a rendered environment's certificates point at the Secret's source file and line", async () => {
  const sources = Object.entries(files).map(([path, text]) => ({ path, text }));
  const tree = repoTreeFromSources(sources);
  const inputs = await renderEnvironments(tree, environmentsOf(tree), {
    ...DEFAULT_RENDER_OPTIONS,
    tools: renderTools(),
  });
  assert.equal(inputs.length, 1);
  const analysis = analyzeTreeEnvironments(sources, { now: new Date("2030-01-01T00:00:00Z") }, inputs);
  const rendered = certificateInventory(analysis, new Date("2030-01-01T00:00:00Z"));
  assert.equal(rendered.length, 1);
  assert.match(rendered[0]?.file ?? "", /\.mtls-gate-rendered\//, "the model's location is in the rendered output");
  const [onSource] = inventoryOnSources(rendered, inputs);
  assert.deepEqual([onSource?.file, onSource?.line, onSource?.secret], ["edge/secret.yaml", 7, "edge/billing-client"]);
});
