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

// The tests' clock is 2026-06-01T00:00:00Z.
const until = (date: string) => ignore(`mapping-tls-context-not-found until ${date} -- billing moves in OPS-7`);

ruleTester("suppression-expired", [
  {
    name: "clean: until a later date, the suppression counts",
    files: brokenHead("suppressed until next year", until("2027-03-31")),
    expect: [],
  },
  {
    name: "clean: until today counts through the end of the day (UTC)",
    files: brokenHead("the last day", until("2026-06-01")),
    expect: [],
  },
  {
    name: "clean: without until a suppression never expires",
    files: brokenHead("no expiry", ignore("mapping-tls-context-not-found -- billing moves in OPS-7")),
    expect: [],
  },
  {
    name: "until yesterday: expired, the finding counts again",
    files: brokenHead("fails: expired on 2026-05-31", until("2026-05-31")),
    expect: [
      {
        line: ANNOTATION_LINE,
        column: 5,
        severity: "notice",
        resource: MAPPING,
        data: { rule: "mapping-tls-context-not-found", resource: MAPPING, until: "2026-05-31" },
      },
    ],
  },
  {
    name: "the keyword is not case-sensitive: UNTIL is an expiry too, not an unknown rule",
    files: brokenHead(
      "fails: expired",
      ignore("mapping-tls-context-not-found UNTIL 2026-05-31 -- billing moves in OPS-7"),
    ),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { until: "2026-05-31" } }],
  },
  {
    name: "expired in the base and the head alike: reported in the change too",
    base: baseTree(until("2026-01-31"), BROKEN_TLS),
    files: brokenHead("fails: still expired", until("2026-01-31")),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { until: "2026-01-31" } }],
  },
  {
    name: "an expired suppression of a notice is reported as well: it no longer suppresses",
    policy: "rules: {mapping-tls-context-not-found: notice}",
    files: brokenHead("fails: expired", until("2025-12-31")),
    expect: [{ line: ANNOTATION_LINE, severity: "notice", data: { until: "2025-12-31" } }],
  },
]);

test("suppression-expired: past its date the suppression no longer clears the error", () => {
  const analysis = analyzeFiles(brokenHead("expired", until("2026-05-31")));
  const error = analysis.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual(
    [error?.file, error?.line, error?.severity, error?.suppressed],
    ["mapping.yaml", TLS_LINE, "error", undefined],
  );
  assert.deepEqual(error?.suppression, { status: "expired", reason: "billing moves in OPS-7", until: "2026-05-31" });
  assert.ok(
    failingFindings(analysis.findings, analysis.policy, false).some(
      (f) => f.ruleId === "mapping-tls-context-not-found",
    ),
  );
  const expired = analysis.findings.find((f) => f.ruleId === "suppression-expired");
  assert.match(expired?.message ?? "", /expired after 2026-05-31/);
});

test("suppression-expired: the same annotation suppresses on its last day and not the day after", () => {
  const files = brokenHead("the last day", until("2026-06-01"));
  const status = (now: string) =>
    analyzeFiles(files, undefined, new Date(now)).findings.find((f) => f.ruleId === "mapping-tls-context-not-found")
      ?.suppression?.status;
  assert.equal(status("2026-06-01T23:59:59Z"), "active");
  assert.equal(status("2026-06-02T00:00:00Z"), "expired");
});

test("suppression-expired: with a base, an expired suppression in both trees is pre-existing, so is its finding", () => {
  const analysis = analyzeFiles(
    brokenHead("still expired", until("2026-01-31")),
    undefined,
    undefined,
    baseTree(until("2026-01-31"), BROKEN_TLS),
  );
  const error = analysis.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.deepEqual([error?.suppressed, error?.introduced], [undefined, false]);
  assert.equal(analysis.findings.find((f) => f.ruleId === "suppression-expired")?.introduced, false);
});
