import { ruleTester } from "../helpers/rule-tester.js";
import { caSecret, clientSecret, docs, originating } from "../helpers/cert-fixtures.js";

const ctx = originating({ secret: "client" });

ruleTester("weak-signature", [
  {
    name: "clean: SHA-256 with RSA, ECDSA and RSA-PSS; a self-signed root",
    files: {
      "s.yaml": docs(clientSecret("client", "rsa-pss-signed.crt", "rsa2048.key"), clientSecret("ec", "chain-good.crt", "ec-p256.key"), caSecret("ca", "root-ca.crt", "v1-root.crt")),
      "c.yaml": docs(originating({ secret: "client", ca_secret: "ca" }), originating({ secret: "ec" }, "b")),
    },
    expect: [],
  },
  {
    name: "an MD5-signed client certificate",
    files: { "s.yaml": clientSecret("client", "md5-signed.crt", "rsa2048.key"), "c.yaml": ctx },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/client", data: { algorithm: "md5WithRSAEncryption", hash: "md5", certIndex: 0 } }],
  },
  {
    name: "a SHA-1-signed certificate in a CA bundle",
    files: { "s.yaml": docs(caSecret("ca", "root-ca.crt", "sha1-signed.crt"), clientSecret("client", "ec-p256.crt", "ec-p256.key")), "c.yaml": originating({ secret: "client", ca_secret: "ca" }) },
    expect: [{ line: 8, severity: "error", resource: "Secret/default/ca", data: { hash: "sha1", certIndex: 1 } }],
  },
]);
