import { ruleTester } from "../helpers/rule-tester.js";

/** A plaintext Host `name` in `namespace`, its name on line 4. */
const host = (name: string, namespace: string, labels = "{}") => `# a Host
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: ${name}, namespace: ${namespace}, labels: ${labels}}
spec:
  hostname: ${name}.example.com
`;

const listener = (binding: string, namespace = "ambassador") => `apiVersion: getambassador.io/v3alpha1
kind: Listener
metadata: {name: http, namespace: ${namespace}}
spec:
  port: 8080
  protocol: HTTP
  securityModel: XFP
  hostBinding: ${binding}
`;

ruleTester("host-not-bound", [
  {
    name: "clean: no Listener in the analysed files (the binding question does not arise)",
    files: { "host.yaml": host("api", "apps") },
    expect: [],
  },
  {
    name: "clean: namespace.from ALL binds Hosts of every namespace",
    files: { "host.yaml": host("api", "apps"), "listener.yaml": listener("{namespace: {from: ALL}}") },
    expect: [],
  },
  {
    name: "clean: a selector the Host's labels satisfy",
    files: {
      "host.yaml": host("api", "ambassador", "{edge: public}"),
      "listener.yaml": listener("{selector: {matchLabels: {edge: public}}}"),
    },
    expect: [],
  },
  {
    name: "from SELF binds only the Listener's namespace",
    files: { "host.yaml": host("api", "apps"), "listener.yaml": listener("{namespace: {from: SELF}}") },
    expect: [
      {
        line: 4,
        severity: "warning",
        resource: "Host/apps/api",
        data: { host: "apps/api", hostname: "api.example.com" },
      },
    ],
  },
  {
    name: "from SELECTOR is not supported by Emissary and acts as SELF",
    files: { "host.yaml": host("api", "apps"), "listener.yaml": listener("{namespace: {from: SELECTOR}}") },
    expect: [{ line: 4, severity: "warning" }],
  },
  {
    name: "the Host lacks a label the selector asks for",
    files: {
      "host.yaml": host("api", "ambassador", "{edge: internal}"),
      "listener.yaml": listener("{namespace: {from: ALL}, selector: {matchLabels: {edge: public}}}"),
    },
    expect: [{ line: 4, severity: "warning" }],
  },
]);
