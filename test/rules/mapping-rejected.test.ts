import { ruleTester } from "../helpers/rule-tester.js";

/** A Mapping in default; `extra` lines go after service (line 7). */
const mapping = (comment: string, service: string, extra = "") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: default}
spec:
  prefix: /api/
  service: ${service}
${extra}`;

const consulResolver = `apiVersion: getambassador.io/v3alpha1
kind: ConsulResolver
metadata: {name: consul-dc2, namespace: default}
spec:
  address: consul-server.consul:8500
  datacenter: dc2
`;

ruleTester("mapping-rejected", [
  {
    name: "clean: a plain Mapping with the default service resolver",
    files: { "mapping.yaml": mapping("the default resolver and a well-formed service", "https://api:8443") },
    expect: [],
  },
  {
    name: "clean: load_balancer with the endpoint resolver is allowed",
    files: { "mapping.yaml": mapping("kubernetes-endpoint resolves endpoints, so a load_balancer is fine", "api", "  resolver: kubernetes-endpoint\n  load_balancer: {policy: least_request}\n") },
    expect: [],
  },
  {
    name: "clean: a Consul resolver with an undotted service",
    files: { "mapping.yaml": mapping("Consul service names have no dots", "api-sidecar-proxy", "  resolver: consul-dc2\n"), "resolver.yaml": consulResolver },
    expect: [],
  },
  {
    name: "load_balancer with the Kubernetes service resolver (the default)",
    files: { "mapping.yaml": mapping("fails: No load_balancer setting is allowed with the KubernetesServiceResolver", "api", "  load_balancer:\n    policy: round_robin\n") },
    expect: [
      {
        line: 8,
        column: 3,
        severity: "error",
        resource: "Mapping/default/api",
        data: { mapping: "default/api", detail: null },
      },
    ],
  },
  {
    name: "load_balancer with the service resolver named explicitly",
    files: { "mapping.yaml": mapping("fails: kubernetes-service is the service resolver", "api", "  resolver: kubernetes-service\n  load_balancer: {policy: ring_hash, header: x-user}\n") },
    expect: [{ line: 9, severity: "error" }],
  },
  {
    name: "a Consul resolver with a dotted service",
    files: { "mapping.yaml": mapping("fails: The Consul resolver does not allow dots in service names", "api.default", "  resolver: consul-dc2\n"), "resolver.yaml": consulResolver },
    expect: [{ line: 7, column: 3, severity: "error", data: { why: "a Consul resolver does not allow dots in service", detail: null } }],
  },
  {
    name: "a resolver that is defined nowhere",
    files: { "mapping.yaml": mapping("fails: resolver consul-dc3 is unknown", "api", "  resolver: consul-dc3\n"), "resolver.yaml": consulResolver },
    expect: [{ line: 8, column: 3, severity: "error", data: { why: "its resolver is not defined", detail: "resolver consul-dc3" } }],
  },
  {
    name: "a service whose port is not a number",
    files: { "mapping.yaml": mapping("fails: found invalid port for service", "api:http") },
    expect: [{ line: 7, severity: "error", data: { why: "its service cannot be parsed", detail: 'port "http" is not a number from 0 to 65535' } }],
  },
  {
    name: "a service with no host",
    files: { "mapping.yaml": mapping("fails: service has no hostname", "https://:8443") },
    expect: [{ line: 7, severity: "error", data: { detail: "it names no host" } }],
  },
  {
    name: "a TCPMapping is rejected the same way",
    files: {
      "tcp.yaml": `# fails: a TCPMapping with a dotted service and a Consul resolver
apiVersion: getambassador.io/v3alpha1
kind: TCPMapping
metadata: {name: db, namespace: default}
spec:
  port: 5432
  service: db.default:5432
  resolver: consul-dc2
`,
      "resolver.yaml": consulResolver,
    },
    expect: [{ line: 7, severity: "error", resource: "TCPMapping/default/db" }],
  },
]);
