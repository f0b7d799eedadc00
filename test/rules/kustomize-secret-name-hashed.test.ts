import { ruleTester } from "../helpers/rule-tester.js";

/** A TLSContext whose secret: names the generated Secret. */
const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
spec:
  secret: upstream-client
  ca_secret: upstream-ca
`;

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
spec:
  prefix: /backend/
  service: https://backend:443
  tls: upstream
`;

/** The kustomization under test: the generator's `- name: upstream-client` is on line 6. */
const kustomization = (extra = "", generatorOptions = "") => `namespace: edge
resources:
  - context.yaml
  - mapping.yaml
secretGenerator:
  - name: upstream-client
    type: kubernetes.io/tls
    files:
      - tls.crt=certs/client.crt
      - tls.key=certs/client.key${generatorOptions}
  - name: unrelated
    literals: [a=b]
${extra}`;

const host = `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata:
  name: api
spec:
  hostname: api.example.com
  tlsSecret:
    name: api-cert
`;

ruleTester("kustomize-secret-name-hashed", [
  {
    name: "a generated Secret named in a TLSContext's secret: the generator entry, error",
    files: { "edge/kustomization.yaml": kustomization(), "edge/context.yaml": context, "edge/mapping.yaml": mapping },
    expect: [
      {
        line: 6,
        severity: "error",
        resource: "TLSContext/edge/upstream",
        messageId: "hashed",
        data: { secret: "upstream-client", namespace: "edge", field: "secret" },
      },
    ],
  },
  {
    name: "the CA too: one finding per reference, on each generator",
    files: {
      "edge/kustomization.yaml": kustomization("  - name: upstream-ca\n    files: [tls.crt=certs/ca.crt]\n"),
      "edge/context.yaml": context,
      "edge/mapping.yaml": mapping,
    },
    expect: [
      { line: 6, severity: "error", data: { secret: "upstream-client", field: "secret" } },
      { line: 13, severity: "error", data: { secret: "upstream-ca", field: "ca_secret" } },
    ],
  },
  {
    name: "generatorOptions.disableNameSuffixHash: clean",
    files: {
      "edge/kustomization.yaml": kustomization("generatorOptions:\n  disableNameSuffixHash: true\n"),
      "edge/context.yaml": context,
      "edge/mapping.yaml": mapping,
    },
    expect: [],
  },
  {
    name: "options.disableNameSuffixHash on the generator: clean",
    files: {
      "edge/kustomization.yaml": kustomization("", "\n    options:\n      disableNameSuffixHash: true"),
      "edge/context.yaml": context,
      "edge/mapping.yaml": mapping,
    },
    expect: [],
  },
  {
    name: "a configurations file (a nameReference kustomize then applies): clean",
    files: {
      "edge/kustomization.yaml": kustomization("configurations:\n  - kustomizeconfig/tlscontext.yaml\n"),
      "edge/context.yaml": context,
      "edge/mapping.yaml": mapping,
    },
    expect: [],
  },
  {
    name: "a Host's tlsSecret from a base's generator, the overlay's namespace: on the base's generator",
    files: {
      "base/kustomization.yaml":
        "resources:\n  - host.yaml\nsecretGenerator:\n  - name: api-cert\n    type: kubernetes.io/tls\n    files: [tls.crt, tls.key]\n",
      "base/host.yaml": host,
      "overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\n",
    },
    expect: [
      {
        line: 4,
        severity: "error",
        file: "base/kustomization.yaml",
        resource: "Host/prod/api",
        data: { namespace: "prod", field: "tlsSecret" },
      },
    ],
  },
  {
    name: "a generated Secret in another namespace than the reference's: clean",
    files: {
      "edge/kustomization.yaml": kustomization()
        .replace("namespace: edge", "namespace: payments")
        .replace("  - context.yaml\n  - mapping.yaml\n", "  []\n"),
      "edge/context.yaml": context.replace("  name: upstream\n", "  name: upstream\n  namespace: edge\n"),
    },
    expect: [],
  },
]);
