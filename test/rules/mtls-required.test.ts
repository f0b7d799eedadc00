import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

/** `client-ctx` in `namespace`, presenting the client certificate `client-cert`. */
const contexts = (namespace: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: client-ctx, namespace: ${namespace}}
spec:
  secret: client-cert
---
apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: ${namespace}}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`;

/** A Mapping; `tls` null leaves the field out. service on line 7, tls on line 8. */
const mapping = (comment: string, namespace: string, service: string, tls: string | null, prefix = "/billing/", extra = "") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: billing, namespace: ${namespace}}
spec:
  prefix: ${prefix}
  service: ${service}
${tls === null ? "" : `  tls: ${tls}\n`}${extra}`;

const byNamespace = "require: {mtls: {namespaces: [payments]}}";

ruleTester("mtls-required", [
  {
    name: "clean: the required route presents a client certificate",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("mTLS to payments, as required", "payments", "billing", "client-ctx"), "contexts.yaml": contexts("payments") },
    expect: [],
  },
  {
    name: "clean: without a requirement a plaintext route is not this rule's business",
    files: { "mapping.yaml": mapping("no require.mtls in the policy", "payments", "billing", null), "contexts.yaml": contexts("payments") },
    expect: [],
  },
  {
    name: "clean: namespaces select the upstream's namespace, not the Mapping's",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("the Mapping lives in payments but sends to edge: not selected", "payments", "reports.edge", null), "contexts.yaml": contexts("payments") },
    expect: [],
  },
  {
    name: "plaintext to a required namespace (a bare service is qualified with the Mapping's namespace)",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("fails: billing -> billing.payments, plaintext", "payments", "billing", null), "contexts.yaml": contexts("payments") },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "error",
        resource: "Mapping/payments/billing",
        data: { mapping: "payments/billing", mode: "plaintext", selector: "namespace payments" },
      },
    ],
  },
  {
    name: "https:// without tls: is TLS without a client certificate",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("fails: encrypted, but no client certificate", "payments", "https://billing", null), "contexts.yaml": contexts("payments") },
    expect: [{ line: 7, severity: "error", data: { mode: "tls" } }],
  },
  {
    name: "a Mapping in another namespace sending to billing.payments is selected (the traffic goes to payments)",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("fails: edge -> billing.payments in plaintext", "edge", "billing.payments", null), "contexts.yaml": contexts("edge") },
    expect: [{ line: 7, severity: "error", resource: "Mapping/edge/billing", data: { mode: "plaintext", selector: "namespace payments" } }],
  },
  {
    name: "a typo in tls: without a scheme is plaintext (on the tls line)",
    policy: byNamespace,
    files: { "mapping.yaml": mapping("fails: client-cxt does not exist, so the route is cleartext to port 80", "payments", "billing", "client-cxt"), "contexts.yaml": contexts("payments") },
    expect: [{ line: 8, severity: "error", data: { mode: "plaintext" } }],
  },
  {
    name: "a rejected Mapping under a requirement: no route at all",
    policy: byNamespace,
    files: {
      "mapping.yaml": mapping("fails: load_balancer with the service resolver, Emissary rejects the Mapping", "payments", "billing", "client-ctx", "/billing/", "  load_balancer: {policy: round_robin}\n"),
      "contexts.yaml": contexts("payments"),
    },
    expect: [{ line: 8, severity: "error", data: { mode: "rejected" } }],
  },
  {
    name: "selected by prefix with a trailing *",
    policy: "require: {mtls: {prefixes: [/pay/*]}}",
    files: { "mapping.yaml": mapping("fails: /pay/billing/ matches /pay/*", "edge", "https://billing", null, "/pay/billing/"), "contexts.yaml": contexts("edge") },
    expect: [{ line: 7, severity: "error", data: { mode: "tls", selector: "prefix /pay/*" } }],
  },
  {
    name: "clean: an exact prefix does not match a longer one",
    policy: "require: {mtls: {prefixes: [/pay/]}}",
    files: { "mapping.yaml": mapping("/pay/billing/ is not /pay/", "edge", "https://billing", null, "/pay/billing/"), "contexts.yaml": contexts("edge") },
    expect: [],
  },
  {
    name: "selected by service, as name.namespace",
    policy: "require: {mtls: {services: [billing.payments]}}",
    files: { "mapping.yaml": mapping("fails: the upstream is billing.payments", "payments", "billing:8080", null), "contexts.yaml": contexts("payments") },
    expect: [{ line: 7, severity: "error", data: { mode: "plaintext", selector: "service billing.payments" } }],
  },
]);
