import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, host, originating } from "../helpers/cert-fixtures.js";

ruleTester("cert-expired", [
  {
    name: "clean: a certificate valid until 2049",
    files: { "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [],
  },
  {
    name: "an expired client certificate",
    files: { "s.yaml": clientSecret("client", "expired.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [
      {
        line: 8,
        severity: "error",
        resource: "Secret/default/client",
        data: { key: "tls.crt", certIndex: 0, notAfter: "2021-01-01", days: 1977, subject: "O=mtls-gate fixtures, CN=expired.example.com" },
      },
    ],
  },
  {
    name: "an expired certificate behind the leaf of a CA bundle, and on a Host; one finding per Secret value",
    files: {
      "s.yaml": docs(caSecret("ca", "root-ca.crt", "expired.crt"), clientSecret("server", "expired.crt", "ec-p256.key")),
      "c.yaml": docs(originating({ secret: "client", ca_secret: "ca" }), originating({ secret: "client", ca_secret: "ca" }, "other"), host("h", "client.example.com", "server"), clientSecret("client", "ec-p256.crt", "ec-p256.key")),
    },
    expect: [
      { line: 8, severity: "error", resource: "Secret/default/ca", data: { certIndex: 1 } },
      { line: 17, severity: "error", resource: "Secret/default/server", data: { certIndex: 0 } },
    ],
  },
  {
    name: "clean at a time before the expiry",
    now: new Date("2020-06-01T00:00:00Z"),
    files: { "s.yaml": clientSecret("client", "expired.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [],
  },
]);
