/**
 * policy-invalid is reported while the tree's own `.github/mtls-gate.yml` is read. The rule tester passes its policy
 * explicitly (which bypasses the file), so these cases call analyzeTree without a policy, with the policy as a file.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { FIXED_NOW } from "../helpers/rule-tester.js";
import type { Finding } from "../../src/core/types.js";

const POLICY = ".github/mtls-gate.yml";

const manifest = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata: {name: api, namespace: default}
spec:
  prefix: /api/
  service: api
`;

function analyze(policy: string): TreeAnalysis {
  return analyzeTree(
    [
      { path: POLICY, text: policy },
      { path: "edge/mapping.yaml", text: manifest },
    ],
    { now: FIXED_NOW },
  );
}

function policyFindings(analysis: TreeAnalysis): Finding[] {
  return analysis.findings.filter((f) => f.ruleId === "policy-invalid");
}

/** The subset of a finding the cases compare. */
function summary(f: Finding) {
  return { file: f.file, line: f.line, column: f.column, severity: f.severity, path: f.data.path, suggestion: f.data.suggestion };
}

test("policy-invalid: clean: a valid policy, every key used", () => {
  const analysis = analyze(`# every key is known and every value allowed
failOn: warning
scope: all
paths: {include: ["edge/**"], exclude: ["edge/legacy/**"]}
emissary: {namespace: ambassador, integrations: {istio: true, consul: false}}
defaultNamespace: apps
externalSecrets: [edge/partner-ca]
require:
  mtls: {namespaces: [payments], prefixes: [/pay/*], services: [billing]}
  verifiedUpstream: {namespaces: [payments]}
rules: {tls-context-unused: off, weak-tls-protocol: error, upstream-unverified: false}
certificates: {expiryWarningDays: 14, minRsaBits: 2048, preferredRsaBits: 4096, minEcBits: 256}
commands: {acceptErrors: admin}
suppressions: {newInPullRequest: allow}
`);
  assert.deepEqual(policyFindings(analysis), []);
  assert.equal(analysis.policy.commands.acceptErrors, "admin");
  assert.equal(analysis.policy.suppressions.newInPullRequest, "allow");
  assert.equal(analysis.policy.failOn, "warning");
  assert.equal(analysis.policy.rules["upstream-unverified"], "off");
  assert.equal(analysis.policy.certificates.preferredRsaBits, 4096);
});

test("policy-invalid: clean: no policy file at all", () => {
  const analysis = analyzeTree([{ path: "edge/mapping.yaml", text: manifest }], { now: FIXED_NOW });
  assert.deepEqual(policyFindings(analysis), []);
});

test("policy-invalid: an unknown key, with did-you-mean: failon -> failOn", () => {
  const analysis = analyze(`# fails: keys are case-sensitive
failon: warning
`);
  const findings = policyFindings(analysis);
  assert.deepEqual(findings.map(summary), [{ file: POLICY, line: 2, column: 1, severity: "error", path: "failon", suggestion: "failOn" }]);
  assert.equal(findings[0]?.resource, null);
  assert.match(findings[0]?.message ?? "", /failOn/);
  // The default stands in for the bad key.
  assert.equal(analysis.policy.failOn, "error");
});

test("policy-invalid: a bad enum value keeps the default", () => {
  const analysis = analyze(`failOn: error
# fails: scope is introduced or all
scope: everything
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [{ file: POLICY, line: 3, column: 1, severity: "error", path: "scope", suggestion: null }]);
  assert.match(String(policyFindings(analysis)[0]?.data.problem), /introduced, all/);
  assert.equal(analysis.policy.scope, "introduced");
});

test("policy-invalid: bad values inside certificates, each on its own line", () => {
  const analysis = analyze(`certificates:
  expiryWarningDays: 14
  # fails: below the minimum of 512
  minRsaBits: 256
  # fails: not an integer
  minEcBits: strong
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [
    { file: POLICY, line: 4, column: 3, severity: "error", path: "certificates.minRsaBits", suggestion: null },
    { file: POLICY, line: 6, column: 3, severity: "error", path: "certificates.minEcBits", suggestion: null },
  ]);
  // The valid sibling is kept; the bad ones fall back to their defaults.
  assert.equal(analysis.policy.certificates.expiryWarningDays, 14);
  assert.equal(analysis.policy.certificates.minRsaBits, 2048);
  assert.equal(analysis.policy.certificates.minEcBits, 256);
});

