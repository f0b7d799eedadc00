import { ruleTester } from "../helpers/rule-tester.js";

/** A v3alpha1 TLSContext in namespace edge with `crl_secret:` on line 10. */
const context = (crlSecret: string) => `# the context under test: crl_secret: is on line 10
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
  ca_secret: upstream-ca
  crl_secret: ${crlSecret}
`;

const secrets = `---
apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: edge}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
---
apiVersion: v1
kind: Secret
metadata: {name: upstream-ca, namespace: edge}
type: Opaque
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
`;

/** A Secret named upstream-crl in `namespace` holding `key` only. */
const crlSecret = (namespace: string, key: string) => `---
apiVersion: v1
kind: Secret
metadata: {name: upstream-crl, namespace: ${namespace}}
type: Opaque
stringData:
  ${key}: "-----BEGIN X509 CRL-----\\nMIIB\\n-----END X509 CRL-----\\n"
`;

const noCrl = `# passes: no crl_secret at all
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream
  namespace: edge
spec:
  secret: client-certs
  ca_secret: upstream-ca
`;

const annotation = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: edge
  annotations:
    getambassador.io/config: |
      ---
      # fails: crl_secret (line 14) names a Secret that does not exist
      apiVersion: getambassador.io/v3alpha1
      kind: TLSContext
      name: backend-upstream
      secret: client-certs
      crl_secret: backend-crl
spec:
  ports: [{port: 443}]
`;

ruleTester("tls-context-crl-secret-not-found", [
  { name: "clean: no crl_secret", files: { "context.yaml": noCrl + secrets }, expect: [] },
  {
    name: "clean: the CRL Secret carries crl.pem",
    files: { "context.yaml": context("upstream-crl") + secrets + crlSecret("edge", "crl.pem") },
    expect: [],
  },
  {
    // passes: "upstream-crl.pki" is split into Secret upstream-crl in namespace pki
    name: "clean: a dotted crl_secret reaches another namespace",
    files: { "context.yaml": context("upstream-crl.pki") + secrets + crlSecret("pki", "crl.pem") },
    expect: [],
  },
  {
    name: "clean: listed in the policy's externalSecrets",
    files: { "context.yaml": context("partner-crl") + secrets },
    policy: "externalSecrets: [edge/partner-crl]\n",
    expect: [],
  },
  {
    // fails: no such Secret; the finding belongs to the TLSContext
    name: "the CRL Secret does not exist",
    files: { "context.yaml": context("upstream-crl") + secrets },
    expect: [
      {
        line: 10,
        column: 3,
        severity: "error",
        resource: "TLSContext/edge/upstream",
        data: { referrer: "TLSContext upstream", field: "crl_secret", secret: "edge/upstream-crl", type: null },
      },
    ],
  },
  {
    // fails: the Secret keeps its CRL under ca.crt, not crl.pem (Emissary does not save a Secret with neither
    // tls.crt nor crl.pem); the finding belongs to the Secret
    name: "the CRL Secret has no crl.pem",
    files: { "context.yaml": context("upstream-crl") + secrets + crlSecret("edge", "ca.crt") },
    expect: [{ line: 10, column: 3, severity: "error", resource: "Secret/edge/upstream-crl", data: { secret: "edge/upstream-crl", type: "Opaque" } }],
  },
  {
    name: "the CRL Secret is in another namespace",
    files: { "context.yaml": context("upstream-crl") + secrets + crlSecret("pki", "crl.pem") },
    expect: [{ line: 10, severity: "error", resource: "TLSContext/edge/upstream", data: { secret: "edge/upstream-crl" } }],
  },
  {
    name: "v3alpha1 document inside an annotation: on the annotation's line",
    files: { "svc.yaml": annotation, "secrets.yaml": secrets },
    expect: [
      {
        line: 14,
        column: 7,
        severity: "error",
        resource: "TLSContext/edge/backend-upstream",
        data: { referrer: "TLSContext backend-upstream", secret: "edge/backend-crl" },
      },
    ],
  },
]);
