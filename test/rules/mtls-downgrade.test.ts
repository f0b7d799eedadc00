/**
 * mtls-downgrade compares a head tree with its base, which the rule tester (one tree) cannot express: these cases call
 * analyzeDiff(base, head) directly.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeDiff, analyzeTree, type DiffAnalysis } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";
import type { Finding, SourceFile } from "../../src/core/types.js";

const PEM_CERT = `"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"`;
const PEM_KEY = `"-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n"`;

const contexts = `apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: billing-client, namespace: payments}
spec:
  secret: billing-client-cert
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata: {name: other-client, namespace: payments}
spec:
  secret: billing-client-cert
`;

const secret = `apiVersion: v1
kind: Secret
metadata: {name: billing-client-cert, namespace: payments}
type: kubernetes.io/tls
stringData: {tls.crt: ${PEM_CERT}, tls.key: ${PEM_KEY}}
`;

/** A Mapping in payments; `tls` null leaves the field out. service on line 7, tls on line 8. */
const mapping = (comment: string, service: string, tls: string | null, extra = "", name = "billing") => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: ${name}, namespace: payments}
spec:
  prefix: /${name}/
  service: ${service}
${tls === null ? "" : `  tls: ${tls}\n`}${extra}`;

const MTLS = mapping("mTLS with billing-client", "billing", "billing-client");

/** The base tree: one mTLS route. */
const base = { "mapping.yaml": MTLS, "contexts.yaml": contexts, "secret.yaml": secret };

function sources(files: Record<string, string>): SourceFile[] {
  return Object.entries(files).map(([path, text]) => ({ path, text }));
}

function diff(baseFiles: Record<string, string>, headFiles: Record<string, string>, policy?: string): DiffAnalysis {
  return analyzeDiff(sources(baseFiles), sources(headFiles), { policy: loadPolicy(policy).policy, now: FIXED_NOW });
}

const downgrades = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === "mtls-downgrade");

/** The part of a finding the cases compare. */
function summary(f: Finding) {
  return { ruleId: f.ruleId, file: f.file, line: f.line, severity: f.severity, resource: f.resource, mode: f.data.mode, introduced: f.introduced };
}

test("mtls-downgrade: clean: base == head gives no finding", () => {
  const analysis = diff(base, base);
  assert.deepEqual(downgrades(analysis.findings), []);
  assert.equal(analysis.routes[0]?.change, "unchanged");
  assert.equal(analysis.routes[0]?.mode, "mtls");
});

test("mtls-downgrade: clean: another client context is still mTLS", () => {
  const head = { ...base, "mapping.yaml": mapping("still mTLS, with other-client", "billing", "other-client") };
  const analysis = diff(base, head);
  assert.deepEqual(downgrades(analysis.findings), []);
  assert.equal(analysis.routes[0]?.change, "changed");
});

test("mtls-downgrade: clean: without a base there is nothing to compare", () => {
  const head = { ...base, "mapping.yaml": mapping("plaintext, but no base", "billing", null) };
  const analysis = analyzeTree(sources(head), { policy: loadPolicy(undefined).policy, now: FIXED_NOW });
  assert.deepEqual(downgrades(analysis.findings), []);
});

test("mtls-downgrade: clean: a route that was only TLS in the base is not a downgrade from mTLS", () => {
  const tlsOnly = { ...base, "mapping.yaml": mapping("TLS without a client certificate", "https://billing", null) };
  const head = { ...base, "mapping.yaml": mapping("now plaintext", "billing", null) };
  assert.deepEqual(downgrades(diff(tlsOnly, head).findings), []);
});

test("mtls-downgrade: clean: a Mapping new in the head has no base mode", () => {
  const head = { ...base, "new.yaml": mapping("a new plaintext route", "reports", null, "", "reports") };
  const analysis = diff(base, head);
  assert.deepEqual(downgrades(analysis.findings), []);
  assert.equal(analysis.routes.find((r) => r.mapping === "payments/reports")?.change, "added");
});

test("mtls-downgrade: tls: removed with https:// is TLS without a client certificate", () => {
  const head = { ...base, "mapping.yaml": mapping("fails: the client certificate is gone", "https://billing", null) };
  const analysis = diff(base, head);
  assert.deepEqual(downgrades(analysis.findings).map(summary), [
    { ruleId: "mtls-downgrade", file: "mapping.yaml", line: 7, severity: "error", resource: "Mapping/payments/billing", mode: "tls", introduced: true },
  ]);
  const route = analysis.routes[0];
  assert.equal(route?.baseMode, "mtls");
  assert.equal(route?.mode, "tls");
});

test("mtls-downgrade: a typo in tls: without a scheme is plaintext (on the tls line)", () => {
  const head = { ...base, "mapping.yaml": mapping("fails: billing-clinet does not exist, cleartext to port 80", "billing", "billing-clinet") };
  assert.deepEqual(downgrades(diff(base, head).findings).map(summary), [
    { ruleId: "mtls-downgrade", file: "mapping.yaml", line: 8, severity: "error", resource: "Mapping/payments/billing", mode: "plaintext", introduced: true },
  ]);
});

test("mtls-downgrade: deleting the context's Secret downgrades the unchanged Mapping", () => {
  const head = { "mapping.yaml": MTLS, "contexts.yaml": contexts };
  const analysis = diff(base, head);
  assert.deepEqual(downgrades(analysis.findings).map(summary), [
    { ruleId: "mtls-downgrade", file: "mapping.yaml", line: 8, severity: "error", resource: "Mapping/payments/billing", mode: "plaintext", introduced: true },
  ]);
});

test("mtls-downgrade: a Mapping Emissary now rejects has no route at all", () => {
  const head = { ...base, "mapping.yaml": mapping("fails: load_balancer with the service resolver", "billing", "billing-client", "  load_balancer: {policy: round_robin}\n") };
  assert.deepEqual(downgrades(diff(base, head).findings).map(summary), [
    { ruleId: "mtls-downgrade", file: "mapping.yaml", line: 8, severity: "error", resource: "Mapping/payments/billing", mode: "rejected", introduced: true },
  ]);
});

test("mtls-downgrade: a new Mapping that takes over the shared cluster downgrades the existing one", () => {
  const httpsBase = { ...base, "mapping.yaml": mapping("mTLS over https://", "https://billing", "billing-client") };
  const head = {
    ...httpsBase,
    "new.yaml": mapping('fails: "billing-v2.payments" < "billing.payments": this Mapping, without tls:, decides the cluster', "https://billing", null, "", "billing-v2"),
  };
  const analysis = diff(httpsBase, head);
  assert.deepEqual(downgrades(analysis.findings).map(summary), [
    { ruleId: "mtls-downgrade", file: "mapping.yaml", line: 8, severity: "error", resource: "Mapping/payments/billing", mode: "tls", introduced: true },
  ]);
  assert.equal(analysis.findings.filter((f) => f.ruleId === "mapping-shared-cluster-tls-conflict").length, 1);
});

test("mtls-downgrade: the policy sets its severity", () => {
  const head = { ...base, "mapping.yaml": mapping("fails, as a warning by policy", "https://billing", null) };
  const analysis = diff(base, head, "rules: {mtls-downgrade: warning}");
  assert.deepEqual(
    downgrades(analysis.findings).map((f) => [f.line, f.severity, f.introduced]),
    [[7, "warning", true]],
  );
});
