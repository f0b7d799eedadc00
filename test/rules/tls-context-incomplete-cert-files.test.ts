import { ruleTester } from "../helpers/rule-tester.js";

const complete = `# passes: cert_chain_file and private_key_file together
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-files
  namespace: default
spec:
  cert_chain_file: /etc/certs/tls.crt
  private_key_file: /etc/certs/tls.key
  cacert_chain_file: /etc/certs/ca.crt
`;

const certOnly = `# fails: cert_chain_file (line 8) without private_key_file
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-files
  namespace: default
spec:
  cert_chain_file: /etc/certs/tls.crt
  sni: backend.internal
`;

const keyOnly = `# fails: private_key_file (line 8) without cert_chain_file
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-files
  namespace: default
spec:
  private_key_file: /etc/certs/tls.key
`;

const certAndSecret = `# passes (for this rule): secret + cert_chain_file is reported by tls-context-cert-and-secret instead
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: client-certs
  cert_chain_file: /etc/certs/tls.crt
`;

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: default
spec:
  prefix: /backend/
  service: https://backend
  tls: upstream-files
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
      kind: Mapping
      name: backend
      prefix: /backend/
      service: backend
      tls: backend-files
      ---
      # fails: the key file was forgotten (cert_chain_file on line 20)
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-files
      cert_chain_file: /etc/certs/tls.crt
spec:
  ports: [{port: 443}]
`;

const tlsModule = `# fails: the TLS Module's "upstream" block has cert_chain_file (line 10) only
apiVersion: getambassador.io/v3alpha1
kind: Module
metadata:
  name: tls
  namespace: emissary
spec:
  config:
    upstream:
      cert_chain_file: /etc/certs/tls.crt
`;

ruleTester("tls-context-incomplete-cert-files", [
  { name: "clean: both files", files: { "context.yaml": complete }, expect: [] },
  { name: "clean: secret and cert_chain_file is another rule's finding", files: { "context.yaml": certAndSecret }, expect: [] },
  {
    name: "cert_chain_file without private_key_file",
    files: { "context.yaml": certOnly },
    expect: [
      {
        line: 8,
        column: 3,
        severity: "error",
        resource: "TLSContext/default/upstream-files",
        data: { context: "upstream-files", consequence: "No Mapping uses it yet." },
      },
    ],
  },
  {
    name: "private_key_file without cert_chain_file",
    files: { "context.yaml": keyOnly },
    expect: [{ line: 8, column: 3, severity: "error", data: { context: "upstream-files" } }],
  },
  {
    name: "a Mapping using the refused context is named",
    files: { "context.yaml": certOnly, "mapping.yaml": mapping },
    expect: [
      { file: "context.yaml", line: 8, severity: "error", data: { consequence: "Mappings using it (default/backend) see it as not defined." } },
    ],
  },
  {
    name: "annotation TLSContext: on the annotation's line",
    files: { "svc.yaml": annotation },
    expect: [
      {
        line: 20,
        column: 7,
        severity: "error",
        resource: "TLSContext/edge/backend-files",
        data: { context: "backend-files", consequence: "Mappings using it (edge/backend) see it as not defined." },
      },
    ],
  },
  {
    name: "TLS Module block",
    files: { "tls-module.yaml": tlsModule },
    expect: [{ line: 10, column: 7, severity: "error", resource: "Module/emissary/tls", data: { context: "upstream" } }],
  },
]);
