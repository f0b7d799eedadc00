import { ruleTester } from "../helpers/rule-tester.js";
import { b64, clientSecret, docs, fixture, originating, secretYaml } from "../helpers/cert-fixtures.js";

const der = Buffer.from(
  fixture("ec-p256.crt")
    .split("\n")
    .filter((line) => !line.startsWith("-----"))
    .join(""),
  "base64",
).toString("base64");
const ctx = originating({ secret: "client" });

ruleTester("cert-invalid", [
  {
    name: "clean: a PEM certificate and its SEC1 key",
    files: { "s.yaml": clientSecret("client", "ec-p256.crt", "ec-p256.key"), "c.yaml": ctx },
    expect: [],
  },
  {
    name: "clean: a broken Secret nobody references is not inspected",
    files: { "s.yaml": secretYaml("other", { "tls.crt": b64("ec-p256.key"), "tls.key": "!!!" }), "c.yaml": ctx + "---\n" + clientSecret("client", "ec-p256.crt", "ec-p256.key") },
    expect: [],
  },
  {
    name: "tls.crt that is not base64",
    files: { "s.yaml": secretYaml("client", { "tls.crt": "not*base64", "tls.key": b64("ec-p256.key") }), "c.yaml": ctx },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/client", data: { key: "tls.crt", code: "base64-character" } }],
  },
  {
    name: "tls.crt without a PEM block, and DER",
    files: {
      "s.yaml": docs(
        secretYaml("client", { "tls.crt": Buffer.from("hello").toString("base64"), "tls.key": b64("ec-p256.key") }),
        secretYaml("client2", { "tls.crt": der, "tls.key": b64("ec-p256.key") }),
      ),
      "c.yaml": docs(ctx, originating({ secret: "client2" }, "second")),
    },
    expect: [
      { line: 8, severity: "error", data: { code: "no-pem-block" } },
      { line: 18, severity: "error", resource: "Secret/default/client2", data: { code: "der-not-pem" } },
    ],
  },
  {
    name: "a private key pasted into tls.crt, and a corrupt certificate in a CA bundle",
    files: {
      "s.yaml": docs(
        clientSecret("client", "ec-p256.key", "ec-p256.key"),
        secretYaml("ca", { "tls.crt": Buffer.from("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n").toString("base64") }, "default", "Opaque"),
      ),
      "c.yaml": originating({ secret: "client", ca_secret: "ca" }),
    },
    expect: [
      { line: 8, severity: "error", data: { code: "first-block-not-certificate" } },
      { line: 18, severity: "error", resource: "Secret/default/ca", data: { code: "x509-unparseable", certIndex: 0 } },
    ],
  },
  {
    name: "encrypted keys (PKCS#8 and legacy PEM) and a DSA key",
    files: {
      "s.yaml": docs(
        clientSecret("client", "ec-p256.crt", "encrypted-pkcs8.key"),
        clientSecret("legacy", "ec-p256.crt", "encrypted-legacy.key"),
        clientSecret("dsa", "ec-p256.crt", "dsa.key"),
      ),
      "c.yaml": docs(ctx, originating({ secret: "legacy" }, "b"), originating({ secret: "dsa" }, "c")),
    },
    expect: [
      { line: 9, severity: "error", data: { key: "tls.key", code: "key-encrypted-pkcs8", kind: "encrypted-key" } },
      { line: 19, severity: "error", data: { code: "key-encrypted-pem" } },
      { line: 29, severity: "error", data: { code: "key-unsupported-algorithm" } },
    ],
  },
  {
    name: "one finding per Secret value even when referenced by a context and a Host",
    files: {
      "s.yaml": secretYaml("client", { "tls.crt": "not*base64", "tls.key": b64("ec-p256.key") }),
      "c.yaml": docs(ctx, originating({ secret: "client" }, "again"), "apiVersion: getambassador.io/v3alpha1\nkind: Host\nmetadata: {name: h, namespace: default}\nspec: {hostname: a.example.com, tlsSecret: {name: client}}\n"),
    },
    expect: [{ line: 8, severity: "error" }],
  },
]);
