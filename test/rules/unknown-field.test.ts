import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const secret = `apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: default}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`;

/** A TLSContext in default; `fields` are the spec's lines, the first on line 6. */
const context = (comment: string, fields: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream, namespace: default}
spec:
${fields}`;

/** A Mapping in default; `fields` follow service (line 7), the first on line 8. */
const mapping = (comment: string, service: string, fields: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: default}
spec:
  prefix: /api/
  service: ${service}
${fields}`;

ruleTester("unknown-field", [
  {
    name: "clean: every field is known (v3alpha1 TLSContext and Mapping)",
    files: {
      "context.yaml": context("all fields are TLSContext fields", "  secret: client-cert\n  sni: api.internal\n  min_tls_version: v1.2\n"),
      "mapping.yaml": mapping("all fields are Mapping fields", "https://api", "  tls: upstream\n  timeout_ms: 3000\n"),
      "secret.yaml": secret,
    },
    expect: [],
  },
  {
    name: "clean: an annotation document's envelope keys (apiVersion, kind, name, namespace) are not spec fields",
    files: {
      "service.yaml": `# the annotation's documents carry only known fields
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: api-mapping
      namespace: default
      prefix: /api/
      service: api
spec:
  ports: [{port: 80}]
`,
    },
    expect: [],
  },
  {
    name: "secert: on a TLSContext silently removes the client certificate",
    files: { "context.yaml": context("fails: secert is dropped, so the context has no secret", "  secert: client-cert\n"), "secret.yaml": secret },
    expect: [
      {
        line: 6,
        column: 3,
        severity: "error",
        resource: "TLSContext/default/upstream",
        data: { kind: "TLSContext", resource: "default/upstream", key: "secert", suggestion: "secret", consequence: "TLSContext has no secret" },
      },
    ],
  },
  {
    name: "ca_secert: next to a real secret silently drops upstream verification",
    files: { "context.yaml": context("fails: the CA is dropped", "  secret: client-cert\n  ca_secert: upstream-ca\n"), "secret.yaml": secret },
    expect: [{ line: 7, severity: "error", data: { key: "ca_secert", suggestion: "ca_secret", consequence: "TLSContext has no ca_secret" } }],
  },
  {
    name: "tls_context: on a Mapping without a scheme: the route is plaintext",
    files: { "mapping.yaml": mapping("fails: tls_context is ignored, so no TLS at all", "api", "  tls_context: upstream\n") },
    expect: [
      {
        line: 8,
        column: 3,
        severity: "error",
        resource: "Mapping/default/api",
        data: { kind: "Mapping", key: "tls_context", suggestion: "tls", consequence: "the route is plaintext" },
      },
    ],
  },
  {
    name: "tlsContext: on a Mapping with https://: TLS, but without the client certificate",
    files: { "mapping.yaml": mapping("fails: the null context is used instead of upstream", "https://api", "  tlsContext: upstream\n") },
    expect: [{ line: 8, severity: "error", data: { suggestion: "tls", consequence: "the route originates TLS without a client certificate" } }],
  },
  {
    name: "tlscontext: (all lower case) on a Mapping without a scheme: plaintext",
    files: { "mapping.yml": mapping("fails: tlscontext is not tls", "api:8443", "  tlscontext: upstream\n") },
    expect: [{ line: 8, column: 3, severity: "error", data: { key: "tlscontext", suggestion: "tls", consequence: "the route is plaintext" } }],
  },
  {
    name: "tls-context: (kebab case) on a Mapping with http://: plaintext",
    files: { "mapping.yaml": mapping("fails: tls-context is not tls", "http://api", "  tls-context: upstream\n") },
    expect: [{ line: 8, severity: "error", data: { key: "tls-context", suggestion: "tls", consequence: "the route is plaintext" } }],
  },
  {
    name: "a tls lookalike next to a real tls: is only a warning",
    files: { "mapping.yaml": mapping("fails softly: tls: is set, the stray key costs nothing", "https://api", "  tls: upstream\n  tls_context: upstream\n") },
    expect: [{ line: 9, severity: "warning", data: { key: "tls_context", suggestion: "tls", consequence: null } }],
  },
  {
    name: "a harmless unknown key is a warning, with a suggestion when one is close",
    files: { "mapping.yaml": mapping("fails softly: timeout is not a field (timeout_ms is), and owner is nothing at all", "api", "  timeout: 30\n  owner: team-a\n") },
    expect: [
      { line: 8, severity: "warning", data: { key: "timeout", suggestion: "timeout_ms", consequence: null } },
      { line: 9, severity: "warning", data: { key: "owner", suggestion: null, consequence: null } },
    ],
  },
  {
    name: "v3alpha1-only fields are unknown in v2: hostname on a getambassador.io/v2 Mapping",
    files: {
      "mapping.yaml": `# fails softly: v2 Mappings have host, not hostname; Emissary drops it
apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: api, namespace: default}
spec:
  prefix: /api/
  service: api
  hostname: api.example.com
`,
    },
    expect: [{ line: 8, severity: "warning", data: { key: "hostname", suggestion: null, consequence: null } }],
  },
  {
    name: "annotation documents: findings on the file's own lines, namespace from the Service",
    files: {
      "service.yaml": `# fails twice: secert in the TLSContext, tls_context in the Mapping
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: edge
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: TLSContext
      name: upstream
      secert: client-cert
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: api-mapping
      prefix: /api/
      service: api
      tls_context: upstream
spec:
  ports: [{port: 80}]
`,
    },
    expect: [
      { line: 13, column: 7, severity: "error", resource: "TLSContext/edge/upstream", data: { suggestion: "secret", consequence: "TLSContext has no secret" } },
      { line: 20, column: 7, severity: "error", resource: "Mapping/edge/api-mapping", data: { suggestion: "tls", consequence: "the route is plaintext" } },
    ],
  },
  {
    name: "a notice when the dropped value is the default of the field it names; a warning when it is not",
    files: {
      "mapping.yaml": mapping("case_sensitiv: true is case_sensitive's default; host_regx: true is not", "api", "  case_sensitiv: true\n  host_regx: true\n"),
      "context.yaml": context("cert_requird: false is cert_required's default", "  secret: client-cert\n  cert_requird: false\n"),
      "secret.yaml": secret,
    },
    expect: [
      { file: "context.yaml", line: 7, severity: "notice", messageId: "ignored-default", data: { key: "cert_requird", field: "cert_required" } },
      { file: "mapping.yaml", line: 8, severity: "notice", messageId: "ignored-default", data: { key: "case_sensitiv", field: "case_sensitive" } },
      { file: "mapping.yaml", line: 9, severity: "warning", messageId: "ignored", data: { key: "host_regx", suggestion: "host_regex" } },
    ],
  },
]);
