import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, originating, secretYaml, b64 } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("chain-incomplete", [
  {
    name: "clean: the intermediate in the bundle, the root in a ca_secret",
    files: { "s.yaml": docs(clientSecret("client", "chain-good.crt", "ec-p256.key"), caSecret("ca", "root-ca.crt")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [],
  },
  {
    name: "clean: the issuer is in an unreferenced Secret's ca.crt; a self-signed leaf needs no issuer",
    files: {
      "s.yaml": docs(clientSecret("client", "incomplete-chain.crt", "ec-p256.key"), clientSecret("self", "v1-root.crt", "ec-p256.key"), secretYaml("bundle", { "ca.crt": b64("intermediate-ca.crt") })),
      "c.yaml": docs(ctx, originating({ secret: "self" }, "b")),
    },
    expect: [],
  },
  {
    name: "a leaf issued by an intermediate found nowhere",
    files: { "s.yaml": clientSecret("client", "incomplete-chain.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { issuer: "O=mtls-gate fixtures, CN=Fixture Intermediate CA", subject: "O=mtls-gate fixtures, CN=chained.example.com" } }],
  },
  {
    name: "a leaf issued by a root that is not in the repository",
    files: { "s.yaml": clientSecret("client", "rsa2048.crt", "rsa2048.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "warning", data: { issuer: "O=mtls-gate fixtures, CN=Fixture Root CA" } }],
  },
]);
