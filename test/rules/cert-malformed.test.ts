import { ruleTester } from "../helpers/rule-tester.js";
import { b64, clientSecret, fixture, originating, secretYaml } from "../helpers/cert-fixtures.js";

/** ec-p256.crt with its outer SEQUENCE length in BER long form: OpenSSL loads it, a strict DER parser does not. */
function nonMinimalLength(): string {
  const der = Buffer.from((fixture("ec-p256.crt").split("-----")[2] ?? "").replace(/\s/g, ""), "base64");
  const changed = Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), der.subarray(2)]);
  const pem = `-----BEGIN CERTIFICATE-----\n${(changed.toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`;
  return Buffer.from(pem).toString("base64");
}

const ctx = originating({ secret: "client" });

ruleTester("cert-malformed", [
  {
    name: "clean: a well-formed certificate",
    files: { "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [],
  },
  {
    name: "a certificate in non-minimal DER",
    files: { "s.yaml": secretYaml("client", { "tls.crt": nonMinimalLength(), "tls.key": b64("ec-p256.key") }), "c.yaml": ctx },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { key: "tls.crt", code: "der-encoding", certIndex: 0 } }],
  },
  {
    name: "the same malformed certificate as a CA bundle",
    files: {
      "s.yaml": secretYaml("ca", { "tls.crt": nonMinimalLength() }, "default", "Opaque"),
      "c.yaml": ctx + "---\n" + clientSecret("client", "ec-p256.crt", "ec-p256.key") + "---\n" + originating({ secret: "client", ca_secret: "ca" }, "verified"),
    },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/ca" }],
  },
]);
