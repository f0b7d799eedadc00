import { ruleTester } from "../helpers/rule-tester.js";

const host = (namespace: string) => `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: ${namespace}}
spec:
  hostname: api.example.com
`;

/** A Listener in ambassador, its name on line 4. */
const listener = (binding: string, protocol = "HTTP", port = 8080) => `# a Listener
apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: edge, namespace: ambassador}
spec:
  port: ${port}
  protocol: ${protocol}
  securityModel: XFP
  hostBinding: ${binding}
`;

ruleTester("listener-binds-nothing", [
  {
    name: "clean: it binds the Host of its namespace",
    files: { "listener.yaml": listener("{namespace: {from: SELF}}"), "host.yaml": host("ambassador") },
    expect: [],
  },
  {
    name: "clean: no Host at all: Emissary's fallback Host lives in its own namespace (default here)",
    files: { "listener.yaml": listener("{namespace: {from: ALL}}") },
    expect: [],
  },
  {
    name: "clean: a TCP Listener used by a TCPMapping on its port",
    files: {
      "listener.yaml": listener("{namespace: {from: ALL}}", "TCP", 6379),
      "tcp.yaml": `apiVersion: getambassador.io/v3alpha1
kind: TCPMapping
metadata: {name: redis, namespace: ambassador}
spec: {port: 6379, service: redis:6379}
`,
    },
    expect: [],
  },
  {
    name: "from SELF in ambassador, the only Host in apps",
    files: { "listener.yaml": listener("{namespace: {from: SELF}}"), "host.yaml": host("apps") },
    expect: [
      {
        line: 4,
        severity: "warning",
        resource: "Listener/ambassador/edge",
        data: { listener: "ambassador/edge", port: 8080 },
      },
    ],
  },
  {
    name: "a hostBinding with neither namespace nor selector: Emissary refuses the Listener",
    files: { "listener.yaml": listener("{}"), "host.yaml": host("ambassador") },
    expect: [{ line: 4, severity: "warning" }],
  },
]);
