import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating } from "../helpers/cert-fixtures.js";

ruleTester("cert-no-san", [
  {
    name: "clean: a Host certificate with DNS SANs; a SAN-less client certificate is not a Host's",
    files: {
      "s.yaml": docs(clientSecret("server", "ec-p256.crt", "ec-p256.key"), clientSecret("client", "no-san.crt", "ec-p256.key")),
      "h.yaml": docs(host("a", "client.example.com", "server"), originating({ secret: "client" })),
    },
    expect: [],
  },
  {
    name: "a Host certificate without a subjectAltName extension",
    files: { "s.yaml": clientSecret("server", "no-san.crt", "ec-p256.key"), "h.yaml": host("a", "no-san.example.com", "server") },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/server", data: { host: "default/a", hostname: "no-san.example.com", noExtension: true } }],
  },
]);
