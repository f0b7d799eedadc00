import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";

/** A SOPS-encrypted Secret: metadata.name on line 5; `body` from line 8 (after type:). */
const sopsSecret = (name: string, body: string) => `# SOPS-encrypted: present in Git, its values unreadable
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: edge
type: kubernetes.io/tls
${body}`;

const encryptedData = `data:
  tls.crt: ENC[AES256_GCM,data:Zml4dHVyZS1jcnQ=,iv:aXY=,tag:dGFn,type:str]
  tls.key: ENC[AES256_GCM,data:Zml4dHVyZS1rZXk=,iv:aXY=,tag:dGFn,type:str]
sops:
  version: 3.8.1
  encrypted_regex: ^(data|stringData)$
`;

/** TLSContext `name` in edge with `secret` and optional `ca_secret`, and a Mapping that originates TLS with it. */
const originating = (name: string, secret: string, ca?: string) => `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: ${name}, namespace: edge}
spec:
  secret: ${secret}
${ca ? `  ca_secret: ${ca}\n` : ""}---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}-mapping, namespace: edge}
spec: {prefix: /${name}/, service: "https://${name}", tls: ${name}}
`;

const plainSecret = `apiVersion: v1
kind: Secret
metadata: {name: client-certs, namespace: edge}
type: kubernetes.io/tls
stringData:
  tls.crt: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
  tls.key: "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"
`;

const host = `apiVersion: getambassador.io/v3alpha1
kind: Host
metadata: {name: api, namespace: edge}
spec: {hostname: api.example.com, tlsSecret: {name: client-certs}}
`;

const legacyModule = `apiVersion: v1
kind: Service
metadata:
  name: ambassador
  namespace: edge
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: Module
      name: tls
      config:
        upstream:
          secret: client-certs
spec:
  ports: [{port: 80}]
`;

ruleTester("secret-sops-encrypted", [
  {
    // passes: an encrypted Secret nothing references (a database password, say) plays no part in TLS
    name: "clean: a SOPS Secret that no context or Host references",
    files: { "db.enc.yaml": sopsSecret("db-password", encryptedData), "c.yaml": originating("billing", "client-certs"), "s.yaml": plainSecret },
    expect: [],
  },
  {
    // passes: a plain Secret is inspected by the certificate rules instead
    name: "clean: a plain Secret in Git",
    files: { "c.yaml": originating("billing", "client-certs"), "s.yaml": plainSecret },
    expect: [],
  },
  {
    name: "a SOPS Secret used as a client certificate",
    files: { "client.enc.yaml": sopsSecret("client-certs", encryptedData), "c.yaml": originating("billing", "client-certs") },
    expect: [
      {
        file: "client.enc.yaml",
        line: 5,
        column: 3,
        severity: "notice",
        resource: "Secret/edge/client-certs",
        data: { secret: "edge/client-certs", usedBy: "TLSContext billing as secret" },
      },
    ],
  },
  {
    // fails once: one notice per Secret, naming every reference (two contexts, a ca_secret and a Host)
    name: "one notice per Secret, whatever the number of references",
    files: {
      "c.yaml": `${originating("billing", "client-certs", "client-certs")}---\n${originating("orders", "client-certs")}---\n${host}`,
      "secrets/client.yaml": sopsSecret("client-certs", encryptedData),
    },
    expect: [
      {
        file: "secrets/client.yaml",
        line: 5,
        severity: "notice",
        data: { usedBy: "Host edge/api as tlsSecret, TLSContext billing as ca_secret, TLSContext billing as secret, TLSContext orders as secret" },
      },
    ],
  },
  {
    // fails: ENC[...] values alone (no sops: block, say a truncated copy) still mean encrypted
    name: "ENC[...] values under stringData without a sops: block",
    files: {
      "client.yml": sopsSecret("client-certs", "stringData:\n  tls.crt: ENC[AES256_GCM,data:Y3J0,iv:aXY=,tag:dGFn,type:str]\n  tls.key: ENC[AES256_GCM,data:a2V5,iv:aXY=,tag:dGFn,type:str]\n"),
      "c.yaml": originating("billing", "client-certs"),
    },
    expect: [{ file: "client.yml", line: 5, severity: "notice", data: { secret: "edge/client-certs" } }],
  },
  {
    // fails: the TLS Module's upstream block in an annotation (namespace edge, from the Service) uses it
    name: "referenced from a legacy TLS Module in an annotation",
    files: { "ambassador.yaml": legacyModule, "client.enc.yaml": sopsSecret("client-certs", encryptedData) },
    expect: [{ file: "client.enc.yaml", line: 5, severity: "notice", data: { usedBy: "TLSContext upstream as secret" } }],
  },
]);

test("secret-sops-encrypted: a SOPS Secret is a provider: no not-found, no certificate findings, no certificate details", () => {
  const analysis = analyzeFiles({ "client.enc.yaml": sopsSecret("client-certs", encryptedData), "c.yaml": originating("billing", "client-certs", "client-certs") });
  assert.deepEqual([...new Set(analysis.findings.map((f) => f.ruleId))], ["secret-sops-encrypted"]);
  const route = analysis.routes.find((r) => r.mapping === "edge/billing-mapping");
  assert.deepEqual(route && [route.mode, route.secret, route.caSecret, route.upstreamVerified, route.clientCertificate], ["mtls", "edge/client-certs", "edge/client-certs", true, null]);
});
