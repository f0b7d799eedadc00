import { ruleTester } from "../helpers/rule-tester.js";

const context = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream-context, namespace: default}
spec:
  secret: upstream-certs
---
apiVersion: v1
kind: Secret
metadata: {name: upstream-certs, namespace: default}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

/** A Mapping; `tls` null leaves the field out. */
const mapping = (comment: string, service: string, tls: string | null) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: upstream-mapping, namespace: default}
spec:
  prefix: /upstream/
  service: ${service}
${tls === null ? "" : `  tls: ${tls}\n`}`;

ruleTester("mapping-http-scheme-with-tls", [
  {
    name: "clean: https:// with a usable context says what happens",
    files: { "mapping.yaml": mapping("https:// and tls: agree", "https://upstream-service", "upstream-context"), "context.yaml": context },
    expect: [],
  },
  {
    name: "clean: no scheme with a usable context",
    files: { "mapping.yaml": mapping("no scheme: tls: alone decides, no contradiction", "upstream-service", "upstream-context"), "context.yaml": context },
    expect: [],
  },
  {
    name: "clean: http:// without tls: is plain HTTP, as written",
    files: { "mapping.yaml": mapping("http:// and no tls: plaintext, as the manifest says", "http://upstream-service", null), "context.yaml": context },
    expect: [],
  },
  {
    name: "clean: http:// with an unknown context stays cleartext (that is mapping-tls-context-not-found's finding)",
    files: { "mapping.yaml": mapping("the context does not exist, so no TLS: not this rule", "http://upstream-service", "upstream-contxt"), "context.yaml": context },
    expect: [],
  },
  {
    name: "http:// with a usable context: Emissary originates TLS anyway",
    files: { "mapping.yaml": mapping("fails: the manifest says http:// but the route is TLS", "http://upstream-service", "upstream-context"), "context.yaml": context },
    expect: [
      {
        line: 7,
        column: 3,
        severity: "warning",
        resource: "Mapping/default/upstream-mapping",
        data: { mapping: "default/upstream-mapping", service: "http://upstream-service", context: "upstream-context" },
      },
    ],
  },
  {
    name: "the scheme is case-insensitive: HTTP:// with a port",
    files: { "mapping.yaml": mapping("fails: HTTP:// is http:// for Emissary", "HTTP://upstream-service:8443", "upstream-context"), "context.yaml": context },
    expect: [{ line: 7, severity: "warning", data: { service: "HTTP://upstream-service:8443" } }],
  },
  {
    name: "a TCPMapping follows the same origination rules",
    files: {
      "tcp.yaml": `# fails: a TCPMapping with http:// and a usable context originates TLS too
apiVersion: getambassador.io/v3alpha1
kind: TCPMapping
metadata: {name: db, namespace: default}
spec:
  port: 5432
  service: http://db:5432
  tls: upstream-context
`,
      "context.yaml": context,
    },
    expect: [{ line: 7, severity: "warning", resource: "TCPMapping/default/db" }],
  },
  {
    name: "the policy can turn the rule off",
    policy: "rules: {mapping-http-scheme-with-tls: off}",
    files: { "mapping.yaml": mapping("would fail, but the rule is off", "http://upstream-service", "upstream-context"), "context.yaml": context },
    expect: [],
  },
]);
