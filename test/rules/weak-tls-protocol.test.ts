import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const secret = `apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: default}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`;

/** A TLSContext in default; `fields` follow secret (line 6), the first on line 7. */
const context = (comment: string, fields: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream, namespace: default}
spec:
  secret: client-cert
${fields}`;

ruleTester("weak-tls-protocol", [
  {
    name: "clean: TLS 1.2 to 1.3 with AEAD suites only",
    files: {
      "context.yaml": context(
        "modern versions, GCM and CHACHA20 suites (a -SHA256/-SHA384 MAC name is not CBC)",
        "  min_tls_version: v1.2\n  max_tls_version: v1.3\n  cipher_suites:\n    - ECDHE-ECDSA-AES128-GCM-SHA256\n    - ECDHE-RSA-AES256-GCM-SHA384\n    - ECDHE-RSA-CHACHA20-POLY1305\n",
      ),
      "secret.yaml": secret,
    },
    expect: [],
  },
  {
    name: "clean: no versions and no suites: Envoy's defaults",
    files: { "context.yaml": context("nothing set", ""), "secret.yaml": secret },
    expect: [],
  },
  {
    name: "min_tls_version v1.0 allows deprecated TLS (warning on its line)",
    files: { "context.yaml": context("fails: TLS 1.0 is deprecated (RFC 8996)", "  min_tls_version: v1.0\n"), "secret.yaml": secret },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "warning",
        resource: "TLSContext/default/upstream",
        data: { context: "upstream", field: "min_tls_version", value: "v1.0" },
      },
    ],
  },
  {
    name: "max_tls_version v1.1 caps the connection below 1.2: an error",
    files: { "context.yaml": context("fails: every connection is TLS 1.1 at best", "  min_tls_version: v1.0\n  max_tls_version: v1.1\n"), "secret.yaml": secret },
    expect: [
      { line: 7, severity: "warning", data: { field: "min_tls_version", value: "v1.0" } },
      { line: 8, severity: "error", data: { field: "max_tls_version", value: "v1.1" } },
    ],
  },
  {
    name: "weak cipher suites are listed together on the cipher_suites line",
    files: {
      "context.yaml": context(
        "fails: a CBC suite with SHA-1 and 3DES next to a good one",
        "  cipher_suites:\n    - ECDHE-RSA-AES128-GCM-SHA256\n    - ECDHE-RSA-AES128-SHA\n    - DES-CBC3-SHA\n",
      ),
      "secret.yaml": secret,
    },
    expect: [{ line: 7, column: 3, severity: "warning", data: { field: "cipher_suites", value: "ECDHE-RSA-AES128-SHA, DES-CBC3-SHA" } }],
  },
  {
    name: "the policy can make the rule an error",
    policy: "rules: {weak-tls-protocol: error}",
    files: { "context.yaml": context("fails, as an error by policy", "  min_tls_version: v1.1\n"), "secret.yaml": secret },
    expect: [{ line: 7, severity: "error", data: { value: "v1.1" } }],
  },
  {
    name: "a Host's inline tls is a context too",
    files: {
      "host.yaml": `# fails: the Host's inline tls allows TLS 1.0 for api.example.com
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: default}
spec:
  hostname: api.example.com
  tlsSecret: {name: client-cert}
  tls:
    min_tls_version: v1.0
`,
      "secret.yaml": secret,
    },
    expect: [{ line: 9, column: 5, severity: "warning", resource: "Host/default/api", data: { context: "api-context", value: "v1.0" } }],
  },
]);
