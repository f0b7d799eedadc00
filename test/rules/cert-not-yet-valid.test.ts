import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, originating } from "../helpers/cert-fixtures.js";

ruleTester("cert-not-yet-valid", [
  {
    name: "clean: a certificate valid since 2025",
    files: { "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [],
  },
  {
    name: "a client certificate valid from 2040",
    files: { "s.yaml": clientSecret("client", "not-yet-valid.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/client", data: { key: "tls.crt", notBefore: "2040-01-01", days: 4962 } }],
  },
  {
    name: "in a CA bundle, after a good root",
    files: { "s.yaml": docs(caSecret("ca", "root-ca.crt", "not-yet-valid.crt"), clientSecret("client", "ec-p256.crt", "ec-p256.key")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/ca", data: { certIndex: 1 } }],
  },
  {
    name: "clean once the date has come",
    now: new Date("2041-01-01T00:00:00Z"),
    files: { "s.yaml": clientSecret("client", "not-yet-valid.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [],
  },
]);
