import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const secrets = ["api-cert", "other-cert"]
  .map(
    (name) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ambassador}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`,
  )
  .join("---\n");

/** A TLSContext in ambassador with the given secret and hosts. */
const context = (name: string, secret: string, hosts: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ${name}, namespace: ambassador}
spec:
  hosts: ${hosts}
  secret: ${secret}
`;

/** A Host for api.example.com with tlsSecret api-cert, linked to `contextName`: tlsContext.name on line 10. */
const host = (comment: string, contextName: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ambassador}
spec:
  hostname: api.example.com
  tlsSecret:
    name: api-cert
  tlsContext:
    name: ${contextName}
`;

ruleTester("host-context-mismatch", [
  {
    name: "clean: the linked context holds the Host's tlsSecret and lists its hostname",
    files: { "host.yaml": host("same Secret, hostname listed", "api-context"), "context.yaml": context("api-context", "api-cert", "[api.example.com]"), "secrets.yaml": secrets },
    expect: [],
  },
  {
    name: "clean: a Host without tlsContext uses its implicit context",
    files: {
      "host.yaml": `# no tlsContext: Emissary makes api-context from the tlsSecret, nothing to mismatch
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ambassador}
spec:
  hostname: api.example.com
  tlsSecret: {name: api-cert}
`,
      "secrets.yaml": secrets,
    },
    expect: [],
  },
  {
    name: "the tlsContext name does not exist: the Host is dropped",
    files: { "host.yaml": host("fails: Specified TLSContext does not exist", "api-contxt"), "context.yaml": context("api-context", "api-cert", "[api.example.com]"), "secrets.yaml": secrets },
    expect: [
      {
        line: 10,
        column: 5,
        severity: "error",
        resource: "Host/ambassador/api",
        data: { problem: "unknown", host: "ambassador/api", context: "api-contxt", contextSecret: "none", hostSecret: "ambassador/api-cert" },
      },
    ],
  },
  {
    name: "the linked context holds another Secret: the Host is dropped",
    files: { "host.yaml": host("fails: Secret info mismatch between Host and TLSContext", "api-context"), "context.yaml": context("api-context", "other-cert", "[api.example.com]"), "secrets.yaml": secrets },
    expect: [{ line: 10, severity: "error", data: { problem: "secret", contextSecret: "ambassador/other-cert", hostSecret: "ambassador/api-cert" } }],
  },
  {
    name: "the linked context does not list the hostname: an error in Emissary's log, the Host is kept (warning)",
    files: { "host.yaml": host("fails softly: Hosts mismatch between Host and TLSContext", "api-context"), "context.yaml": context("api-context", "api-cert", "[www.example.com]"), "secrets.yaml": secrets },
    expect: [{ line: 10, column: 5, severity: "warning", data: { problem: "hosts", context: "api-context", hostname: "api.example.com" } }],
  },
]);
