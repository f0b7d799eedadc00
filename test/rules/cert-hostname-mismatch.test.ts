import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host } from "../helpers/cert-fixtures.js";

ruleTester("cert-hostname-mismatch", [
  {
    name: "clean: exact, wildcard and IP SANs; a Host for * is not checked",
    files: {
      "s.yaml": clientSecret("server", "rsa2048.crt", "rsa2048.key"),
      "h.yaml": docs(host("a", "client.example.com", "server"), host("b", "api.clients.example.com", "server"), host("c", "10.0.0.7", "server"), host("d", "*", "server")),
    },
    expect: [],
  },
  {
    name: "clean: a certificate without SANs is cert-no-san instead",
    files: { "s.yaml": clientSecret("server", "no-san.crt", "ec-p256.key"), "h.yaml": host("a", "no-san.example.com", "server") },
    expect: [],
  },
  {
    name: "a hostname the SANs do not cover; the wildcard matches one label only",
    files: {
      "s.yaml": clientSecret("server", "rsa2048.crt", "rsa2048.key"),
      "h.yaml": docs(host("a", "api.example.com", "server"), host("b", "a.b.clients.example.com", "server")),
    },
    expect: [
      { line: 8, severity: "error", resource: "Secret/default/server", data: { host: "default/a", hostname: "api.example.com", sans: "client.example.com, *.clients.example.com, 10.0.0.7" } },
      { line: 8, severity: "error", data: { host: "default/b", hostname: "a.b.clients.example.com" } },
    ],
  },
]);
