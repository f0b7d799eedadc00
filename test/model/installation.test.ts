import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";

/** Emissary's Deployment in `namespace`; `env` is the YAML of its env list items. */
const emissary = (namespace: string, env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: emissary, namespace: ${namespace}}
spec:
  template:
    spec:
      containers:
        - name: ambassador
          image: docker.io/emissaryingress/emissary:3.9.1
          env:
${env}`;

const connector = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ambassador-consul-connect-integration, namespace: edge}
spec:
  template:
    spec:
      containers:
        - name: consul-connect-integration
          image: docker.io/datawire/aes:1.14.4
          command: [consul_connect_integration]
`;

test("inference: namespace, ambassador_id and integrations from Emissary's Deployment and the Consul connector", () => {
  const analysis = analyzeFiles({
    "emissary.yaml": emissary(
      "edge",
      `            - name: AMBASSADOR_NAMESPACE
              valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
            - {name: AMBASSADOR_ID, value: edge-gw}
            - {name: AMBASSADOR_ISTIO_SECRET_DIR, value: /etc/istio-certs}
`,
    ),
    "connector.yaml": connector,
  });
  const { installation } = analysis;
  assert.deepEqual(installation.namespace, {
    value: "edge",
    source: "repository",
    file: "emissary.yaml",
    line: 11,
    from: "AMBASSADOR_NAMESPACE (the pod's namespace) on Deployment edge/emissary",
  });
  assert.deepEqual([installation.ambassadorId.value, installation.ambassadorId.line], ["edge-gw", 13]);
  assert.deepEqual(
    [
      installation.integrations.istio.value,
      installation.integrations.istio.source,
      installation.integrations.istio.line,
    ],
    [true, "repository", 14],
  );
  assert.deepEqual(
    [
      installation.integrations.consul.value,
      installation.integrations.consul.file,
      installation.integrations.consul.line,
    ],
    [true, "connector.yaml", 8],
  );
  // the integrations' Secrets now exist: istio-certs in Emissary's namespace, the connector's in its own
  assert.ok(analysis.model.providers.has("edge/istio-certs"));
  assert.ok(analysis.model.providers.has("edge/ambassador-consul-connect"));
});

test("inference: the policy overrides each setting it names, and only those", () => {
  const files = {
    "emissary.yaml": emissary(
      "edge",
      "            - {name: AMBASSADOR_NAMESPACE, value: gateway}\n            - {name: AMBASSADOR_ISTIO_SECRET_DIR, value: /etc/istio-certs}\n",
    ),
  };
  const inferred = analyzeFiles(files).installation;
  assert.deepEqual(
    [inferred.namespace.value, inferred.namespace.source, inferred.integrations.istio.value],
    ["gateway", "repository", true],
  );
  const overridden = analyzeFiles(
    files,
    "emissary: {namespace: ambassador, integrations: {istio: false}}\n",
  ).installation;
  assert.deepEqual(
    [overridden.namespace.value, overridden.namespace.source, overridden.namespace.file],
    ["ambassador", "policy", null],
  );
  assert.deepEqual([overridden.integrations.istio.value, overridden.integrations.istio.source], [false, "policy"]);
  // not named by the policy: still inferred (no id on the Deployment: Emissary's default, read from it)
  assert.deepEqual([overridden.ambassadorId.value, overridden.ambassadorId.source], ["default", "repository"]);
});

test("inference: without an Emissary Deployment, Emissary's defaults", () => {
  const { installation } = analyzeFiles({ "m.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" });
  assert.deepEqual(
    [
      installation.namespace,
      installation.ambassadorId.source,
      installation.integrations.istio.value,
      installation.integrations.consul.value,
    ],
    [{ value: "default", source: "default", file: null, line: null, from: null }, "default", false, false],
  );
});

test("inference: a Host using istio-certs is served once the Deployment shows the Istio integration (no hint needed)", () => {
  const host = `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: mesh, namespace: edge}
spec: {hostname: mesh.example.com, tlsSecret: {name: istio-certs}}
`;
  const without = analyzeFiles({ "host.yaml": host }).findings.filter((f) => f.ruleId === "host-tls-secret-not-found");
  assert.match(
    without[0]?.message ?? "",
    /created at runtime by the Istio integration: enable it in the policy \(emissary\.integrations\.istio: true\)/,
  );
  const inferred = analyzeFiles({
    "host.yaml": host,
    "emissary.yaml": emissary(
      "edge",
      "            - {name: AMBASSADOR_NAMESPACE, value: edge}\n            - {name: AMBASSADOR_ISTIO_SECRET_DIR, value: /etc/istio-certs}\n",
    ),
  });
  assert.deepEqual(
    inferred.findings.filter((f) => f.ruleId === "host-tls-secret-not-found"),
    [],
  );
});
