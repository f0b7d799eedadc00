/**
 * Issue 7's "done when": the analyser runs on a repository holding every real-world pattern at once
 * (test/fixtures/real-patterns, see its README) and finishes with findings, not errors: exit 1, no internal-error, and
 * exactly the expected finding for each pattern, on its file and line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { JsonReport } from "../../src/report/json.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = join(repoRoot, "test/fixtures/real-patterns");

async function analyzeFixture(): Promise<{ code: number; report: JsonReport; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["analyze", fixture, "--no-render", "--format", "json", "--now", "2026-06-01T00:00:00Z"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTty: false,
  });
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

/**
 * Every finding expected, as `ruleId file:line severity`, grouped by the pattern. The encrypted file cannot be
 * analysed, so the findings that conclude something is absent (no Host, no such context, no such Secret) are notices
 * said "in the analysed files": the missing resource may be in it.
 */
const EXPECTED: Record<string, string[]> = {
  "1. an encrypted file named .yaml is skipped with a notice": ["file-skipped secrets/edge-certs.enc.yaml:1 notice"],
  "1. a SOPS Secret is a provider: a notice, no certificate findings": ["secret-sops-encrypted apps/payments-client.enc.yaml:5 notice"],
  "1. a TAB in an annotation, on the annotation's line": ["yaml-syntax legacy/catalog-service.yaml:13 error"],
  "1. a top-level ambassador/v1 document": ["not-kubernetes-object legacy/orders-mapping.yaml:2 error"],
  "2. the same Mapping in two files": ["duplicate-resource apps/billing.yml:5 warning"],
  "2. a plain Service applied after the one carrying the TLS Module": [
    "duplicate-resource legacy/ambassador-service.yaml:6 warning",
    // the Mapping that relied on the lost Module's upstream context: cleartext to port 80
    "mapping-tls-context-not-found legacy/inventory.yaml:10 notice",
  ],
  "3. a TLS Module server block and no Host": ["legacy-termination-ignored ambassador/tls-module.yaml:9 notice"],
  "4. the upstream's own server certificate as the client certificate": [
    "client-cert-is-server-cert apps/billing-tls.yaml:9 warning",
    "cert-missing-client-auth apps/billing-tls.yaml:9 error",
  ],
  "5. tlscontext: instead of tls:": ["unknown-field apps/reports.yaml:9 error"],
  "6. a private key in a plain Secret": ["secret-private-key-in-git apps/billing-tls.yaml:10 warning"],
  "7. Istio's secret without the integration (Consul's is enabled: nothing)": [
    "tls-context-secret-not-found mesh/istio.yaml:9 notice",
    "mapping-tls-context-not-found mesh/istio.yaml:20 error",
  ],
  "8. Mappings Emissary rejects": [
    "mapping-rejected rejected/mappings.yaml:11 error",
    "mapping-rejected rejected/mappings.yaml:22 error",
    "mapping-rejected rejected/mappings.yaml:33 error",
    "mapping-rejected rejected/mappings.yaml:44 error",
  ],
  "side findings of the same tree": [
    // the internal CA is RSA 2048, below the preferred 3072 bits the fixture's policy sets
    "weak-key apps/internal-ca.yaml:8 warning",
    // the Consul Connect context has no CA: the sidecar's certificate is not verified
    "upstream-unverified mesh/consul.yaml:11 notice",
  ],
};

test("real patterns: the CLI finishes with findings (exit 1), not an error (exit 2), and no internal-error", async () => {
  const { code, report, stderr } = await analyzeFixture();
  assert.equal(stderr, "");
  assert.equal(code, 1);
  assert.deepEqual(report.findings.filter((f) => f.ruleId === "internal-error"), []);
  assert.deepEqual(report.summary, { errors: 9, warnings: 5, notices: 6, suppressed: 0, failed: true });
});

test("real patterns: exactly the expected finding for each pattern, on its file and line", async () => {
  const { report } = await analyzeFixture();
  const actual = report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line} ${f.severity}`).sort();
  const expected = Object.values(EXPECTED).flat().sort();
  assert.deepEqual(actual, expected);
});

test("real patterns: what the findings say", async () => {
  const { report } = await analyzeFixture();
  const message = (ruleId: string, file: string) => report.findings.find((f) => f.ruleId === ruleId && f.file === file)?.message ?? "";
  assert.match(message("file-skipped", "secrets/edge-certs.enc.yaml"), /^Encrypted file/);
  assert.match(message("duplicate-resource", "legacy/ambassador-service.yaml"), /the TLS Module \(its TLS settings\)/);
  assert.match(message("duplicate-resource", "apps/billing.yml"), /wins: this definition's route disappears/);
  assert.match(message("unknown-field", "apps/reports.yaml"), /the route is plaintext\. Did you mean `tls`\?/);
  assert.match(message("tls-context-secret-not-found", "mesh/istio.yaml"), /Istio integration: enable it in the policy \(emissary\.integrations\.istio: true\)/);
  assert.match(message("legacy-termination-ignored", "ambassador/tls-module.yaml"), /no Host exists in the analysed files \(1 manifest file in scope could not be analysed/);
  assert.match(message("legacy-termination-ignored", "ambassador/tls-module.yaml"), /Add a Host with hostname: \* and tlsSecret: \{name: edge-certs\}/);
  // the key is named, never shown
  assert.ok(!message("secret-private-key-in-git", "apps/billing-tls.yaml").includes("BEGIN"));
});

test("real patterns: the route table: rejected Mappings listed as rejected, the misspelt tls: as plaintext", async () => {
  const { report } = await analyzeFixture();
  const routes = Object.fromEntries(report.routes.map((r) => [r.mapping, r]));
  assert.deepEqual(
    report.routes.filter((r) => r.rejected !== null).map((r) => [r.mapping, r.rejected]),
    [
      ["apps/cart", "unknown-resolver"],
      ["apps/profile", "malformed-service"],
      ["apps/search", "load-balancer-with-service-resolver"],
      ["apps/stock", "consul-dotted-service"],
    ],
  );
  const reports = routes["apps/reports"];
  assert.deepEqual(reports && [reports.mode, reports.originatesTls, reports.upstream.port, reports.tlsContext], ["plaintext", false, 80, null]);
  // the duplicate Mapping: one route, the overlay's definition
  assert.equal(routes["apps/billing"]?.file, "apps-overlay/billing.yaml");
  assert.deepEqual(routes["apps/billing"] && [routes["apps/billing"].mode, routes["apps/billing"].secret], ["mtls", "apps/billing-tls"]);
  // the SOPS Secret: mTLS with it, no certificate details
  assert.deepEqual(routes["apps/payments"] && [routes["apps/payments"].mode, routes["apps/payments"].secret, routes["apps/payments"].clientCertificate], [
    "mtls",
    "apps/payments-client",
    null,
  ]);
  // Consul Connect: the integration's Secret is provided; Istio's is not, so that route is cleartext
  assert.equal(routes["ambassador/catalog-connect"]?.mode, "mtls");
  assert.deepEqual(routes["apps/ratings"] && [routes["apps/ratings"].mode, routes["apps/ratings"].requestedTlsContext], ["plaintext", "istio-upstream"]);
  // the lost TLS Module: its Mapping is cleartext; the Mapping in the broken annotation does not exist, the next document does
  assert.equal(routes["legacy/inventory"]?.mode, "plaintext");
  assert.equal(routes["legacy/catalog"], undefined);
  assert.equal(routes["legacy/catalog-health"]?.mode, "plaintext");
  assert.equal(routes["legacy/orders"], undefined);
});
