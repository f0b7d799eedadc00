import { ruleTester } from "../helpers/rule-tester.js";

/** A TLSContext in namespace edge with a client certificate and `ca_secret:` on line 9. */
const context = (caSecret: string) => `# the context under test: ca_secret: is on line 9
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
  ca_secret: ${caSecret}
`;

const clientSecret = `---
apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: edge}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

/** A CA Secret holding `key` only. */
const caSecret = (namespace: string, key: string, type = "Opaque") => `---
apiVersion: v1
kind: Secret
metadata: {name: upstream-ca, namespace: ${namespace}}
type: ${type}
stringData:
  ${key}: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
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
      ca_secret: backend-ca
spec:
  ports: [{port: 443}]
`;

ruleTester("tls-context-ca-secret-not-found", [
  {
    name: "clean: the CA Secret carries tls.crt",
    files: { "context.yaml": context("upstream-ca") + clientSecret + caSecret("edge", "tls.crt") },
    expect: [],
  },
  {
    // passes: "upstream-ca.infra" is split into Secret upstream-ca in namespace infra, which exists
    name: "clean: a dotted ca_secret reaches another namespace",
    files: { "context.yaml": context("upstream-ca.infra") + clientSecret + caSecret("infra", "tls.crt") },
    expect: [],
  },
  {
    name: "clean: listed in the policy's externalSecrets",
    files: { "context.yaml": context("partner-ca") + clientSecret },
    policy: "externalSecrets: [edge/partner-ca]\n",
    expect: [],
  },
  {
    // passes here: a CA under ca.crt only is ca-secret-in-ca-crt's finding
    name: "clean: ca.crt only is reported by another rule",
    files: { "context.yaml": context("upstream-ca") + clientSecret + caSecret("edge", "ca.crt") },
    expect: [],
  },
  {
    // passes here: a Secret of an ignored type is secret-unsupported-type's finding
    name: "clean: an unsupported type is reported by another rule",
    files: { "context.yaml": context("upstream-ca") + clientSecret + caSecret("edge", "tls.crt", "kubernetes.io/basic-auth") },
    expect: [],
  },
  {
    // fails: no such Secret; the finding belongs to the TLSContext
    name: "the CA Secret does not exist",
    files: { "context.yaml": context("upstream-ca") + clientSecret },
    expect: [
      {
        line: 9,
        column: 3,
        severity: "error",
        resource: "TLSContext/edge/upstream",
        data: { referrer: "TLSContext upstream", field: "ca_secret", secret: "edge/upstream-ca", type: null },
      },
    ],
  },
  {
    // fails: the CA is under ca.pem, a key Emissary never reads; the finding belongs to the Secret
    name: "the CA Secret has no tls.crt",
    files: { "context.yaml": context("upstream-ca") + clientSecret + caSecret("edge", "ca.pem") },
    expect: [{ line: 9, column: 3, severity: "error", resource: "Secret/edge/upstream-ca", data: { secret: "edge/upstream-ca", type: "Opaque" } }],
  },
  {
    // fails: the CA Secret lives in infra, but the lookup defaults to the context's namespace (edge)
    name: "the CA Secret is in another namespace",
    files: { "context.yaml": context("upstream-ca") + clientSecret + caSecret("infra", "tls.crt") },
    expect: [{ line: 9, severity: "error", resource: "TLSContext/edge/upstream", data: { secret: "edge/upstream-ca" } }],
  },
  {
    // fails: "root.ca" is split into Secret root in namespace ca
    name: "a dotted ca_secret is split at its last dot",
    files: { "context.yaml": context("root.ca") + clientSecret },
    expect: [{ line: 9, severity: "error", data: { secret: "ca/root" } }],
  },
  {
    // fails: the annotation context (namespace edge, from the Service) names a CA Secret that does not exist (line 13)
    name: "annotation TLSContext: on the annotation's ca_secret line",
    files: { "svc.yaml": annotation, "secret.yaml": clientSecret },
    expect: [
      {
        line: 13,
        column: 7,
        severity: "error",
        resource: "TLSContext/edge/backend-upstream",
        data: { referrer: "TLSContext backend-upstream", secret: "edge/backend-ca" },
      },
    ],
  },
]);
