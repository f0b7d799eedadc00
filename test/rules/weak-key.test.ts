import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, originating } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("weak-key", [
  {
    name: "clean: EC P-256, P-384, Ed25519 and RSA 4096",
    files: {
      "s.yaml": docs(
        clientSecret("client", "ec-p256.crt", "ec-p256.key"),
        clientSecret("p384", "ec-p384.crt", "ec-p384.key"),
        clientSecret("ed", "ed25519.crt", "ed25519.key"),
        clientSecret("rsa", "rsa4096.crt", "rsa4096.key"),
      ),
      "c.yaml": docs(ctx, originating({ secret: "p384" }, "b"), originating({ secret: "ed" }, "c"), originating({ secret: "rsa" }, "d")),
    },
    expect: [],
  },
  {
    name: "RSA 1024: error on the certificate (the matching key is not reported again)",
    files: { "s.yaml": clientSecret("client", "rsa1024.crt", "rsa1024.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/client", data: { keyType: "RSA", bits: 1024, problem: "too-small", threshold: 2048, certIndex: 0 } }],
  },
  {
    name: "RSA 2048: warning below a preferred 3072 bits, also for a CA",
    policy: "certificates: {preferredRsaBits: 3072}\n",
    files: { "s.yaml": docs(clientSecret("client", "rsa2048.crt", "rsa2048.key"), caSecret("ca", "root-ca.crt")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [
      { line: 8, severity: "warning", resource: "Secret/default/client", data: { bits: 2048, problem: "below-preferred", threshold: 3072 } },
      { line: 18, severity: "warning", resource: "Secret/default/ca" },
    ],
  },
  {
    name: "clean: RSA 2048 with the default preferredRsaBits (2048)",
    files: { "s.yaml": clientSecret("client", "rsa2048.crt", "rsa2048.key"), "c.yaml": ctx },
    expect: [],
  },
  {
    name: "RSA 2048 is an error with minRsaBits 3072",
    policy: "certificates: {minRsaBits: 3072, preferredRsaBits: 4096}\n",
    files: { "s.yaml": clientSecret("client", "rsa2048.crt", "rsa2048.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "error", data: { problem: "too-small", threshold: 3072 } }],
  },
  {
    name: "a DSA key that no certificate carries is judged on its own line",
    files: { "s.yaml": clientSecret("client", "ec-p256.crt", "dsa.key"), "c.yaml": ctx },
    expect: [{ line: 9, severity: "error", data: { key: "tls.key", keyType: "DSA", problem: "dsa", certIndex: null } }],
  },
]);
