import { ruleTester } from "../helpers/rule-tester.js";

const secret = `apiVersion: v1
kind: Secret
metadata: {name: api-cert, namespace: ambassador}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: api-context, namespace: ambassador}
spec:
  hosts: [api.example.com]
  secret: api-cert
  min_tls_version: v1.2
`;

/** A Host for api.example.com; `spec` lines follow hostname (line 7). */
const host = (comment: string, spec: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ambassador}
spec:
  hostname: api.example.com
${spec}`;

ruleTester("host-tls-ignored", [
  {
    name: "clean: tlsSecret with a tlsContext",
    files: { "host.yaml": host("tlsSecret is set, so the context applies", "  tlsSecret: {name: api-cert}\n  tlsContext: {name: api-context}\n"), "context.yaml": context, "secret.yaml": secret },
    expect: [],
  },
  {
    name: "clean: tlsSecret with inline tls",
    files: { "host.yaml": host("tlsSecret is set, so the inline tls applies", "  tlsSecret: {name: api-cert}\n  tls:\n    min_tls_version: v1.2\n"), "secret.yaml": secret },
    expect: [],
  },
  {
    name: "clean: a plaintext Host with neither tls nor tlsContext",
    files: { "host.yaml": host("no TLS asked for, none ignored", "  requestPolicy: {insecure: {action: Route}}\n") },
    expect: [],
  },
  {
    name: "tlsContext without tlsSecret is silently ignored",
    files: { "host.yaml": host("fails: no tlsSecret, so api-context terminates nothing", "  tlsContext:\n    name: api-context\n"), "context.yaml": context, "secret.yaml": secret },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "error",
        resource: "Host/ambassador/api",
        data: { host: "ambassador/api", field: "tlsContext", hostname: "api.example.com" },
      },
    ],
  },
  {
    name: "inline tls without tlsSecret is silently ignored",
    files: { "host.yaml": host("fails: no tlsSecret, so the inline tls is dropped", "  tls:\n    min_tls_version: v1.3\n    alpn_protocols: h2\n") },
    expect: [{ line: 7, column: 3, severity: "error", data: { field: "tls" } }],
  },
  {
    // Emissary gives a Host without hostname the hostname "*" (irhost.py): it serves every hostname.
    name: "a Host without hostname: the message says it is *, as Emissary makes it",
    files: {
      "host.yaml": `# fails: tls without tlsSecret, and no hostname either
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: wildcard, namespace: ambassador}
spec:
  tls: {min_tls_version: v1.2}
`,
    },
    expect: [{ line: 6, severity: "error", resource: "Host/ambassador/wildcard", data: { hostname: "*" } }],
  },
]);
