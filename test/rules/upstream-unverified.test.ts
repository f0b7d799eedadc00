import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

/** Contexts in namespace payments: `verified` (client cert + CA) and `client-only` (client cert, no CA). */
const contexts = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: verified, namespace: payments}
spec:
  secret: client-cert
  ca_secret: upstream-ca
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: client-only, namespace: payments}
spec:
  secret: client-cert
---
apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: payments}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
---
apiVersion: v1
kind: Secret
metadata: {name: upstream-ca, namespace: payments}
type: Opaque
stringData: {tls.crt: ${PEM_CERT}}
`;

/** A Mapping in payments; `tls` null leaves the field out. service on line 7, tls on line 8. */
const mapping = (comment: string, service: string, tls: string | null, extra = "") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: billing, namespace: payments}
spec:
  prefix: /billing/
  service: ${service}
${tls === null ? "" : `  tls: ${tls}\n`}${extra}`;

ruleTester("upstream-unverified", [
  {
    name: "clean: the context has a ca_secret that resolves: the upstream is verified",
    files: { "mapping.yaml": mapping("verified: client cert and CA", "https://billing:8443", "verified"), "contexts.yaml": contexts },
    expect: [],
  },
  {
    name: "clean: a plaintext route originates no TLS, so there is nothing to verify",
    files: { "mapping.yaml": mapping("plaintext: another rule's business", "billing", null), "contexts.yaml": contexts },
    expect: [],
  },
  {
    name: "clean: a rejected Mapping has no route at all",
    files: { "mapping.yaml": mapping("rejected (load_balancer with the service resolver): no route to verify", "https://billing", null, "  load_balancer: {policy: round_robin}\n"), "contexts.yaml": contexts },
    expect: [],
  },
  {
    name: "https:// without tls: the null context verifies nothing (notice on service)",
    files: { "mapping.yaml": mapping("fails: encrypted but unauthenticated", "https://billing", null), "contexts.yaml": contexts },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "notice",
        resource: "Mapping/payments/billing",
        data: { mapping: "payments/billing", upstream: "billing.payments:443", context: null, required: null },
      },
    ],
  },
  {
    name: "a context with a client certificate but no ca_secret (notice on tls)",
    files: { "mapping.yaml": mapping("fails: mTLS, but the upstream is not verified", "billing:8443", "client-only"), "contexts.yaml": contexts },
    expect: [{ line: 8, severity: "notice", data: { upstream: "billing.payments:8443", context: "client-only", required: null } }],
  },
  {
    name: "a context whose ca_secret does not exist is unusable: https:// falls back to the null context",
    files: {
      "mapping.yaml": mapping("fails: the CA is missing, so the context is refused and nothing is verified", "https://billing", "broken-ca"),
      "contexts.yaml": `${contexts}---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: broken-ca, namespace: payments}
spec:
  secret: client-cert
  ca_secret: no-such-ca
`,
    },
    expect: [{ line: 8, severity: "notice", data: { context: null } }],
  },
  {
    name: "require.verifiedUpstream by namespace makes it an error",
    policy: "require: {verifiedUpstream: {namespaces: [payments]}}",
    files: { "mapping.yaml": mapping("fails: the policy requires a verified upstream in payments", "billing", "client-only"), "contexts.yaml": contexts },
    expect: [{ line: 8, severity: "error", data: { required: "namespace payments" } }],
  },
  {
    name: "require.verifiedUpstream by prefix, with a trailing *",
    policy: "require: {verifiedUpstream: {prefixes: [/bill*]}}",
    files: { "mapping.yaml": mapping("fails: /billing/ matches /bill*", "https://billing", null), "contexts.yaml": contexts },
    expect: [{ line: 7, severity: "error", data: { required: "prefix /bill*" } }],
  },
  {
    name: "a requirement for another namespace leaves the notice a notice",
    policy: "require: {verifiedUpstream: {namespaces: [edge], services: [other]}}",
    files: { "mapping.yaml": mapping("fails as a notice: the policy selects other routes", "https://billing", null), "contexts.yaml": contexts },
    expect: [{ line: 7, severity: "notice", data: { required: null } }],
  },
]);
