import assert from "node:assert/strict";
import { test } from "node:test";
import { EMISSARY_CHARTS } from "../../../src/core/model/readers/flux.js";
import { modelOf } from "../../helpers/model.js";

const release = (values: string, chart = "emissary-ingress", extra = "") => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: emissary, namespace: flux-system}
spec:
  interval: 10m
${extra}  chart:
    spec:
      chart: ${chart}
      sourceRef: {kind: HelmRepository, name: datawire}
  values:
${values}`;

test("flux reader: a HelmRelease of emissary-ingress with AMBASSADOR_ISTIO_SECRET_DIR in its env values turns the Istio integration on", () => {
  assert.deepEqual(EMISSARY_CHARTS, ["emissary-ingress"]);
  const model = modelOf({
    "release.yaml": release(
      "    env:\n      AMBASSADOR_ISTIO_SECRET_DIR: /etc/istio-certs\n      ambassador_id: edge-gw\n",
      "emissary-ingress",
      "  targetNamespace: emissary\n",
    ),
  });
  const { istio, namespace, ambassadorId } = model.installation;
  assert.deepEqual(
    [istio.value, istio.source, istio.location?.file, istio.location?.line, istio.from],
    [true, "repository", "release.yaml", 13, "AMBASSADOR_ISTIO_SECRET_DIR on HelmRelease flux-system/emissary"],
  );
  // The chart sets AMBASSADOR_NAMESPACE to the pod's namespace (the release's target namespace) and upper-cases env keys.
  assert.deepEqual(
    [namespace.value, namespace.location?.line, namespace.from],
    ["emissary", 6, "AMBASSADOR_NAMESPACE on HelmRelease flux-system/emissary"],
  );
  assert.equal(ambassadorId.value, "edge-gw");
  // Emissary writes istio-certs into its own namespace: a Host using it there is provided.
  assert.deepEqual(
    model.providers.get("emissary/istio-certs")?.map((p) => p.kind),
    ["istio"],
  );
  // The release is no workload of the cluster: nothing mounts or selects through it.
  assert.deepEqual(model.workloads, []);
});

test("flux reader: values.namespace.name sets AMBASSADOR_NAMESPACE; without a target namespace the release's own stands", () => {
  const named = modelOf({ "r.yaml": release("    namespace: {name: edge}\n") });
  assert.equal(named.installation.namespace.value, "edge");
  const plain = modelOf({ "r.yaml": release("    replicaCount: 2\n") });
  assert.deepEqual(
    [plain.installation.namespace.value, plain.installation.istio.value, plain.installation.istio.source],
    ["flux-system", false, "default"],
  );
});

test("flux reader: another chart is not Emissary; a Deployment in Git wins over the release", () => {
  const other = modelOf({ "r.yaml": release("    env: {AMBASSADOR_ISTIO_SECRET_DIR: /x}\n", "ingress-nginx") });
  assert.deepEqual([other.installation.istio.value, other.installation.namespace.source], [false, "default"]);
  const both = modelOf({
    "a-deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: emissary, namespace: ambassador}
spec:
  template:
    spec:
      containers:
        - name: ambassador
          image: docker.io/emissaryingress/emissary:3.9.1
          env: [{name: AMBASSADOR_NAMESPACE, value: ambassador}]
`,
    "r.yaml": release("    env: {AMBASSADOR_ISTIO_SECRET_DIR: /etc/istio-certs}\n"),
  });
  assert.deepEqual([both.installation.namespace.value, both.installation.istio.value], ["ambassador", false]);
});
