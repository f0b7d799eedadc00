import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

/** An Istio-style Secret `name` in namespace default, with Istio's key names. */
const istioSecret = (name: string) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: default}
type: istio.io/key-and-cert
stringData: {cert-chain.pem: ${PEM_CERT}, key.pem: ${PEM_KEY}}
`;

/** A TLSContext in default; `extra` lines go after secret (line 7). */
const context = (comment: string, secret: string, extra = "") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: istio-upstream, namespace: default}
spec:
  alpn_protocols: istio
  secret: ${secret}
${extra}`;

ruleTester("istio-secret-namespacing", [
  {
    name: "clean: secret_namespacing: false keeps the dotted name whole",
    files: { "context.yaml": context("istio.default is read as one name", "istio.default", "  secret_namespacing: false\n"), "secret.yaml": istioSecret("istio.default") },
    expect: [],
  },
  {
    name: "clean: the ambassador Module turns namespacing off for every context",
    files: {
      "context.yaml": context("the Module's defaults.tls_secret_namespacing: false applies", "istio.default"),
      "module.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Module
metadata: {name: ambassador, namespace: default}
spec:
  config:
    defaults:
      tls_secret_namespacing: false
`,
      "secret.yaml": istioSecret("istio.default"),
    },
    expect: [],
  },
  {
    name: "clean: an undotted secret name is never split",
    files: { "context.yaml": context("istio-certs has no dot", "istio-certs"), "secret.yaml": istioSecret("istio-certs") },
    expect: [],
  },
  {
    name: "clean: a dotted name that really means name.namespace and resolves",
    files: {
      "context.yaml": context("client-cert.certs is Secret client-cert in namespace certs, which exists", "client-cert.certs"),
      "secret.yaml": `apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: certs}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`,
    },
    expect: [],
  },
  {
    name: "istio.default with namespacing on: split into Secret istio in namespace default",
    files: { "context.yaml": context("fails: found no certificate in secret istio in namespace default", "istio.default"), "secret.yaml": istioSecret("istio.default") },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "error",
        resource: "TLSContext/default/istio-upstream",
        data: { context: "istio-upstream", written: "istio.default", name: "istio", namespace: "default" },
      },
    ],
  },
  {
    name: "an istio.* name is reported even when the Secret is not in Git (it is written by the sidecar)",
    files: { "context.yaml": context("fails: istio.payments is split into istio in namespace payments", "istio.payments") },
    expect: [{ line: 7, severity: "error", data: { written: "istio.payments", name: "istio", namespace: "payments" } }],
  },
  {
    name: "any dotted name whose whole form exists as a Secret",
    files: { "context.yaml": context("fails: my.cert exists, but Emissary looks for Secret my in namespace cert", "my.cert"), "secret.yaml": istioSecret("my.cert") },
    expect: [{ line: 7, severity: "error", data: { written: "my.cert", name: "my", namespace: "cert" } }],
  },
  {
    name: "explicit secret_namespacing: true is no escape",
    files: { "context.yaml": context("fails: namespacing forced on", "istio.default", "  secret_namespacing: true\n"), "secret.yaml": istioSecret("istio.default") },
    expect: [{ line: 7, severity: "error" }],
  },
]);
