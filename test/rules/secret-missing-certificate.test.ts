import { ruleTester } from "../helpers/rule-tester.js";

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
`;

const good = `# passes: certificate and key under the keys Emissary reads
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUIKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=
`;

const istio = `# passes: Istio's key names (cert-chain.pem, key.pem) are read too
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: istio.io/key-and-cert
data:
  cert-chain.pem: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
  key.pem: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUIKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=
`;

const misspelt = `# fails: "tls.cert" is not "tls.crt"; reported on data: (line 8)
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
data:
  tls.cert: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUIKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=
`;

const keyOnlyStringData = `# fails: only the private key, under stringData (line 8)
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: Opaque
stringData:
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const empty = `# fails: no keys at all; reported on the Secret's name (line 5)
apiVersion: v1
kind: Secret
metadata:
  name: client-certs
  namespace: edge
type: kubernetes.io/tls
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

const caContext = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: other-certs
  ca_secret: client-certs
`;

ruleTester("secret-missing-certificate", [
  { name: "clean: tls.crt and tls.key", files: { "context.yaml": context, "secret.yaml": good }, expect: [] },
  { name: "clean: Istio key names", files: { "context.yaml": context, "secret.yaml": istio }, expect: [] },
  // passes here: a Secret that does not exist at all is tls-context-secret-not-found's finding
  { name: "clean: a missing Secret is another rule's finding", files: { "context.yaml": context }, expect: [] },
  {
    // passes here: used as ca_secret, a Secret without tls.crt is tls-context-ca-secret-not-found's finding
    name: "clean: a CA Secret without tls.crt is another rule's finding",
    files: { "context.yaml": caContext, "secret.yaml": keyOnlyStringData },
    expect: [],
  },
  {
    name: "misspelt certificate key: on data:",
    files: { "context.yaml": context, "secret.yaml": misspelt },
    expect: [
      {
        file: "secret.yaml",
        line: 8,
        column: 1,
        severity: "error",
        resource: "Secret/edge/client-certs",
        data: { referrer: "TLSContext upstream", field: "secret", secret: "edge/client-certs", type: "kubernetes.io/tls" },
      },
    ],
  },
  {
    name: "private key only, in stringData: on stringData:",
    files: { "secret.yaml": keyOnlyStringData, "context.yaml": context },
    expect: [{ line: 8, column: 1, severity: "error", data: { type: "Opaque" } }],
  },
  {
    name: "no keys at all: on the Secret's name",
    files: { "secret.yaml": empty, "context.yaml": context },
    expect: [{ line: 5, column: 3, severity: "error", resource: "Secret/edge/client-certs" }],
  },
  {
    name: "a Host's tlsSecret",
    files: { "secret.yaml": misspelt, "host.yaml": host },
    expect: [{ line: 8, severity: "error", data: { referrer: "Host edge/api", field: "tlsSecret", secret: "edge/client-certs" } }],
  },
  {
    // fails: the referrer is in an annotation, the finding is on the Secret it names
    name: "annotation TLSContext: the finding stays on the Secret",
    files: { "secret.yaml": misspelt, "svc.yaml": annotation },
    expect: [{ line: 8, severity: "error", resource: "Secret/edge/client-certs", data: { referrer: "TLSContext backend-upstream" } }],
  },
  {
    // fails once per referrer: a TLSContext and a Host share the broken Secret
    name: "one finding per referrer",
    files: { "secret.yaml": misspelt, "context.yaml": context, "host.yaml": host },
    expect: [
      { line: 8, severity: "error", data: { referrer: "Host edge/api" } },
      { line: 8, severity: "error", data: { referrer: "TLSContext upstream" } },
    ],
  },
]);
