import { ruleTester } from "../helpers/rule-tester.js";

const keyPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
const keyBase64 = Buffer.from(keyPem).toString("base64");

const secret = (extra: string, data: string) => `
apiVersion: v1
kind: Secret
metadata:
  name: client
  namespace: default
${extra}type: kubernetes.io/tls
${data}`;

ruleTester("secret-private-key-in-git", [
  {
    name: "clean: only a certificate",
    files: { "s.yaml": secret("", `data:\n  tls.crt: ${Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64")}\n`) },
    expect: [],
  },
  {
    name: "clean: a SOPS-encrypted Secret keeps its key out of Git",
    files: { "s.yaml": secret("", `data:\n  tls.key: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  version: 3.8.1\n`) },
    expect: [],
  },
  {
    name: "a base64 private key under data.tls.key",
    files: { "s.yaml": secret("", `data:\n  tls.key: ${keyBase64}\n`) },
    expect: [{ line: 9, severity: "warning", resource: "Secret/default/client", data: { key: "tls.key" } }],
  },
  {
    name: "a PEM private key under stringData.key.pem (Istio layout)",
    files: { "s.yaml": secret("", `stringData:\n  key.pem: |\n    ${keyPem.trim().split("\n").join("\n    ")}\n`) },
    expect: [{ line: 9, severity: "warning", data: { key: "key.pem" } }],
  },
  {
    name: "suppressed with a reason: still counted, never failing",
    files: { "s.yaml": secret('  annotations:\n    mtls-gate.io/ignore: "secret-private-key-in-git -- test key"\n', `data:\n  tls.key: ${keyBase64}\n`) },
    expect: [{ line: 11, severity: "warning" }],
  },
]);
