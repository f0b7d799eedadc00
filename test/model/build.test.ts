import assert from "node:assert/strict";
import { test } from "node:test";
import { modelOf } from "../helpers/model.js";

const files = {
  "emissary.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: emissary, namespace: edge}
spec:
  template:
    spec:
      containers:
        - name: ambassador
          image: docker.io/emissaryingress/emissary:3.9.1
          env:
            - {name: AMBASSADOR_ID, value: edge-gw}
`,
  "routes.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ours, namespace: apps}
spec: {prefix: /ours/, service: ours, ambassador_id: [edge-gw]}
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: theirs, namespace: apps}
spec: {prefix: /theirs/, service: theirs}
---
apiVersion: getambassador.io/v3alpha1
kind: KubernetesEndpointResolver
metadata: {name: endpoints, namespace: apps}
spec: {ambassador_id: edge-gw}
---
apiVersion: v1
kind: Service
metadata: {name: ours, namespace: apps}
spec: {ports: [{name: https, port: 443}]}
`,
};

test("build: resources of another ambassador_id are set aside; the installation inferred from the Deployment decides", () => {
  const model = modelOf(files);
  assert.equal(model.installation.ambassadorId.value, "edge-gw");
  assert.deepEqual(
    model.mappings.map((m) => m.id),
    ["Mapping/apps/ours"],
  );
  assert.deepEqual(
    model.otherInstallations.map((r) => r.id),
    ["Mapping/apps/theirs"],
  );
  assert.deepEqual([...model.resolvers], [["endpoints", "endpoint"]]);
  assert.deepEqual([...model.services.keys()], ["apps/ours"]);
  assert.deepEqual(
    model.services.get("apps/ours")?.ports.map((p) => [p.name, p.port]),
    [["https", 443]],
  );
});

test("build: the caller's declared ambassador_id overrides the repository's, and the model follows it", () => {
  const model = modelOf(files, { emissary: { ambassadorId: "default" } });
  assert.deepEqual(
    [model.installation.ambassadorId.value, model.installation.ambassadorId.source],
    ["default", "policy"],
  );
  assert.deepEqual(
    model.mappings.map((m) => m.id),
    ["Mapping/apps/theirs"],
  );
  assert.deepEqual([...model.resolvers], []);
});

test("build: a top-level ambassador/v1 document is no Kubernetes object: a diagnostic naming it, nothing simulated", () => {
  const model = modelOf({
    "legacy.yaml": `apiVersion: ambassador/v1
kind: Mapping
metadata: {name: old, namespace: apps}
prefix: /old/
service: old
`,
  });
  assert.deepEqual(model.mappings, []);
  assert.deepEqual(
    model.diagnostics.map((d) => [d.kind, d.resource, d.location.line]),
    [["legacy-api-version", "Mapping/apps/old", 1]],
  );
});
