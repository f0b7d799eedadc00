import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating, unusedContext } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("cert-missing-client-auth", [
  {
    name: "clean: clientAuth, and a certificate without any extendedKeyUsage",
    files: {
      "s.yaml": docs(clientSecret("client", "ec-p256.crt", "ec-p256.key"), clientSecret("v1", "v1-root.crt", "ec-p256.key")),
      "c.yaml": docs(ctx, originating({ secret: "v1" }, "b")),
    },
    expect: [],
  },
  {
    name: "clean: serverAuth only on a Host and on a context no Mapping uses",
    files: { "s.yaml": clientSecret("server", "eku-server-only.crt", "ec-p256.key"), "c.yaml": docs(host("h", "server.example.com", "server"), unusedContext({ secret: "server" })) },
    expect: [],
  },
  {
    name: "serverAuth only on an origination context's client certificate",
    files: { "s.yaml": clientSecret("client", "eku-server-only.crt", "ec-p256.key"), "c.yaml": docs(ctx, originating({ secret: "client" }, "again")) },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/client", data: { eku: "serverAuth", contexts: "again, upstream", anyOnly: false } }],
  },
  {
    name: "anyExtendedKeyUsage only: a warning",
    files: { "s.yaml": clientSecret("client", "eku-any-only.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "warning", data: { eku: "anyExtendedKeyUsage", anyOnly: true } }],
  },
  {
    name: "a Mapping without a scheme that names the context in tls:",
    files: {
      "s.yaml": clientSecret("client", "eku-server-only.crt", "ec-p256.key"),
      "c.yaml": unusedContext({ secret: "client" }, "upstream") + "---\napiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: m, namespace: default}\nspec: {prefix: /m/, service: backend, tls: upstream}\n",
    },
    expect: [{ line: 8, severity: "error" }],
  },
]);
