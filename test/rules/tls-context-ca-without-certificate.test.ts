import { ruleTester } from "../helpers/rule-tester.js";

const secrets = `---
apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
---
apiVersion: v1
kind: Secret
metadata: {name: upstream-ca, namespace: default}
type: Opaque
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
`;

const mtls = `# passes: a client certificate and the CA that verifies the upstream
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secret: client-certs
  ca_secret: upstream-ca
`;

const caFileWithCertFiles = `# passes: files for both the certificate and the CA
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  cert_chain_file: /etc/certs/tls.crt
  private_key_file: /etc/certs/tls.key
  cacert_chain_file: /etc/certs/ca.crt
`;

const caSecretOnly = `# fails: verifying the upstream needs a certificate of our own in Emissary (ca_secret, line 8)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  ca_secret: upstream-ca
  sni: backend.internal
`;

const caFileOnly = `# fails: same with a CA file (cacert_chain_file, line 8)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  cacert_chain_file: /etc/certs/ca.crt
`;

const typo = `# fails: "secert" is dropped by Emissary, leaving the CA alone (ca_secret, line 9)
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: default
spec:
  secert: client-certs
  ca_secret: upstream-ca
`;

const mapping = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: backend
  namespace: default
spec:
  prefix: /backend/
  service: https://backend
  tls: upstream
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: default
  annotations:
    getambassador.io/config: |
      ---
      # fails: the annotation context has only a CA (line 13)
      apiVersion: ambassador/v1
      kind: TLSContext
      name: backend-verify
      ca_secret: upstream-ca
spec:
  ports: [{port: 443}]
`;

ruleTester("tls-context-ca-without-certificate", [
  { name: "clean: client certificate with a CA secret", files: { "context.yaml": mtls + secrets }, expect: [] },
  { name: "clean: certificate and CA files", files: { "context.yaml": caFileWithCertFiles }, expect: [] },
  {
    name: "ca_secret without a certificate: on ca_secret",
    files: { "context.yaml": caSecretOnly + secrets },
    expect: [
      {
        line: 8,
        column: 3,
        severity: "error",
        resource: "TLSContext/default/upstream",
        data: { context: "upstream", consequence: "No Mapping uses it yet." },
      },
    ],
  },
  {
    name: "cacert_chain_file without a certificate: on cacert_chain_file",
    files: { "context.yaml": caFileOnly },
    expect: [{ line: 8, column: 3, severity: "error", data: { context: "upstream" } }],
  },
  {
    name: "a misspelt secret key leaves the CA alone",
    files: { "context.yaml": typo + secrets },
    expect: [{ line: 9, column: 3, severity: "error" }],
  },
  {
    name: "the Mappings using the refused context are named",
    files: { "context.yaml": caSecretOnly + secrets, "mapping.yaml": mapping },
    expect: [
      { file: "context.yaml", line: 8, severity: "error", data: { consequence: "Mappings using it (default/backend) see it as not defined." } },
    ],
  },
  {
    name: "annotation TLSContext: on the annotation's ca_secret line",
    files: { "svc.yaml": annotation, "secrets.yaml": secrets },
    expect: [{ line: 13, column: 7, severity: "error", resource: "TLSContext/default/backend-verify", data: { context: "backend-verify" } }],
  },
]);
