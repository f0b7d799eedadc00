import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeFiles } from "../helpers/rule-tester.js";

// The seed documents' examples: the CRD style (emissary-mtls.md) and the annotation style (ambassador-mtls.txt).
const crdStyle = `
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: upstream-context
spec:
  hosts: []
  secret: upstream-certs
---
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: upstream-mapping
spec:
  hostname: "*"
  prefix: /upstream/
  service: upstream-service
  tls: upstream-context
`;

const annotationStyle = `
apiVersion: v1
kind: Service
metadata:
  name: upstream-service
  annotations:
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v1
      kind: TLSContext
      name: upstream-context
      hosts: []
      secret: upstream-certs
      ---
      apiVersion: ambassador/v1
      kind: Mapping
      name: upstream-mapping
      prefix: /upstream/
      service: upstream-service
      tls: upstream-context
spec:
  ports: [{port: 443}]
`;

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/certs/${name}`, import.meta.url)).toString("base64");

// A real client certificate and key, so the certificate rules have nothing to say either.
const upstreamCerts = `
apiVersion: v1
kind: Secret
metadata:
  name: upstream-certs
  annotations:
    mtls-gate.io/ignore: "secret-private-key-in-git -- test fixture"
type: kubernetes.io/tls
data:
  tls.crt: ${fixture("ec-p256.crt")}
  tls.key: ${fixture("ec-p256.key")}
`;

for (const [style, manifest, tlsLine, secretLine] of [["CRD", crdStyle, 18, 8], ["annotation", annotationStyle, 20, 13]] as const) {
  test(`seed (${style} style): mtls through upstream-context -> upstream-certs when the Secret exists`, () => {
    const analysis = analyzeFiles({ "seed.yaml": manifest, "secret.yaml": upstreamCerts });
    const route = analysis.routes.find((r) => r.mapping === "default/upstream-mapping");
    assert.ok(route);
    assert.equal(route.mode, "mtls");
    assert.equal(route.tlsContext, "upstream-context");
    assert.equal(route.secret, "default/upstream-certs");
    assert.deepEqual(route.upstream, { scheme: "https", host: "upstream-service", port: 443 });
    assert.deepEqual(analysis.findings.filter((f) => f.severity === "error"), []);
  });

  test(`seed (${style} style): plaintext on port 80 and the right findings when the Secret is missing`, () => {
    const analysis = analyzeFiles({ "seed.yaml": manifest });
    const route = analysis.routes.find((r) => r.mapping === "default/upstream-mapping");
    assert.ok(route);
    assert.equal(route.mode, "plaintext");
    assert.deepEqual(route.upstream, { scheme: "http", host: "upstream-service", port: 80 });
    const errors = analysis.findings.filter((f) => f.severity === "error").map((f) => [f.ruleId, f.file, f.line]);
    assert.deepEqual(errors.sort(), [
      ["mapping-tls-context-not-found", "seed.yaml", tlsLine],
      ["tls-context-secret-not-found", "seed.yaml", secretLine],
    ].sort());
  });
}