test("policy-invalid: an unknown key inside a selector, with did-you-mean", () => {
  const analysis = analyze(`require:
  mtls:
    # fails: namespaces, plural
    namespace: [payments]
    prefixes: [/pay/*]
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [
    { file: POLICY, line: 4, column: 5, severity: "error", path: "require.mtls.namespace", suggestion: "namespaces" },
  ]);
  assert.deepEqual(analysis.policy.require.mtls.prefixes, ["/pay/*"]);
  assert.deepEqual(analysis.policy.require.mtls.namespaces, []);
});

test("policy-invalid: commands.acceptErrors must name write, maintain or admin", () => {
  const analysis = analyze(`# fails: triage is too weak a permission to accept errors
commands:
  acceptErrors: triage
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [{ file: POLICY, line: 3, column: 3, severity: "error", path: "commands.acceptErrors", suggestion: null }]);
  assert.equal(analysis.policy.commands.acceptErrors, "maintain");
});

test("policy-invalid: suppressions.newInPullRequest must be require-accept or allow; the default stays require-accept", () => {
  const analysis = analyze(`# fails: "yes" is neither require-accept nor allow
suppressions:
  newInPullRequest: "yes"
  newInPullReqest: allow
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [
    { file: POLICY, line: 3, column: 3, severity: "error", path: "suppressions.newInPullRequest", suggestion: null },
    { file: POLICY, line: 4, column: 3, severity: "error", path: "suppressions.newInPullReqest", suggestion: "newInPullRequest" },
  ]);
  assert.match(policyFindings(analysis)[0]?.message ?? "", /require-accept, allow/);
  assert.equal(analysis.policy.suppressions.newInPullRequest, "require-accept");
});

test("policy-invalid: a bad rule setting", () => {
  const analysis = analyze(`rules:
  tls-context-unused: off
  # fails: error, warning, notice, off or false
  weak-tls-protocol: fatal
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [
    { file: POLICY, line: 4, column: 3, severity: "error", path: "rules.weak-tls-protocol", suggestion: null },
  ]);
  assert.equal(analysis.policy.rules["tls-context-unused"], "off");
  assert.equal(analysis.policy.rules["weak-tls-protocol"], undefined);
});

test("policy-invalid: an externalSecrets entry that is not namespace/name", () => {
  const analysis = analyze(`# fails: edge-partner-ca has no namespace
externalSecrets: [edge/ok, edge-partner-ca]
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [
    { file: POLICY, line: 2, column: 28, severity: "error", path: "externalSecrets.1", suggestion: null },
  ]);
  assert.deepEqual(analysis.policy.externalSecrets, ["edge/ok"]);
});

test("policy-invalid: YAML that does not parse", () => {
  const analysis = analyze(`# fails: an unclosed flow sequence
failOn: [error
`);
  const findings = policyFindings(analysis);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.file, POLICY);
  assert.equal(findings[0]?.severity, "error");
  assert.equal(findings[0]?.data.path, "(file)");
  assert.equal(analysis.policy.failOn, "error");
});

test("policy-invalid: a policy that is not a mapping", () => {
  const analysis = analyze(`# fails: a list, not keys
- failOn: error
`);
  assert.deepEqual(policyFindings(analysis).map(summary), [{ file: POLICY, line: 2, column: 1, severity: "error", path: "(root)", suggestion: null }]);
});

test("policy-invalid: the policy file itself is never analysed as a manifest", () => {
  const analysis = analyze("failOn: error\n");
  assert.equal(analysis.stats.files, 1);
  assert.ok(analysis.findings.every((f) => f.file !== POLICY));
});
