import { ruleTester } from "../helpers/rule-tester.js";

/** A Mapping in apps whose `service` is on line 7. */
const mapping = (service: string, extra = "") => `# the service line is 7
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: argocd, namespace: apps}
spec:
  prefix: /argocd/
  service: ${service}
${extra}`;

const service = `apiVersion: v1
kind: Service
metadata: {name: argocd-server, namespace: apps}
spec:
  ports:
    - {name: http, port: 80}
    - {name: https, port: 8443}
`;

ruleTester("plaintext-to-tls-port", [
  {
    name: "clean: https:// to port 443 originates TLS",
    files: { "mapping.yaml": mapping("https://argocd-server:443") },
    expect: [],
  },
  {
    name: "clean: cleartext to a port named http",
    files: { "mapping.yaml": mapping("argocd-server:80"), "service.yaml": service },
    expect: [],
  },
  {
    name: "clean: a redirect Mapping opens no upstream",
    files: { "mapping.yaml": mapping("argocd.example.com:443", "  host_redirect: true\n") },
    expect: [],
  },
  {
    name: "cleartext to port 443 (Emissary sends cleartext: no scheme, no tls)",
    files: { "mapping.yaml": mapping("argocd-server:443") },
    expect: [
      {
        line: 7,
        severity: "warning",
        resource: "Mapping/apps/argocd",
        data: { port: 443, hostPort: "argocd-server:443", portName: null },
      },
    ],
  },
  {
    name: "cleartext to the Service's port named https",
    files: { "mapping.yaml": mapping("argocd-server:8443"), "service.yaml": service },
    expect: [
      { line: 7, severity: "warning", data: { port: 8443, portName: "https", serviceName: "apps/argocd-server" } },
    ],
  },
  {
    name: "an unknown tls: context: Emissary falls back to cleartext, to port 443 here",
    files: { "mapping.yaml": mapping("argocd-server:443", "  tls: missing-context\n") },
    expect: [{ line: 7, severity: "warning" }],
  },
]);
