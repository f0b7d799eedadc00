import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, originating } from "../helpers/cert-fixtures.js";

const files = (...cas: string[]) => ({
  "s.yaml": docs(caSecret("ca", ...cas), clientSecret("client", "ec-p256.crt", "ec-p256.key")),
  "c.yaml": originating({ secret: "client", ca_secret: "ca" }),
});

ruleTester("ca-not-a-ca", [
  { name: "clean: a root, an intermediate and a version 1 self-signed root", files: files("root-ca.crt", "intermediate-ca.crt", "v1-root.crt"), expect: [] },
  {
    name: "clean: the client certificate is not judged as a CA",
    files: { "s.yaml": docs(clientSecret("client", "ec-p256.crt", "ec-p256.key"), caSecret("ca", "root-ca.crt")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [],
  },
  {
    name: "cA=TRUE with a keyUsage lacking keyCertSign",
    files: files("ca-no-keycertsign.crt"),
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/ca", data: { problem: "no-key-cert-sign", certIndex: 0 } }],
  },
  {
    name: "a leaf (cA=FALSE) pinned in a CA bundle after the root",
    files: files("root-ca.crt", "eku-server-only.crt"),
    expect: [{ line: 8, severity: "warning", data: { problem: "ca-false", certIndex: 1, subject: "O=mtls-gate fixtures, CN=server.example.com" } }],
  },
]);
