import { ruleTester } from "../helpers/rule-tester.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const secret = `apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: default}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`;

/** A TLSContext in default whose metadata.name is on line 5; `hosts` adds a hosts: line. */
const context = (comment: string, name: string, hosts?: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: ${name}
  namespace: default
spec:
  secret: client-cert
${hosts === undefined ? "" : `  hosts: ${hosts}\n`}`;

const mapping = (name: string, tls: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: default}
spec:
  prefix: /${name}/
  service: https://${name}
  tls: ${tls}
`;

ruleTester("tls-context-unused", [
  {
    name: "clean: a Mapping uses the context",
    files: { "context.yaml": context("used by api", "upstream"), "mapping.yaml": mapping("api", "upstream"), "secret.yaml": secret },
    expect: [],
  },
  {
    name: "clean: a Host linking the context uses it",
    files: {
      "context.yaml": context("linked by Host api", "api-context", "[api.example.com]"),
      "host.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: default}
spec:
  hostname: api.example.com
  tlsSecret: {name: client-cert}
  tlsContext: {name: api-context}
`,
      "secret.yaml": secret,
    },
    expect: [],
  },
  {
    name: "clean: a TLSContext named <host>-context is the Host's implicit context, even without tlsContext",
    files: {
      "context.yaml": context("Host api picks up api-context by its name", "api-context"),
      "host.yaml": `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: default}
spec:
  hostname: api.example.com
  tlsSecret: {name: client-cert}
`,
      "secret.yaml": secret,
    },
    expect: [],
  },
  {
    name: "clean: a context with hosts: is a (legacy) termination context, not a candidate for Mappings",
    files: { "context.yaml": context("terminates for www.example.com", "www-context", "[www.example.com]"), "secret.yaml": secret },
    expect: [],
  },
  {
    name: "clean: a Mapping using the context by its renamed name.namespace",
    files: {
      "contexts.yaml": `${context("ctx in default keeps the bare name; ctx in other is renamed ctx.other", "ctx")}---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ctx, namespace: other}
spec:
  secret: client-cert
`,
      "mapping.yaml": `${mapping("api", "ctx")}---
${mapping("web", "ctx.other")}`,
      "secret.yaml": `${secret}---
${secret.replace("namespace: default", "namespace: other")}`,
    },
    expect: [],
  },
  {
    name: "nothing uses the context: a notice on its name",
    files: { "context.yaml": context("fails: dead configuration", "upstream"), "secret.yaml": secret },
    expect: [
      {
        line: 5,
        column: 3,
        severity: "notice",
        resource: "TLSContext/default/upstream",
        data: { context: "upstream", suggestion: null },
      },
    ],
  },
  {
    name: "a Mapping names a context that does not exist but is close: the notice points at it",
    files: { "context.yaml": context("fails: unused, and api's tls: upstrem is probably meant for it", "upstream"), "mapping.yaml": mapping("api", "upstrem"), "secret.yaml": secret },
    expect: [{ line: 5, severity: "notice", data: { context: "upstream", suggestion: "default/api" } }],
  },
  {
    name: "the renamed context of a collision is unused when every Mapping writes the bare name",
    files: {
      "contexts.yaml": `${context("ctx in default is used by api", "ctx")}---
# fails: ctx in other is renamed ctx.other and nobody writes that
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: ctx
  namespace: other
spec:
  secret: client-cert
`,
      "mapping.yaml": mapping("api", "ctx"),
      "secret.yaml": `${secret}---
${secret.replace("namespace: default", "namespace: other")}`,
    },
    expect: [{ file: "contexts.yaml", line: 14, severity: "notice", resource: "TLSContext/other/ctx", data: { context: "ctx.other" } }],
  },
  {
    name: "the policy can turn the rule off",
    policy: "rules: {tls-context-unused: off}",
    files: { "context.yaml": context("unused, but the rule is off", "upstream"), "secret.yaml": secret },
    expect: [],
  },
]);
