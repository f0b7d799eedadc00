import { ruleTester } from "../helpers/rule-tester.js";

const secret = `---
apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const secretOnly = `# passes: the client certificate comes from a Secret only
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: client-certs
`;

const filesOnly = `# passes: the client certificate comes from files only (both of them)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-files
  namespace: default
spec:
  cert_chain_file: /etc/certs/tls.crt
  private_key_file: /etc/certs/tls.key
`;

const both = `# fails: secret and cert_chain_file are mutually exclusive (reported on cert_chain_file, line 9)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: client-certs
  cert_chain_file: /etc/certs/tls.crt
  private_key_file: /etc/certs/tls.key
`;

const mapping = `# the Mapping that asks for the refused context
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: default
spec:
  prefix: /backend/
  service: backend
  tls: upstream
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: edge
  annotations:
    getambassador.io/config: |
      ---
      # fails: both forms in an annotation TLSContext (cert_chain_file on line 13)
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-upstream
      cert_chain_file: /etc/certs/tls.crt
      private_key_file: /etc/certs/tls.key
      secret: client-certs
spec:
  ports: [{port: 443}]
`;

const tlsModule = `# fails: the TLS Module's "upstream" block sets both; its "plain" block is fine
apiVersion: getambassador.io/v3alpha1
kind: Module
metadata:
  name: tls
  namespace: default
spec:
  config:
    upstream:
      secret: client-certs
      cert_chain_file: /etc/certs/tls.crt
      private_key_file: /etc/certs/tls.key
    plain:
      secret: client-certs
`;

ruleTester("tls-context-cert-and-secret", [
  { name: "clean: secret only", files: { "context.yaml": secretOnly + secret }, expect: [] },
  { name: "clean: cert_chain_file and private_key_file only", files: { "context.yaml": filesOnly }, expect: [] },
  {
    name: "CRD with both: on cert_chain_file, no Mapping uses it yet",
    files: { "context.yaml": both + secret },
    expect: [
      {
        line: 9,
        column: 3,
        severity: "error",
        resource: "TLSContext/default/upstream",
        data: { context: "upstream", consequence: "No Mapping uses it yet." },
      },
    ],
  },
  {
    name: "the consequence names the Mappings that lose the context",
    files: { "context.yaml": both + secret, "mapping.yaml": mapping },
    expect: [{ line: 9, severity: "error", data: { consequence: "Mappings using it (default/backend) see it as not defined." } }],
  },
  {
    name: "annotation TLSContext: on the annotation's cert_chain_file line",
    files: { "svc.yaml": annotation, "secret.yaml": secret.replace("namespace: default", "namespace: edge") },
    expect: [{ line: 13, column: 7, severity: "error", resource: "TLSContext/edge/backend-upstream", data: { context: "backend-upstream" } }],
  },
  {
    name: "TLS Module block with both",
    files: { "tls-module.yaml": tlsModule + secret },
    expect: [{ line: 11, column: 7, severity: "error", resource: "Module/default/tls", data: { context: "upstream" } }],
  },
  {
    // fails twice: the same mistake in two namespaces; the second context is registered as upstream.other
    name: "renamed context (same name in another namespace) is named as Mappings reach it",
    files: {
      "a.yaml": both + secret,
      "b.yaml": both.replace("namespace: default", "namespace: other") + secret.replace("namespace: default", "namespace: other"),
    },
    expect: [
      { file: "a.yaml", line: 9, severity: "error", data: { context: "upstream" } },
      { file: "b.yaml", line: 9, severity: "error", resource: "TLSContext/other/upstream", data: { context: "upstream.other" } },
    ],
  },
]);
