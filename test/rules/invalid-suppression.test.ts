import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";

/** A Mapping originating TLS without a CA (an upstream-unverified notice), with its ignore annotation on line 8. */
const mapping = (comment: string, ignore: string) => `# ${comment}
apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: partner
  namespace: default
  annotations:
    mtls-gate.io/ignore: "${ignore}"
spec:
  prefix: /partner/
  service: https://partner-gateway
`;

ruleTester("invalid-suppression", [
  {
    name: "clean: rules and a reason",
    files: { "mapping.yaml": mapping("a valid suppression", "upstream-unverified -- partner gateway pins our cert") },
    expect: [],
  },
  {
    name: "clean: several rules and a reason",
    files: { "mapping.yaml": mapping("a valid suppression of two rules", "upstream-unverified, weak-tls-protocol -- partner gateway pins our cert") },
    expect: [],
  },
  {
    name: "no reason: nothing is suppressed",
    files: { "mapping.yaml": mapping("fails: the reason after -- is required", "upstream-unverified") },
    expect: [
      {
        line: 8,
        column: 5,
        severity: "warning",
        resource: "Mapping/default/partner",
        data: { problem: "no-reason", rules: "upstream-unverified" },
      },
    ],
  },
  {
    name: "an empty reason after -- is no reason",
    files: { "mapping.yaml": mapping("fails: -- followed by blanks", "upstream-unverified, weak-tls-protocol --   ") },
    expect: [{ line: 8, severity: "warning", data: { problem: "no-reason", rules: "upstream-unverified,weak-tls-protocol" } }],
  },
  {
    name: "clean: rules, an until date and a reason",
    files: { "mapping.yaml": mapping("a valid suppression with an expiry", "upstream-unverified, weak-tls-protocol until 2027-03-31 -- partner gateway pins our cert") },
    expect: [],
  },
  {
    name: "an until date that is not a real date: nothing is suppressed",
    files: { "mapping.yaml": mapping("fails: there is no 30 February", "upstream-unverified until 2027-02-30 -- partner gateway pins our cert") },
    expect: [
      {
        line: 8,
        column: 5,
        severity: "warning",
        resource: "Mapping/default/partner",
        data: { problem: "invalid-until", rules: "upstream-unverified", until: "2027-02-30" },
      },
    ],
  },
  {
    name: "an until that is not YYYY-MM-DD",
    files: { "mapping.yaml": mapping("fails: a date is YYYY-MM-DD", "upstream-unverified until next sprint -- partner gateway pins our cert") },
    expect: [{ line: 8, severity: "warning", data: { problem: "invalid-until", until: "next sprint" } }],
  },
  {
    name: "until without a date",
    files: { "mapping.yaml": mapping("fails: until needs a date", "upstream-unverified, weak-tls-protocol until -- partner gateway pins our cert") },
    expect: [{ line: 8, severity: "warning", data: { problem: "invalid-until", rules: "upstream-unverified,weak-tls-protocol", until: "" } }],
  },
  {
    name: "an unknown rule id, with a suggestion",
    files: { "mapping.yaml": mapping("fails: upstream-unverifed is a typo", "upstream-unverifed -- partner gateway pins our cert") },
    expect: [{ line: 8, column: 5, severity: "warning", data: { problem: "unknown-rule", rule: "upstream-unverifed", suggestion: "upstream-unverified" } }],
  },
  {
    name: "an unknown rule id far from every rule: no suggestion",
    files: { "mapping.yaml": mapping("fails: no rule is called everything", "everything -- we know") },
    expect: [{ line: 8, severity: "warning", data: { problem: "unknown-rule", rule: "everything", suggestion: null } }],
  },
  {
    name: "on a getambassador.io/config annotation: every resource of the block inherits it, reported on each name: line",
    files: {
      "service.yaml": `# fails twice: the Service's ignore annotation has no reason and applies to both Mappings
apiVersion: v1
kind: Service
metadata:
  name: partner
  namespace: default
  annotations:
    mtls-gate.io/ignore: upstream-unverified
    getambassador.io/config: |
      ---
      apiVersion: ambassador/v2
      kind: Mapping
      name: partner-a
      prefix: /a/
      service: https://partner-a
      ---
      apiVersion: ambassador/v2
      kind: Mapping
      name: partner-b
      prefix: /b/
      service: https://partner-b
spec:
  ports: [{port: 443}]
`,
    },
    expect: [
      { line: 13, column: 7, severity: "warning", resource: "Mapping/default/partner-a", data: { problem: "no-reason" } },
      { line: 19, column: 7, severity: "warning", resource: "Mapping/default/partner-b", data: { problem: "no-reason" } },
    ],
  },
]);

test("invalid-suppression: without a reason the finding it names stays unsuppressed", () => {
  const analysis = analyzeFiles({ "mapping.yaml": mapping("no reason", "upstream-unverified") });
  const unverified = analysis.findings.filter((f) => f.ruleId === "upstream-unverified");
  assert.equal(unverified.length, 1);
  assert.equal(unverified[0]?.suppressed, undefined);
});

test("invalid-suppression: with a reason the named finding is suppressed, carrying the reason", () => {
  const analysis = analyzeFiles({ "mapping.yaml": mapping("valid", "upstream-unverified -- partner gateway pins our cert") });
  const unverified = analysis.findings.filter((f) => f.ruleId === "upstream-unverified");
  assert.equal(unverified.length, 1);
  assert.deepEqual(unverified[0]?.suppressed, { reason: "partner gateway pins our cert" });
  assert.equal(unverified[0]?.line, 11);
});

test("invalid-suppression: with a bad until date the named finding stays unsuppressed", () => {
  const analysis = analyzeFiles({ "mapping.yaml": mapping("bad date", "upstream-unverified until 31/03/2027 -- partner gateway pins our cert") });
  const unverified = analysis.findings.find((f) => f.ruleId === "upstream-unverified");
  assert.equal(unverified?.suppressed, undefined);
  assert.match(analysis.findings.find((f) => f.ruleId === "invalid-suppression")?.message ?? "", /until YYYY-MM-DD/);
});

test("invalid-suppression: a rule id that merely contains until is not an expiry", () => {
  const analysis = analyzeFiles({ "mapping.yaml": mapping("no expiry here", "upstream-unverified,valid-until-x -- partner gateway pins our cert") });
  const invalid = analysis.findings.filter((f) => f.ruleId === "invalid-suppression");
  assert.deepEqual(
    invalid.map((f) => [f.data.problem, f.data.rule]),
    [["unknown-rule", "valid-until-x"]],
  );
  assert.deepEqual(analysis.findings.find((f) => f.ruleId === "upstream-unverified")?.suppressed, { reason: "partner gateway pins our cert" });
});

test("invalid-suppression: an unknown id next to a known one still suppresses the known one", () => {
  const analysis = analyzeFiles({ "mapping.yaml": mapping("one typo, one good id", "upstream-unverified, mtls-requird -- partner gateway pins our cert") });
  const unverified = analysis.findings.find((f) => f.ruleId === "upstream-unverified");
  assert.deepEqual(unverified?.suppressed, { reason: "partner gateway pins our cert" });
  const invalid = analysis.findings.filter((f) => f.ruleId === "invalid-suppression");
  assert.deepEqual(
    invalid.map((f) => [f.data.rule, f.data.suggestion]),
    [["mtls-requird", "mtls-required"]],
  );
});
