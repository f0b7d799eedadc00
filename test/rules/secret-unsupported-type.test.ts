import { ruleTester } from "../helpers/rule-tester.js";

const CRT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
`;

/** Secret client-certs in edge; `typeLine` is its `type:` line (line 7 when given), or "" for none. */
const secret = (typeLine: string, name = "client-certs") => `# the Secret under test: type: is on line 7
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: edge
${typeLine}stringData:
  tls.crt: ${CRT}
  tls.key: ${KEY}
`;

const mtlsContext = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
  ca_secret: upstream-ca
  crl_secret: upstream-crl
`;

const host = `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata:
  name: api
  namespace: edge
spec:
  hostname: api.example.com
  tlsSecret:
    name: client-certs
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: edge
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-upstream
      secret: client-certs
spec:
  ports: [{port: 443}]
`;

ruleTester("secret-unsupported-type", [
  { name: "clean: kubernetes.io/tls", files: { "context.yaml": context, "secret.yaml": secret("type: kubernetes.io/tls\n") }, expect: [] },
  { name: "clean: Opaque", files: { "context.yaml": context, "secret.yaml": secret("type: Opaque\n") }, expect: [] },
  // passes: a Secret without type: is Opaque
  { name: "clean: no type (Opaque)", files: { "context.yaml": context, "secret.yaml": secret("") }, expect: [] },
  {
    name: "clean: istio.io/key-and-cert",
    files: { "context.yaml": context, "secret.yaml": secret("type: istio.io/key-and-cert\n") },
    expect: [],
  },
  {
    // passes: nothing references this Secret, so its type does not matter to Emissary
    name: "clean: an unreferenced Secret of another type",
    files: { "context.yaml": context, "secret.yaml": secret("type: kubernetes.io/tls\n"), "registry.yaml": secret("type: kubernetes.io/dockerconfigjson\n", "registry") },
    expect: [],
  },
  {
    name: "basic-auth Secret used as a client certificate: on type:",
    files: { "context.yaml": context, "secret.yaml": secret("type: kubernetes.io/basic-auth\n") },
    expect: [
      {
        file: "secret.yaml",
        line: 7,
        column: 1,
        severity: "error",
        resource: "Secret/edge/client-certs",
        data: { referrer: "TLSContext upstream", field: "secret", secret: "edge/client-certs", type: "kubernetes.io/basic-auth" },
      },
    ],
  },
  {
    // fails: types are case-sensitive
    name: "kubernetes.io/TLS (wrong case)",
    files: { "context.yaml": context, "secret.yaml": secret("type: kubernetes.io/TLS\n") },
    expect: [{ file: "secret.yaml", line: 7, severity: "error", data: { type: "kubernetes.io/TLS" } }],
  },
  {
    // fails twice: the CA and CRL Secrets are ignored as well, one finding per Secret
    name: "ca_secret and crl_secret of ignored types",
    files: {
      "context.yaml": mtlsContext,
      "secret.yaml": secret("type: kubernetes.io/tls\n"),
      "ca.yaml": secret("type: kubernetes.io/service-account-token\n", "upstream-ca"),
      "crl.yaml": secret("type: bootstrap.kubernetes.io/token\n", "upstream-crl"),
    },
    expect: [
      { file: "ca.yaml", line: 7, severity: "error", resource: "Secret/edge/upstream-ca", data: { field: "ca_secret" } },
      { file: "crl.yaml", line: 7, severity: "error", resource: "Secret/edge/upstream-crl", data: { field: "crl_secret" } },
    ],
  },
  {
    name: "a Host's tlsSecret",
    files: { "host.yaml": host, "secret.yaml": secret("type: kubernetes.io/ssh-auth\n") },
    expect: [{ file: "secret.yaml", line: 7, severity: "error", data: { referrer: "Host edge/api", field: "tlsSecret" } }],
  },
  {
    name: "annotation TLSContext: the finding is on the Secret's type",
    files: { "svc.yaml": annotation, "secret.yaml": secret("type: kubernetes.io/basic-auth\n") },
    expect: [{ file: "secret.yaml", line: 7, severity: "error", data: { referrer: "TLSContext backend-upstream" } }],
  },
]);
