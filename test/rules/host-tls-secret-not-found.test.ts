import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

/** A TLS Secret `name` in `namespace`; `keys` defaults to a certificate and its key. */
const secret = (name: string, namespace: string, keys = `{tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}`) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/tls
stringData: ${keys}
`;

/** A Host in ambassador; `tlsSecret` is the YAML of its tlsSecret's fields, `name` on line 8. */
const host = (comment: string, tlsSecret: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ambassador}
spec:
  hostname: api.example.com
  tlsSecret:
${tlsSecret}`;

ruleTester("host-tls-secret-not-found", [
  {
    name: "clean: the Secret exists in the Host's namespace",
    files: { "host.yaml": host("the namespace defaults to the Host's", "    name: api-cert\n"), "secret.yaml": secret("api-cert", "ambassador") },
    expect: [],
  },
  {
    name: "clean: tlsSecret.namespace points at another namespace that has it",
    files: { "host.yaml": host("explicit namespace", "    name: api-cert\n    namespace: certs\n"), "secret.yaml": secret("api-cert", "certs") },
    expect: [],
  },
  {
    name: "clean: the Host looks a dotted tlsSecret name up whole, in its own namespace",
    files: { "host.yaml": host("api.example.com is the Secret's whole name, in ambassador", "    name: api.example.com\n"), "secret.yaml": secret("api.example.com", "ambassador") },
    expect: [],
  },
  {
    name: "clean: a Secret made by a cert-manager Certificate exists at runtime",
    files: {
      "host.yaml": host("cert-manager creates api-cert", "    name: api-cert\n"),
      "certificate.yaml": `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: api, namespace: ambassador}
spec:
  secretName: api-cert
  dnsNames: [api.example.com]
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
`,
    },
    expect: [],
  },
  {
    name: "clean: a Secret listed in the policy's externalSecrets",
    policy: "externalSecrets: [ambassador/api-cert]",
    files: { "host.yaml": host("created outside Git, and the policy says so", "    name: api-cert\n") },
    expect: [],
  },
  {
    name: "the Secret does not exist: the Host is silently inactive",
    files: { "host.yaml": host("fails: no Secret api-cert anywhere", "    name: api-cert\n") },
    expect: [
      {
        line: 8,
        column: 5,
        severity: "error",
        resource: "Host/ambassador/api",
        data: { host: "ambassador/api", why: "Secret ambassador/api-cert does not exist", hostname: "api.example.com" },
      },
    ],
  },
  {
    name: "istio-certs without the Istio integration: the message says the integration makes it",
    files: { "host.yaml": host("fails: istio-certs exists only with the integration", "    name: istio-certs\n") },
    expect: [{ line: 8, severity: "error", data: { integration: "Istio", integrationKey: "emissary.integrations.istio: true" } }],
  },
  {
    name: "clean: istio-certs with the Istio integration in the installation's namespace",
    policy: "emissary: {namespace: ambassador, integrations: {istio: true}}\n",
    files: { "host.yaml": host("the integration writes istio-certs into ambassador", "    name: istio-certs\n") },
    expect: [],
  },
  {
    name: "the Secret exists in another namespace: the message says where",
    files: { "host.yaml": host("fails: api-cert is in certs, the Host looks in ambassador", "    name: api-cert\n"), "secret.yaml": secret("api-cert", "certs") },
    expect: [{ line: 8, severity: "error", data: { why: "Secret ambassador/api-cert does not exist; a Secret of that name exists in namespace certs" } }],
  },
  {
    name: "a dotted name is looked up whole, so name.namespace does not reach the other namespace",
    files: { "host.yaml": host("fails: api-cert.certs is not split into api-cert in certs", "    name: api-cert.certs\n"), "secret.yaml": secret("api-cert", "certs") },
    expect: [{ line: 8, severity: "error", data: { why: "Secret ambassador/api-cert.certs does not exist" } }],
  },
  {
    name: "the Secret has no private key",
    files: { "host.yaml": host("fails: found no private key", "    name: api-cert\n"), "secret.yaml": secret("api-cert", "ambassador", `{tls.crt: ${PEM_CERT}}`) },
    expect: [{ line: 8, severity: "error", data: { why: "Secret ambassador/api-cert has no tls.key" } }],
  },
  {
    name: "the Secret has a type Emissary ignores",
    files: {
      "host.yaml": host("fails: a docker config Secret looks missing to Emissary", "    name: api-cert\n"),
      "secret.yaml": secret("api-cert", "ambassador").replace("kubernetes.io/tls", "kubernetes.io/dockerconfigjson"),
    },
    expect: [{ line: 8, severity: "error", data: { why: "Secret ambassador/api-cert has type kubernetes.io/dockerconfigjson, which Emissary ignores" } }],
  },
]);
