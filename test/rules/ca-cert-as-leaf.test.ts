import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, host, originating } from "../helpers/cert-fixtures.js";

ruleTester("ca-cert-as-leaf", [
  {
    name: "clean: cA=FALSE leaves; a CA in a ca_secret is expected",
    files: { "s.yaml": docs(clientSecret("client", "chain-good.crt", "ec-p256.key"), caSecret("ca", "root-ca.crt", "leaf-ca-true.crt")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [],
  },
  {
    name: "a client certificate with cA=TRUE",
    files: { "s.yaml": clientSecret("client", "leaf-ca-true.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { usedAs: "client certificate", subject: "O=mtls-gate fixtures, CN=leaf-ca.example.com" } }],
  },
  {
    name: "a Host certificate with cA=TRUE",
    files: { "s.yaml": clientSecret("server", "leaf-ca-true.crt", "ec-p256.key"), "h.yaml": host("h", "leaf-ca.example.com", "server") },
    expect: [{ line: 8, severity: "warning", data: { usedAs: "Host certificate" } }],
  },
]);
