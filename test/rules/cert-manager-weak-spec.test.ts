import { ruleTester } from "../helpers/rule-tester.js";
import { docs, host, originating } from "../helpers/cert-fixtures.js";

/** A Certificate making Secret `name`: secretName on line 5, the extra spec lines from line 7. */
const certificate = (name: string, ...extra: string[]) =>
  `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: default}
spec:
  secretName: ${name}
  issuerRef: {name: ca, kind: Issuer}
${extra.map((line) => `  ${line}\n`).join("")}`;

/** A cert-manager Issuer or ClusterIssuer of the given type (`ca: {...}`, `selfSigned: {}`, `acme: {...}`). */
const issuer = (kind: "Issuer" | "ClusterIssuer", name: string, type: string) =>
  `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata: {name: ${name}${kind === "Issuer" ? ", namespace: default" : ""}}
spec: {${type}}
`;

const ecdsa = "privateKey: {algorithm: ECDSA, size: 256}";
const clientUsages = "usages: [digital signature, client auth]";

ruleTester("cert-manager-weak-spec", [
  {
    name: "clean: ECDSA P-256 client with client auth; RSA 4096 for a Host; a short-lived certificate renewing at a third",
    files: {
      "cm.yaml": docs(
        certificate("client", ecdsa, clientUsages),
        certificate("server", "privateKey: {algorithm: RSA, size: 4096}", "duration: 24h", "renewBefore: 8h"),
      ),
      "c.yaml": docs(originating({ secret: "client" }), host("h", "api.example.com", "server")),
    },
    expect: [],
  },
  {
    name: "clean: a Certificate nothing references",
    files: { "cm.yaml": certificate("unused", "privateKey: {algorithm: RSA, size: 1024}") },
    expect: [],
  },
  {
    name: "cert-manager's default key (RSA 2048) is below a preferred 3072 bits; RSA 1024 is an error",
    policy: "certificates: {preferredRsaBits: 3072}\n",
    files: {
      "cm.yaml": docs(certificate("server"), certificate("weak", "privateKey:", "  algorithm: RSA", "  size: 1024")),
      "c.yaml": docs(host("h", "api.example.com", "server"), host("w", "weak.example.com", "weak")),
    },
    expect: [
      { line: 5, severity: "warning", resource: "Certificate/default/server", data: { problem: "weak-key", size: 2048, defaulted: true, threshold: 3072 } },
      { line: 16, severity: "error", resource: "Certificate/default/weak", data: { problem: "weak-key", size: 1024, threshold: 2048 } },
    ],
  },
  {
    name: "an ECDSA key below minEcBits",
    files: { "cm.yaml": certificate("server", "privateKey: {algorithm: ECDSA, size: 224}"), "c.yaml": host("h", "api.example.com", "server") },
    expect: [{ line: 7, severity: "error", data: { problem: "weak-key", algorithm: "ECDSA", size: 224, threshold: 256 } }],
  },
  {
    name: "renewBefore of one day on a 90-day certificate",
    files: { "cm.yaml": certificate("server", ecdsa, "renewBefore: 24h"), "c.yaml": host("h", "api.example.com", "server") },
    expect: [{ line: 8, severity: "warning", data: { problem: "renew-late", renewBefore: "24h", renewBeforeDays: 1, minimumDays: 7 } }],
  },
  {
    name: "a client certificate with default usages, and one with server auth only",
    files: {
      "cm.yaml": docs(certificate("client", ecdsa), certificate("other", ecdsa, "usages: [server auth]")),
      "c.yaml": docs(originating({ secret: "client" }), originating({ secret: "other" }, "b")),
    },
    expect: [
      { line: 5, severity: "error", resource: "Certificate/default/client", data: { problem: "no-client-auth", usages: null, contexts: "upstream" } },
      { line: 16, severity: "error", resource: "Certificate/default/other", data: { problem: "no-client-auth", usages: "server auth", contexts: "b" } },
    ],
  },
  {
    // A CA or selfSigned issuer writes no extendedKeyUsage when none is asked: any purpose, client auth included.
    name: "clean: default usages, or key usages only, signed by a CA Issuer or a selfSigned ClusterIssuer in Git",
    files: {
      "cm.yaml": docs(
        certificate("client", ecdsa),
        certificate("keys-only", ecdsa, "usages: [digital signature]").replace("{name: ca, kind: Issuer}", "{name: self, kind: ClusterIssuer}"),
        issuer("Issuer", "ca", "ca: {secretName: ca-key-pair}"),
        issuer("ClusterIssuer", "self", "selfSigned: {}"),
      ),
      "c.yaml": docs(originating({ secret: "client" }), originating({ secret: "keys-only" }, "b")),
    },
    expect: [],
  },
  {
    name: "default usages from an ACME issuer (serverAuth only), and server auth asked of a CA issuer",
    files: {
      "cm.yaml": docs(
        certificate("client", ecdsa),
        certificate("other", ecdsa, "usages: [server auth]").replace("{name: ca, kind: Issuer}", "{name: ca2, kind: Issuer}"),
        issuer("Issuer", "ca", "acme: {server: https://acme.example/directory, privateKeySecretRef: {name: acme}}"),
        issuer("Issuer", "ca2", "ca: {secretName: ca-key-pair}"),
      ),
      "c.yaml": docs(originating({ secret: "client" }), originating({ secret: "other" }, "b")),
    },
    expect: [
      { line: 5, severity: "error", resource: "Certificate/default/client", data: { problem: "no-client-auth", usages: null, noExtendedUsage: true } },
      { line: 16, severity: "error", resource: "Certificate/default/other", data: { problem: "no-client-auth", usages: "server auth", noExtendedUsage: false } },
    ],
  },
]);
