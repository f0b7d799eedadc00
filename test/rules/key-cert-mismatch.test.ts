import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("key-cert-mismatch", [
  {
    name: "clean: SEC1, PKCS#1 and PKCS#8 keys with their certificates, and a good chain",
    files: {
      "s.yaml": docs(
        clientSecret("client", "ec-p256.crt", "ec-p256.key"),
        clientSecret("rsa", "rsa2048.crt", "rsa2048.key"),
        clientSecret("p384", "ec-p384.crt", "ec-p384.key"),
        clientSecret("chain", "chain-good.crt", "ec-p256.key"),
      ),
      "c.yaml": docs(ctx, originating({ secret: "rsa" }, "b"), originating({ secret: "p384" }, "c"), originating({ secret: "chain" }, "d")),
    },
    expect: [],
  },
  {
    name: "clean: a key that matches a later certificate is chain-misordered instead",
    files: { "s.yaml": clientSecret("client", "chain-wrong-order.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [],
  },
  {
    name: "a certificate with someone else's key",
    files: { "s.yaml": clientSecret("client", "mismatched.crt", "mismatched.key"), "c.yaml": ctx },
    expect: [{ line: 9, severity: "error", resource: "Secret/default/client", data: { key: "tls.key", certKey: "tls.crt", keyType: "EC", subject: "O=mtls-gate fixtures, CN=mismatch.example.com" } }],
  },
  {
    name: "an RSA key with an EC certificate on a Host",
    files: { "s.yaml": clientSecret("server", "ec-p256.crt", "rsa2048.key"), "h.yaml": host("h", "client.example.com", "server") },
    expect: [{ line: 9, severity: "error", resource: "Secret/default/server", data: { keyType: "RSA" } }],
  },
]);
