import assert from "node:assert/strict";
import { test } from "node:test";
import { failingFindings } from "../../src/core/analyze.js";
import { analyzeFiles, ruleTester } from "../helpers/rule-tester.js";
import {
  ANNOTATION_LINE,
  baseTree,
  brokenHead,
  ignore,
  mapping,
  MAPPING,
  PLAIN,
} from "../helpers/suppression-fixtures.js";

const REQUIRE_MTLS = "require: {mtls: {namespaces: [payments]}}";
const REQUIRE_VERIFIED = "require: {verifiedUpstream: {namespaces: [payments]}}";
const IGNORE_REQUIRED = ignore("mtls-required -- billing is internal");
const IGNORE_UNVERIFIED = ignore("upstream-unverified -- billing pins our client cert");

/** TLS to https://billing without a TLSContext, so without a CA: upstream-unverified. */
const unverified = (comment: string, annotation: string) => ({
  "mapping.yaml": mapping(comment, annotation, PLAIN, "https://billing"),
});

/** A base whose Mapping sends to billing.edge, which require.mtls does not select. */
const unselectedBase = (annotation?: string) => baseTree(annotation, PLAIN, "billing.edge");

ruleTester("suppression-not-allowed", [
  {
    name: "clean: upstream-unverified outside require.verifiedUpstream is a notice and may be suppressed",
    files: unverified("not required: suppressed", IGNORE_UNVERIFIED),
    expect: [],
  },
  {
    name: "clean: mtls-required named where nothing is required suppresses nothing and reports nothing",
    files: brokenHead("no require.mtls, no mtls-required finding", IGNORE_REQUIRED),
    expect: [],
  },
  {
    name: "mtls-required cannot be suppressed by an annotation",
    policy: REQUIRE_MTLS,
    files: brokenHead("fails: require.mtls is not switched off by an annotation", IGNORE_REQUIRED),
    expect: [
      {
        line: ANNOTATION_LINE,
        column: 5,
        severity: "notice",
        resource: MAPPING,
        data: { rule: "mtls-required", resource: MAPPING, requirement: "require.mtls" },
      },
    ],
  },
  {
    name: "upstream-unverified where require.verifiedUpstream selects the route",
    policy: REQUIRE_VERIFIED,
    files: unverified("fails: required verification", IGNORE_UNVERIFIED),
    expect: [
      {
        line: ANNOTATION_LINE,
        severity: "notice",
        data: { rule: "upstream-unverified", requirement: "require.verifiedUpstream" },
      },
    ],
  },
  {
    name: "the base carrying the same annotation does not help",
    policy: REQUIRE_MTLS,
    base: unselectedBase(IGNORE_REQUIRED),
    files: brokenHead("fails: carried from the base, still not allowed", IGNORE_REQUIRED),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { rule: "mtls-required" } }],
  },
  {
    name: "suppressions.newInPullRequest: allow does not help",
    policy: `${REQUIRE_MTLS}\nsuppressions: {newInPullRequest: allow}`,
    base: unselectedBase(),
    files: brokenHead("fails: allow covers annotations, not require.*", IGNORE_REQUIRED),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { rule: "mtls-required" } }],
  },
]);

test("suppression-not-allowed: a require.* finding is never suppressed, with or without a base", () => {
  const cases = [
    { base: undefined, fails: true },
    { base: unselectedBase(), fails: true },
    { base: unselectedBase(IGNORE_REQUIRED), fails: true },
    // The base's route was plaintext and required already: unsuppressed, but pre-existing (scope: introduced).
    { base: baseTree(IGNORE_REQUIRED), fails: false },
  ];
  for (const { base, fails } of cases) {
    const analysis = analyzeFiles(brokenHead("require.mtls", IGNORE_REQUIRED), REQUIRE_MTLS, undefined, base);
    const required = analysis.findings.find((f) => f.ruleId === "mtls-required");
    assert.deepEqual(
      [required?.severity, required?.suppressed, required?.suppression?.status],
      ["error", undefined, "not-allowed"],
    );
    assert.equal(required?.suppression?.requirement, "require.mtls");
    const failing = failingFindings(analysis.findings, analysis.policy, base !== undefined);
    assert.equal(
      failing.some((f) => f.ruleId === "mtls-required"),
      fails,
    );
  }
});

test("suppression-not-allowed: even under a policy severity of warning the require.* finding stays unsuppressed", () => {
  const analysis = analyzeFiles(
    brokenHead("demoted", IGNORE_REQUIRED),
    `${REQUIRE_MTLS}\nrules: {mtls-required: warning}`,
  );
  const required = analysis.findings.find((f) => f.ruleId === "mtls-required");
  assert.deepEqual([required?.severity, required?.suppressed], ["warning", undefined]);
});

test("suppression-not-allowed: the other rules of the same annotation are still suppressed", () => {
  const both = ignore("mtls-required,mapping-tls-context-not-found -- billing is internal");
  const analysis = analyzeFiles(brokenHead("two rules", both), REQUIRE_MTLS);
  const notFound = analysis.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(notFound?.suppressed, { reason: "billing is internal" });
  assert.equal(analysis.findings.find((f) => f.ruleId === "mtls-required")?.suppressed, undefined);
});
