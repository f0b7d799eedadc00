import { ruleTester } from "../helpers/rule-tester.js";

const terminating = `
# A TLSContext that terminates TLS for a hostname (the Emissary 1.x way).
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: site, namespace: default}
spec:
  hosts: [site.example.com]
  secret: site-cert
`;

const host = `
apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: site, namespace: default}
spec:
  hostname: site.example.com
  tlsSecret: {name: site-cert}
`;

const tlsModule = `
# The TLS Module's server block: also termination, also ignored without a Host.
apiVersion: getambassador.io/v2
kind: Module
metadata: {name: tls, namespace: default}
spec:
  config:
    server:
      secret: site-cert
`;

ruleTester("legacy-termination-ignored", [
  { name: "clean: a Host exists, so the context is used", files: { "site.yaml": terminating + "---" + host }, expect: [] },
  { name: "clean: an origination-only context (hosts: [])", files: { "ctx.yaml": terminating.replace("[site.example.com]", "[]") }, expect: [] },
  {
    name: "TLSContext with hosts and no Host at all: ignored, fallback certificate served",
    files: { "site.yaml": terminating },
    expect: [{ line: 5, severity: "error", resource: "TLSContext/default/site", data: { hostnames: "site.example.com" } }],
  },
  {
    // fails: the Emissary 1.x layout: the TLS Module with a server block in the ambassador Service's annotation
    name: "TLS Module server block in an annotation, no Host: the Host that would fix it is in the message",
    files: {
      "ambassador-service.yml": `apiVersion: v1
kind: Service
metadata:
  name: ambassador
  namespace: ambassador
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Module
      name: tls
      config:
        server:
          enabled: true
          secret: ambassador-certs
spec:
  ports: [{port: 443}]
`,
    },
    expect: [
      {
        line: 13,
        column: 9,
        severity: "error",
        resource: "Module/ambassador/tls",
        data: { what: "The TLS Module's server block", hostnames: "*", firstHostname: "*", secret: "ambassador-certs" },
      },
    ],
  },
  {
    name: "TLS Module server block and no Host",
    files: { "module.yaml": tlsModule },
    expect: [{ line: 8, severity: "error", resource: "Module/default/tls" }],
  },
]);
