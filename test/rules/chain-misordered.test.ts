import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("chain-misordered", [
  {
    name: "clean: leaf first, then the intermediate; a plain mismatch is key-cert-mismatch",
    files: {
      "s.yaml": docs(clientSecret("client", "chain-good.crt", "ec-p256.key"), clientSecret("other", "mismatched.crt", "mismatched.key")),
      "c.yaml": docs(ctx, originating({ secret: "other" }, "b")),
    },
    expect: [],
  },
  {
    name: "the intermediate first",
    files: { "s.yaml": clientSecret("client", "chain-wrong-order.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [
      {
        line: 8,
        severity: "error",
        resource: "Secret/default/client",
        data: { key: "tls.crt", privateKey: "tls.key", keyIndex: 1, firstSubject: "O=mtls-gate fixtures, CN=Fixture Intermediate CA", keySubject: "O=mtls-gate fixtures, CN=chained.example.com" },
      },
    ],
  },
  {
    name: "a Host certificate in the wrong order",
    files: { "s.yaml": clientSecret("server", ["intermediate-ca.crt", "ec-p256.crt"], "ec-p256.key"), "h.yaml": host("h", "client.example.com", "server") },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/server" }],
  },
]);
