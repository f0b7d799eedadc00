import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeTree } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/source/load.js";
import { b64, clientSecret, docs, fixture, originating, secretYaml } from "../helpers/cert-fixtures.js";
import { FIXED_NOW, ruleTester } from "../helpers/rule-tester.js";
import { certificatePem, fakeModulus, fakeRsaPrivateKeyPem, rsaSpki } from "../hardening/generate.js";

const base64 = (text: string) => Buffer.from(text).toString("base64");

const manyNames = Array.from({ length: 150 }, (_, i) => `svc${i}.example.com`);
const sanCert = certificatePem({ serial: 1, subject: "many-names.example.com", signer: "rsa2048", dnsNames: manyNames, clientAuth: true });
const bigModulus = fakeModulus(12_288, "rule test 12288");
const bigCert = certificatePem({ serial: 2, subject: "big-key.example.com", issuer: "Some CA", signer: "rsa2048", spki: rsaSpki(bigModulus), clientAuth: true });

ruleTester("cert-inspection-limited", [
  {
    name: "passes: a chain and a key well within every limit",
    files: { "client.yaml": docs(clientSecret("client", "chain-good.crt", "ec-p256.key"), originating({ secret: "client" })) },
    expect: [],
  },
  {
    name: "passes: a Secret over the limits that nothing references is not inspected",
    files: { "idle.yaml": secretYaml("idle", { "tls.crt": b64(...Array<string>(150).fill("ec-p256.crt")) }) },
    expect: [],
  },
  {
    name: "fails: tls.crt holds 150 certificates; only the first 100 were inspected",
    files: {
      "bundle.yaml": docs(secretYaml("bundle", { "tls.crt": b64(...Array<string>(150).fill("ec-p256.crt")), "tls.key": b64("ec-p256.key") }), originating({ secret: "bundle" })),
    },
    expect: [{ line: 8, severity: "warning", resource: "Secret/default/bundle", data: { limit: "certificates", actual: 150, max: 100, certIndex: null } }],
  },
  {
    name: "notice: a certificate with 150 subjectAltName entries keeps 100 of them for outputs",
    files: {
      "names.yaml": docs(secretYaml("names", { "tls.crt": base64(sanCert), "tls.key": b64("rsa2048.key") }), originating({ secret: "names" })),
    },
    expect: [{ line: 8, severity: "notice", data: { limit: "san-entries", actual: 150, max: 100, certIndex: 0, subject: "CN=many-names.example.com" } }],
  },
  {
    name: "fails: a 12,288-bit RSA key is over the 8,192-bit limit, and no signature is verified with it",
    files: {
      "big.yaml": docs(
        secretYaml("big", { "tls.crt": base64(bigCert), "tls.key": base64(fakeRsaPrivateKeyPem(bigModulus, "rule test 12288")) }),
        originating({ secret: "big" }),
      ),
    },
    expect: [{ line: 8, severity: "warning", data: { limit: "rsa-key-bits", actual: 12_288, max: 8192, certIndex: 0 } }],
  },
  {
    name: "fails: the same limits apply to a CA bundle (ca_secret)",
    files: {
      "ca.yaml": docs(
        clientSecret("client", "ec-p256.crt", "ec-p256.key"),
        secretYaml("ca", { "tls.crt": b64(...Array<string>(101).fill("root-ca.crt")) }, "default", "Opaque"),
        originating({ secret: "client", ca_secret: "ca" }),
      ),
    },
    expect: [{ line: 18, severity: "warning", resource: "Secret/default/ca", data: { limit: "certificates", actual: 101 } }],
  },
]);

test("cert-inspection-limited: a value over 1 MiB is not inspected, an error (Kubernetes refuses such a Secret)", () => {
  const key = fixture("ec-p256.key");
  const hugeKey = key.repeat(Math.ceil((1.5 * 1024 * 1024) / key.length));
  const text = docs(
    `apiVersion: v1\nkind: Secret\nmetadata: {name: huge, namespace: default}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: ${JSON.stringify(fixture("ec-p256.crt"))}\n  tls.key: ${JSON.stringify(hugeKey)}\n`,
    originating({ secret: "huge" }),
  );
  const analysis = analyzeTree([{ path: "huge.yaml", text }], {
    policy: loadPolicy(undefined).policy,
    now: FIXED_NOW,
    limits: { ...DEFAULT_LOAD_LIMITS, maxFileBytes: 8 * 1024 * 1024 },
  });
  const findings = analysis.findings.filter((f) => f.ruleId === "cert-inspection-limited");
  assert.deepEqual(
    findings.map((f) => [f.line, f.severity, f.data.key, f.data.limit, f.data.actual, f.data.approximate]),
    [[7, "error", "tls.key", "value-bytes", Buffer.byteLength(hugeKey), false]],
  );
  assert.match(findings[0]?.message ?? "", /tls\.key is [\d,]+ bytes once decoded, over the 1,048,576-byte inspection limit: it was not inspected/);
  assert.match(findings[0]?.message ?? "", /Kubernetes API server refuses Secrets over 1 MiB/);
});
