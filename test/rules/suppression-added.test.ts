import assert from "node:assert/strict";
import { test } from "node:test";
import { failingFindings } from "../../src/core/analyze.js";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";
import { ANNOTATION_LINE, baseTree, brokenHead, ignore, MAPPING } from "../helpers/suppression-fixtures.js";

const ALLOW = "suppressions: {newInPullRequest: allow}";
const IGNORE_ERROR = ignore("mapping-tls-context-not-found -- billing moves in OPS-7");

ruleTester("suppression-added", [
  {
    name: "clean: under the default require-accept the new suppression is pending instead",
    base: baseTree(),
    files: brokenHead("require-accept: suppression-pending, not this rule", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: allow, and the base already carries the suppression",
    policy: ALLOW,
    base: baseTree(IGNORE_ERROR),
    files: brokenHead("carried: nothing new", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: allow, without a base nothing is new",
    policy: ALLOW,
    files: brokenHead("no base", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "clean: allow, a new suppression of a warning (not blocking) is not reported",
    policy: `${ALLOW}\nrules: {mapping-tls-context-not-found: warning}`,
    base: baseTree(),
    files: brokenHead("a warning", IGNORE_ERROR),
    expect: [],
  },
  {
    name: "allow: the change adds a suppression that clears an error, reported on the annotation",
    policy: ALLOW,
    base: baseTree(),
    files: brokenHead("reported: the policy lets it count", IGNORE_ERROR),
    expect: [
      {
        line: ANNOTATION_LINE,
        column: 5,
        severity: "notice",
        resource: MAPPING,
        data: { rule: "mapping-tls-context-not-found", resource: MAPPING, severity: "error" },
      },
    ],
  },
]);

test("suppression-added: under allow the error is suppressed and the run passes, with the addition reported", () => {
  const analysis = analyzeFiles(brokenHead("allowed", IGNORE_ERROR), ALLOW, undefined, baseTree());
  const error = analysis.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(error?.suppression, { status: "active", reason: "billing moves in OPS-7", addedInChange: true });
  assert.deepEqual(failingFindings(analysis.findings, analysis.policy, true), []);
  assert.equal(analysis.findings.find((f) => f.ruleId === "suppression-added")?.introduced, true);
});
