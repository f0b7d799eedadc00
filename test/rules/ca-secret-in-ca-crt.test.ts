import { ruleTester } from "../helpers/rule-tester.js";

const CRT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const clientSecret = `apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: edge}
type: kubernetes.io/tls
stringData:
  tls.crt: ${CRT}
  tls.key: ${KEY}
`;

/** A TLSContext in edge with a usable client certificate and `ca_secret: caSecret`. */
const context = (caSecret: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
  ca_secret: ${caSecret}
---
${clientSecret}`;

const caInTlsCrt = `# passes: the CA certificate is under tls.crt, where Emissary reads it
apiVersion: v1
kind: Secret
metadata:
  name: upstream-ca
  namespace: edge
type: Opaque
stringData:
  tls.crt: ${CRT}
`;

const caInBoth = `# passes: tls.crt is present; the extra ca.crt is harmless
apiVersion: v1
kind: Secret
metadata:
  name: upstream-ca
  namespace: edge
type: Opaque
stringData:
  tls.crt: ${CRT}
  ca.crt: ${CRT}
`;

const caOnly = (namespace: string) => `# fails: the CA only under ca.crt (line 9), which Emissary never reads
apiVersion: v1
kind: Secret
metadata:
  name: upstream-ca
  namespace: ${namespace}
type: Opaque
data:
  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
`;

const clientWithCaOnly = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: upstream-ca
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
      ca_secret: upstream-ca
spec:
  ports: [{port: 443}]
`;

ruleTester("ca-secret-in-ca-crt", [
  { name: "clean: CA under tls.crt", files: { "context.yaml": context("upstream-ca"), "ca.yaml": caInTlsCrt }, expect: [] },
  { name: "clean: CA under tls.crt and ca.crt", files: { "context.yaml": context("upstream-ca"), "ca.yaml": caInBoth }, expect: [] },
  {
    // passes here: used as a client certificate, a ca.crt-only Secret is secret-missing-certificate's finding
    name: "clean: only ca_secret references are this rule's",
    files: { "context.yaml": clientWithCaOnly, "ca.yaml": caOnly("edge") },
    expect: [],
  },
  {
    name: "CA only under ca.crt: on the ca.crt key",
    files: { "context.yaml": context("upstream-ca"), "ca.yaml": caOnly("edge") },
    expect: [
      {
        file: "ca.yaml",
        line: 9,
        column: 3,
        severity: "error",
        resource: "Secret/edge/upstream-ca",
        data: { referrer: "TLSContext upstream", field: "ca_secret", secret: "edge/upstream-ca", type: "Opaque" },
      },
    ],
  },
  {
    // fails: "upstream-ca.pki" reaches Secret upstream-ca in namespace pki, which has ca.crt only
    name: "dotted ca_secret reaching another namespace",
    files: { "context.yaml": context("upstream-ca.pki"), "ca.yaml": caOnly("pki") },
    expect: [{ file: "ca.yaml", line: 9, severity: "error", resource: "Secret/pki/upstream-ca", data: { secret: "pki/upstream-ca" } }],
  },
  {
    name: "annotation TLSContext: the finding is on the Secret's ca.crt",
    files: { "ca.yaml": caOnly("edge"), "svc.yaml": annotation, "client.yaml": clientSecret },
    expect: [{ file: "ca.yaml", line: 9, column: 3, severity: "error", data: { referrer: "TLSContext backend-upstream" } }],
  },
]);
