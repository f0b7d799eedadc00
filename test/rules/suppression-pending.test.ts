import assert from "node:assert/strict";
import { test } from "node:test";
import { failingFindings } from "../../src/core/analyze.js";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";
import {
  ANNOTATION_LINE,
  BROKEN_TLS,
  baseTree,
  brokenHead,
  ignore,
  MAPPING,
  TLS_LINE,
} from "../helpers/suppression-fixtures.js";

const REASON = "billing moves to the new context in OPS-7";
const IGNORE_ERROR = ignore(`mapping-tls-context-not-found -- ${REASON}`);

ruleTester("suppression-pending", [
  {
    name: "clean: without a base every suppression counts",
    files: brokenHead("no base: the suppression counts", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: the base already carries the suppression (same rule, same resource)",
    base: baseTree(IGNORE_ERROR),
    files: brokenHead("the base had this annotation", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: the base carries it with another reason: the identity is rule and resource",
    base: baseTree(ignore("mapping-tls-context-not-found -- an older reason")),
    files: brokenHead("reason reworded", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: suppressions.newInPullRequest: allow",
    policy: "suppressions: {newInPullRequest: allow}",
    base: baseTree(),
    files: brokenHead("the policy allows new suppressions", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: a new suppression of a warning is free when failOn is error",
    policy: "rules: {mapping-tls-context-not-found: warning}",
    base: baseTree(),
    files: brokenHead("warnings may be suppressed freely", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "the attack: the change introduces an error and a suppression for it",
    base: baseTree(),
    files: brokenHead("fails: a pull request cannot suppress its own error", IGNORE_ERROR),
    expect: [
      {
        line: ANNOTATION_LINE,
        column: 5,
        severity: "notice",
        resource: MAPPING,
        data: { rule: "mapping-tls-context-not-found", resource: MAPPING, severity: "error", permission: "maintain" },
      },
    ],
  },
  {
    name: "the base had the error unsuppressed; the change adds the suppression",
    base: baseTree(undefined, BROKEN_TLS),
    files: brokenHead("fails: the pre-existing error is not suppressed by the change", IGNORE_ERROR),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { rule: "mapping-tls-context-not-found" } }],
  },
  {
    name: "the base suppresses another rule on the resource",
    base: baseTree(ignore("upstream-unverified -- partner pins our cert")),
    files: brokenHead("fails: a base suppression of another rule does not carry", IGNORE_ERROR),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { rule: "mapping-tls-context-not-found" } }],
  },
  {
    name: "the base's suppression expired; the change renews it",
    base: baseTree(ignore(`mapping-tls-context-not-found until 2026-01-31 -- ${REASON}`)),
    files: brokenHead(
      "fails: a renewal is a new suppression",
      ignore(`mapping-tls-context-not-found until 2027-01-31 -- ${REASON}`),
    ),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { rule: "mapping-tls-context-not-found" } }],
  },
  {
    name: "failOn: warning makes a warning blocking: its new suppression is pending, accepted with write",
    policy: "failOn: warning\nrules: {mapping-tls-context-not-found: warning}",
    base: baseTree(),
    files: brokenHead("fails: the warning blocks under failOn: warning", IGNORE_ERROR),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { severity: "warning", permission: "write" } }],
  },
  {
    name: "the permission named is the policy's commands.acceptErrors",
    policy: "commands: {acceptErrors: admin}",
    base: baseTree(),
    files: brokenHead("fails: admin must accept", IGNORE_ERROR),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { permission: "admin" } }],
  },
]);

const findingsOf = (ruleId: string, analysis: ReturnType<typeof analyzeFiles>) =>
  analysis.findings.filter((f) => f.ruleId === ruleId);

test("suppression-pending: the attack: the introduced error stays unsuppressed and fails the run", () => {
  const analysis = analyzeFiles(brokenHead("the attack", IGNORE_ERROR), undefined, undefined, baseTree());
  const [error] = findingsOf("mapping-tls-context-not-found", analysis);
  assert.ok(error);
  assert.deepEqual(
    [error.file, error.line, error.severity, error.resource, error.introduced, error.suppressed],
    ["mapping.yaml", TLS_LINE, "error", MAPPING, true, undefined],
  );
  assert.deepEqual(error.suppression, { status: "pending", reason: REASON, addedInChange: true });
  const failing = failingFindings(analysis.findings, analysis.policy, true);
  assert.deepEqual(
    failing.map((f) => f.ruleId),
    ["mapping-tls-context-not-found"],
  );
  const [pending] = findingsOf("suppression-pending", analysis);
  assert.match(
    pending?.message ?? "",
    /\/mtls-gate accept mapping-tls-context-not-found Mapping\/payments\/billing -- <reason>/,
  );
  assert.match(pending?.message ?? "", /maintain permission/);
  assert.equal(pending?.introduced, true);
});

test("suppression-pending: the same annotation in the base suppresses the finding in the head", () => {
  const analysis = analyzeFiles(brokenHead("carried", IGNORE_ERROR), undefined, undefined, baseTree(IGNORE_ERROR));
  const [error] = findingsOf("mapping-tls-context-not-found", analysis);
  assert.deepEqual(error?.suppressed, { reason: REASON });
  assert.deepEqual(error?.suppression, { status: "active", reason: REASON, addedInChange: false });
  assert.deepEqual(failingFindings(analysis.findings, analysis.policy, true), []);
});

test("suppression-pending: with suppressions.newInPullRequest: allow the new suppression counts", () => {
  const analysis = analyzeFiles(
    brokenHead("allowed", IGNORE_ERROR),
    "suppressions: {newInPullRequest: allow}",
    undefined,
    baseTree(),
  );
  const [error] = findingsOf("mapping-tls-context-not-found", analysis);
  assert.deepEqual(error?.suppressed, { reason: REASON });
  assert.deepEqual(failingFindings(analysis.findings, analysis.policy, true), []);
});

test("suppression-pending: a new suppression of a notice counts at once and reports nothing", () => {
  const annotation = ignore("mapping-tls-context-not-found -- notice only");
  const analysis = analyzeFiles(
    brokenHead("notice", annotation),
    "rules: {mapping-tls-context-not-found: notice}",
    undefined,
    baseTree(),
  );
  const [finding] = findingsOf("mapping-tls-context-not-found", analysis);
  assert.deepEqual(finding?.suppressed, { reason: "notice only" });
  assert.deepEqual(findingsOf("suppression-pending", analysis), []);
  assert.deepEqual(findingsOf("suppression-added", analysis), []);
});
