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

const good = `# passes: certificate and key
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
stringData:
  tls.crt: ${CRT}
  tls.key: ${KEY}
`;

const istio = `# passes: Istio's key.pem is a private key too
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: istio.io/key-and-cert
stringData:
  cert-chain.pem: ${CRT}
  key.pem: ${KEY}
`;

const certOnly = `# fails: a certificate without its key; reported on tls.crt (line 9)
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
stringData:
  tls.crt: ${CRT}
  ca.crt: ${CRT}
`;

const keyMisnamed = `# fails: the key is under "tls.pem", a name Emissary does not read
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: Opaque
data:
  tls.pem: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUIKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
`;

const istioCertOnly = `# fails: Istio's cert-chain.pem without key.pem; there is no tls.crt, so reported on stringData: (line 8)
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: istio.io/key-and-cert
stringData:
  cert-chain.pem: ${CRT}
  root-cert.pem: ${CRT}
`;

const caContext = `# passes: a CA Secret needs no private key
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: other-certs
  ca_secret: client-certs
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

ruleTester("secret-missing-private-key", [
  { name: "clean: certificate and key", files: { "context.yaml": context, "secret.yaml": good }, expect: [] },
  { name: "clean: Istio cert-chain.pem and key.pem", files: { "context.yaml": context, "secret.yaml": istio }, expect: [] },
  { name: "clean: a CA Secret has no key", files: { "context.yaml": caContext, "secret.yaml": certOnly }, expect: [] },
  {
    name: "certificate without key: on tls.crt",
    files: { "secret.yaml": certOnly, "context.yaml": context },
    expect: [
      {
        line: 9,
        column: 3,
        severity: "error",
        resource: "Secret/edge/client-certs",
        data: { referrer: "TLSContext upstream", field: "secret", secret: "edge/client-certs", type: "kubernetes.io/tls" },
      },
    ],
  },
  {
    name: "key under a name Emissary ignores: on tls.crt",
    files: { "secret.yaml": keyMisnamed, "context.yaml": context },
    expect: [{ line: 10, column: 3, severity: "error", data: { type: "Opaque" } }],
  },
  {
    name: "Istio secret without key.pem: on stringData:",
    files: { "secret.yaml": istioCertOnly, "context.yaml": context },
    expect: [{ line: 8, column: 1, severity: "error", data: { type: "istio.io/key-and-cert" } }],
  },
  {
    name: "a Host's tlsSecret",
    files: { "secret.yaml": certOnly, "host.yaml": host },
    expect: [{ line: 9, severity: "error", data: { referrer: "Host edge/api", field: "tlsSecret" } }],
  },
  {
    name: "annotation TLSContext: the finding stays on the Secret",
    files: { "secret.yaml": certOnly, "svc.yaml": annotation },
    expect: [{ file: "secret.yaml", line: 9, severity: "error", data: { referrer: "TLSContext backend-upstream" } }],
  },
]);
