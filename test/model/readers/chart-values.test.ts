import assert from "node:assert/strict";
import { test } from "node:test";
import { CHART_VALUES_KIND } from "../../../src/core/model/readers/chart-values.js";
import { analyzeFiles } from "../../helpers/rule-tester.js";
import { modelOf } from "../../helpers/model.js";

/** An umbrella chart whose dependencies are `dependencies` (YAML list items). */
const chart = (dependencies: string, name = "edge") => `apiVersion: v2
name: ${name}
version: 0.1.0
dependencies:
${dependencies}`;
const emissaryDependency = (extra = "") =>
  `  - name: emissary-ingress\n    version: 8.9.1\n    repository: https://app.getambassador.io\n${extra}`;
const istioValues = (key = "emissary-ingress") => `${key}:
  env:
    AMBASSADOR_ISTIO_SECRET_DIR: /etc/istio-certs
`;

test("chart values: AMBASSADOR_ISTIO_SECRET_DIR in the env values of an emissary-ingress dependency turns Istio on", () => {
  const model = modelOf({
    "deploy/edge/Chart.yaml": chart(emissaryDependency()),
    "deploy/edge/values.yaml": istioValues(),
  });
  const { istio, namespace, ambassadorId } = model.installation;
  assert.deepEqual(
    [istio.value, istio.source, istio.location?.file, istio.location?.line, istio.from],
    [true, "repository", "deploy/edge/values.yaml", 3, "AMBASSADOR_ISTIO_SECRET_DIR on the values of chart edge"],
  );
  // plain values do not say the release's namespace: it stays Emissary's default, and istio-certs is provided there
  assert.deepEqual([namespace.value, namespace.source], ["default", "default"]);
  assert.equal(ambassadorId.value, "default");
  assert.deepEqual(
    model.providers.get("default/istio-certs")?.map((p) => p.kind),
    ["istio"],
  );
  // the stand-in is no workload of the cluster
  assert.deepEqual(model.workloads, []);
});

test("chart values: namespace.name is AMBASSADOR_NAMESPACE; a Host using istio-certs there is then served", () => {
  const host = `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: mesh, namespace: edge}
spec: {hostname: mesh.example.com, tlsSecret: {name: istio-certs}}
`;
  const files = {
    "deploy/edge/Chart.yaml": chart(emissaryDependency()),
    "deploy/edge/values.yaml": `${istioValues()}  namespace:\n    name: edge\n`,
    "host.yaml": host,
  };
  const namespace = modelOf(files).installation.namespace;
  assert.deepEqual(
    [namespace.value, namespace.source, namespace.location?.line, namespace.from],
    ["edge", "repository", 5, "AMBASSADOR_NAMESPACE on the values of chart edge"],
  );
  assert.deepEqual(
    analyzeFiles(files).findings.filter((f) => f.ruleId === "host-tls-secret-not-found"),
    [],
  );
  // without the chart, the same Host's Secret is missing
  assert.deepEqual(
    analyzeFiles({ "host.yaml": host }).findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`),
    ["host-tls-secret-not-found host.yaml:4"],
  );
});

test("chart values: which charts and values speak for Emissary (alias, condition, the chart itself, values.yml)", () => {
  const rows: [string, Record<string, string>, boolean][] = [
    [
      "alias: the values sit under the alias",
      { "c/Chart.yaml": chart(emissaryDependency("    alias: edge-gw\n")), "c/values.yaml": istioValues("edge-gw") },
      true,
    ],
    [
      "alias: values under the chart's name are not its values",
      { "c/Chart.yaml": chart(emissaryDependency("    alias: edge-gw\n")), "c/values.yaml": istioValues() },
      false,
    ],
    [
      "condition false: the dependency is not installed",
      {
        "c/Chart.yaml": chart(emissaryDependency("    condition: emissary-ingress.enabled\n")),
        "c/values.yaml": `${istioValues()}  enabled: false\n`,
      },
      false,
    ],
    [
      "condition true",
      {
        "c/Chart.yaml": chart(emissaryDependency("    condition: emissary-ingress.enabled\n")),
        "c/values.yaml": `${istioValues()}  enabled: true\n`,
      },
      true,
    ],
    [
      "another chart's dependency",
      {
        "c/Chart.yaml": chart(
          "  - name: ingress-nginx\n    version: 4.0.0\n    repository: https://kubernetes.github.io/ingress-nginx\n",
        ),
        "c/values.yaml": istioValues("ingress-nginx"),
      },
      false,
    ],
    [
      "Emissary's chart itself, env at the root",
      {
        "c/Chart.yaml": "apiVersion: v2\nname: emissary-ingress\nversion: 8.9.1\n",
        "c/values.yaml": "env:\n  AMBASSADOR_ISTIO_SECRET_DIR: /etc/istio-certs\n",
      },
      true,
    ],
    ["values.yml is read too", { "c/Chart.yaml": chart(emissaryDependency()), "c/values.yml": istioValues() }, true],
    [
      "a values file of another directory is not the chart's",
      { "c/Chart.yaml": chart(emissaryDependency()), "values.yaml": istioValues() },
      false,
    ],
  ];
  for (const [name, files, istio] of rows) {
    const { installation } = modelOf(files);
    assert.deepEqual(
      [installation.istio.value, installation.istio.source],
      istio ? [true, "repository"] : [false, "default"],
      name,
    );
  }
  assert.equal(CHART_VALUES_KIND, "HelmChartValues");
});

test("chart values: a Deployment in Git wins over the chart's values; the policy over both", () => {
  const files = {
    "c/Chart.yaml": chart(emissaryDependency()),
    "c/values.yaml": istioValues(),
    "emissary.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: emissary, namespace: edge}
spec:
  template:
    spec:
      containers:
        - {name: ambassador, image: docker.io/emissaryingress/emissary:3.9.1}
`,
  };
  assert.deepEqual(
    [modelOf(files).installation.istio.value, modelOf(files).installation.namespace.value],
    [false, "default"],
  );
  const declared = modelOf(
    { "c/Chart.yaml": chart(emissaryDependency()), "c/values.yaml": istioValues() },
    { emissary: { istio: false } },
  );
  assert.deepEqual([declared.installation.istio.value, declared.installation.istio.source], [false, "policy"]);
});
