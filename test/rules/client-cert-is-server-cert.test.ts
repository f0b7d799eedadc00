import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import { ruleTester } from "../helpers/rule-tester.js";
import { clientSecret, docs, host, originating, secretYaml } from "../helpers/cert-fixtures.js";

/** No fixture carries both serverAuth and clientAuth: make one (self-signed, RSA 2048, SAN api.example.com). */
function dualUseSecret(name: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "0a";
  cert.validity.notBefore = new Date("2025-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2049-12-31T00:00:00Z");
  const subject = [{ name: "commonName", value: "api.example.com" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "api.example.com" }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return secretYaml(name, { "tls.crt": b64(forge.pki.certificateToPem(cert)), "tls.key": b64(keyPem) });
}

ruleTester("client-cert-is-server-cert", [
  {
    name: "clean: a dedicated client certificate; the Host's Secret used by no origination context",
    files: {
      "s.yaml": docs(clientSecret("client", "ec-p256.crt", "ec-p256.key"), clientSecret("server", "eku-server-only.crt", "ec-p256.key")),
      "c.yaml": docs(originating({ secret: "client" }), host("h", "client.example.com", "server")),
    },
    expect: [],
  },
  {
    name: "the Host's tlsSecret reused as the client certificate",
    files: { "s.yaml": clientSecret("edge", "ec-p256.crt", "ec-p256.key"), "c.yaml": docs(originating({ secret: "edge" }), host("h", "client.example.com", "edge")) },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/edge", data: { problem: "host-secret", host: "default/h", hostname: "client.example.com", contexts: "upstream" } }],
  },
  {
    name: "a serverAuth+clientAuth certificate for the Host's hostname, in another Secret",
    files: {
      "s.yaml": dualUseSecret("client"),
      "c.yaml": docs(originating({ secret: "client" }), host("h", "api.example.com", "server"), clientSecret("server", "ec-p256.crt", "ec-p256.key")),
    },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/client", data: { problem: "public-identity", hostname: "api.example.com" } }],
  },
]);
