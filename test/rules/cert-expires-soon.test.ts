import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, originating } from "../helpers/cert-fixtures.js";

const files = { "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) };

ruleTester("cert-expires-soon", [
  { name: "clean: years left", files, expect: [] },
  {
    name: "16 days before 2049-12-31",
    now: new Date("2049-12-15T00:00:00Z"),
    files,
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { notAfter: "2049-12-31", days: 16, threshold: 30 } }],
  },
  {
    name: "clean: 16 days left with expiryWarningDays 10",
    now: new Date("2049-12-15T00:00:00Z"),
    policy: "certificates: {expiryWarningDays: 10}\n",
    files,
    expect: [],
  },
  {
    name: "clean: an expired certificate is cert-expired, not this",
    files: { "s.yaml": clientSecret("client", "expired.crt", "ec-p256.key"), "c.yaml": originating({ secret: "client" }) },
    expect: [],
  },
]);
