import { ruleTester } from "../helpers/rule-tester.js";

const context = `
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: upstream-context, namespace: default}
spec:
  hosts: []
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

const mapping = (service: string, tls: string) => `
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: upstream-mapping, namespace: default}
spec:
  prefix: /upstream/
  service: ${service}
  tls: ${tls}
`;

ruleTester("mapping-tls-context-not-found", [
  {
    name: "clean: the named context exists and is usable",
    files: { "mapping.yaml": mapping("upstream-service", "upstream-context"), "context.yaml": context },
    expect: [],
  },
  {
    name: "typo, no scheme: cleartext to port 80, with a suggestion",
    files: { "mapping.yaml": mapping("upstream-service", "upstream-contxt"), "context.yaml": context },
    expect: [{ line: 8, severity: "error", resource: "Mapping/default/upstream-mapping", data: { fallback: "plaintext", port: 80, suggestion: "upstream-context" } }],
  },
  {
    name: "typo with https://: TLS with the null context",
    files: { "mapping.yaml": mapping("https://upstream-service", "nope"), "context.yaml": context },
    expect: [{ line: 8, severity: "error", data: { fallback: "null-context", suggestion: null } }],
  },
  {
    name: "the context exists but its Secret does not: unusable",
    files: { "mapping.yaml": mapping("upstream-service", "upstream-context"), "context.yaml": context.split("---")[0] ?? "" },
    expect: [{ line: 8, severity: "error", data: { fallback: "plaintext", reason: "Secret default/upstream-certs does not exist" } }],
  },
]);
