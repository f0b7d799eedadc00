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

const withSecret = `# passes: SNI together with a client certificate
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: client-certs
  sni: backend.internal
`;

const withFiles = `# passes: certificate material from files
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  cert_chain_file: /etc/certs/tls.crt
  private_key_file: /etc/certs/tls.key
`;

const sniOnly = `# fails: an SNI-only origination context is never used (reported on spec:, line 7)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-sni
  namespace: default
spec:
  sni: backend.internal
  alpn_protocols: h2
  min_tls_version: v1.2
`;

const typo = `# fails: "secert" is an unknown key Emissary drops, so nothing is left but hosts
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  hosts: []
  secert: client-certs
`;

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: default
spec:
  prefix: /backend/
  service: https://backend
  tls: upstream-sni
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
      service: backend:8443
      tls: backend-sni
      ---
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-sni
      sni: backend.internal
spec:
  ports: [{port: 8443}]
`;

ruleTester("tls-context-no-certificate", [
  { name: "clean: sni with a secret", files: { "context.yaml": withSecret + secret }, expect: [] },
  { name: "clean: certificate files", files: { "context.yaml": withFiles }, expect: [] },
  {
    // passes here: a CA without a certificate is tls-context-ca-without-certificate's finding, not this one
    name: "clean: a CA alone is another rule's finding",
    files: { "context.yaml": withSecret.replace("secret: client-certs", "ca_secret: client-certs") + secret },
    expect: [],
  },
  {
    name: "SNI-only context: on its spec",
    files: { "context.yaml": sniOnly },
    expect: [
      {
        line: 7,
        column: 1,
        severity: "error",
        resource: "TLSContext/default/upstream-sni",
        data: { context: "upstream-sni", consequence: "No Mapping uses it yet." },
      },
    ],
  },
  {
    name: "the SNI is lost for the Mappings that ask for it",
    files: { "context.yaml": sniOnly, "mapping.yaml": mapping },
    expect: [
      { file: "context.yaml", line: 7, severity: "error", data: { consequence: "Mappings using it (default/backend) see it as not defined." } },
    ],
  },
  {
    name: "a misspelt secret key leaves no certificate",
    files: { "context.yaml": typo + secret },
    expect: [{ line: 7, column: 1, severity: "error", data: { context: "upstream" } }],
  },
  {
    // fails: the annotation document as a whole (its first line, 16) has no certificate
    name: "annotation TLSContext with only sni",
    files: { "svc.yaml": annotation },
    expect: [
      {
        line: 16,
        column: 7,
        severity: "error",
        resource: "TLSContext/edge/backend-sni",
        data: { context: "backend-sni", consequence: "Mappings using it (edge/backend) see it as not defined." },
      },
    ],
  },
]);
