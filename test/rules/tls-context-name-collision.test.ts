import { ruleTester } from "../helpers/rule-tester.js";

/** A TLSContext `name` in `namespace` presenting the Secret `client-cert` of its own namespace. */
const context = (name: string, namespace: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  secret: client-cert
`;

const secret = (namespace: string) => `apiVersion: v1
kind: Secret
metadata: {name: client-cert, namespace: ${namespace}}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const secrets = ["a", "b", "c", "dev", "prod"].map(secret).join("---\n");

const mapping = (name: string, namespace: string, tls: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  prefix: /${name}/
  service: https://backend
  tls: ${tls}
`;

ruleTester("tls-context-name-collision", [
  {
    name: "clean: one context per name, Mappings use their own namespace's context",
    files: {
      "contexts.yaml": `# distinct names: nothing is renamed
${context("ctx-a", "a")}---
${context("ctx-b", "b")}`,
      "mappings.yaml": `${mapping("web", "b", "ctx-b")}`,
      "secrets.yaml": secrets,
    },
    expect: [],
  },
  {
    name: "clean: the same name twice in one namespace is a duplicate, not a cross-namespace collision",
    files: {
      "contexts.yaml": `# same name and namespace: duplicate-resource's business, nothing is renamed
${context("ctx", "a")}---
${context("ctx", "a")}`,
      "secrets.yaml": secrets,
    },
    expect: [],
  },
  {
    name: "ctx in a and b: ctx.a < ctx.b, so b's context is renamed ctx.b and b's Mapping writing tls: ctx gets a's",
    files: {
      "contexts.yaml": `# fails: two namespaces define ctx; a keeps the bare name
${context("ctx", "a")}---
${context("ctx", "b")}`,
      "mappings.yaml": `# fails: this Mapping in b means its own ctx but gets namespace a's
${mapping("web", "b", "ctx")}`,
      "secrets.yaml": secrets,
    },
    expect: [
      {
        line: 13,
        column: 3,
        severity: "warning",
        resource: "TLSContext/b/ctx",
        data: { name: "ctx", namespace: "b", registered: "ctx.b", winnerNamespace: "a", victims: "web" },
      },
    ],
  },
  {
    name: "a Mapping in b that writes tls: ctx.b reaches its own context: still reported, without victims",
    files: {
      "contexts.yaml": `# fails: the collision itself is worth a warning even when nobody is misrouted yet
${context("ctx", "a")}---
${context("ctx", "b")}`,
      "mappings.yaml": `# the renamed context, reached explicitly; a Mapping in a using ctx is no victim either
${mapping("web", "b", "ctx.b")}---
${mapping("api", "a", "ctx")}`,
      "secrets.yaml": secrets,
    },
    expect: [{ line: 13, severity: "warning", data: { registered: "ctx.b", winnerNamespace: "a", victims: null } }],
  },
  {
    name: "the winner is chosen by name.namespace order, not file order: dev beats prod",
    files: {
      "contexts.yaml": `# fails: prod comes first in the file, but ctx.dev < ctx.prod, so prod's context is renamed
${context("ctx", "prod")}---
${context("ctx", "dev")}`,
      "mappings.yaml": `# fails: both prod Mappings asking for ctx are sent to dev's context
${mapping("checkout", "prod", "ctx")}---
${mapping("cart", "prod", "ctx")}`,
      "secrets.yaml": secrets,
    },
    expect: [{ line: 5, severity: "warning", resource: "TLSContext/prod/ctx", data: { registered: "ctx.prod", winnerNamespace: "dev", victims: "cart, checkout" } }],
  },
  {
    name: "three namespaces: every loser is reported, each with its own victims",
    files: {
      "contexts.yaml": `# fails twice: b and c lose the bare name to a
${context("ctx", "c")}---
${context("ctx", "b")}---
${context("ctx", "a")}`,
      "mappings.yaml": `${mapping("web", "c", "ctx")}`,
      "secrets.yaml": secrets,
    },
    expect: [
      { line: 5, severity: "warning", resource: "TLSContext/c/ctx", data: { registered: "ctx.c", victims: "web" } },
      { line: 13, severity: "warning", resource: "TLSContext/b/ctx", data: { registered: "ctx.b", victims: null } },
    ],
  },
  {
    name: "the policy can raise the rule to an error",
    policy: "rules: {tls-context-name-collision: error}",
    files: {
      "contexts.yaml": `# fails, as an error by policy
${context("ctx", "a")}---
${context("ctx", "b")}`,
      "secrets.yaml": secrets,
    },
    expect: [{ line: 13, severity: "error" }],
  },
]);
