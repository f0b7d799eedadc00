/**
 * Every surface reads the core's verdict and decides nothing of its own: on one pull request with a finding of each
 * status (blocking, accepted, suppressed, pending suppression, pre-existing), the check run (what the App and the
 * Action's fork fallback publish), the CLI's exit code and JSON, SARIF and GitLab's report all agree with `decide`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff, summarize } from "../../src/core/analyze.js";
import { renderText } from "../../src/report/text.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";
import { RULES } from "../../src/core/rules/index.js";
import { decide, type AcceptanceGrant, type FindingStatus } from "../../src/core/verdict.js";
import { reportFor, type Prepared } from "../../src/app/stages/report-for.js";
import { renderGitLabCodeQuality } from "../../src/report/gitlab.js";
import { renderSarif } from "../../src/report/sarif.js";
import { toJsonFinding } from "../../src/report/json.js";
import type { Acceptance } from "../../src/app/commands/acceptances.js";

const NOW = new Date("2026-06-01T00:00:00Z");

/** A plaintext Mapping `name`, optionally naming a TLSContext that does not exist, optionally with an ignore annotation. */
function mapping(name: string, options: { brokenTls?: boolean; ignore?: boolean } = {}): string {
  return [
    "apiVersion: getambassador.io/v3alpha1",
    "kind: Mapping",
    "metadata:",
    `  name: ${name}`,
    "  namespace: default",
    "  annotations:",
    options.ignore
      ? '    mtls-gate.io/ignore: "mapping-tls-context-not-found -- reviewed"'
      : "    example.com/owner: team",
    "spec:",
    `  prefix: /${name}/`,
    `  service: ${name}`,
    options.brokenTls ? `  tls: missing-${name}` : "  timeout_ms: 3000",
    "",
  ].join("\n");
}

// blocking: introduced; accepted: introduced, then accepted; suppressed: carried by the base; pending: the change
// adds the suppression; pre-existing: broken in the base already.
const base = [
  { path: "blocking.yaml", text: mapping("blocking") },
  { path: "accepted.yaml", text: mapping("accepted") },
  { path: "suppressed.yaml", text: mapping("suppressed", { brokenTls: true, ignore: true }) },
  { path: "pending.yaml", text: mapping("pending") },
  { path: "preexisting.yaml", text: mapping("preexisting", { brokenTls: true }) },
];
const head = [
  { path: "blocking.yaml", text: mapping("blocking", { brokenTls: true }) },
  { path: "accepted.yaml", text: mapping("accepted", { brokenTls: true }) },
  { path: "suppressed.yaml", text: mapping("suppressed", { brokenTls: true, ignore: true }) },
  { path: "pending.yaml", text: mapping("pending", { brokenTls: true, ignore: true }) },
  { path: "preexisting.yaml", text: mapping("preexisting", { brokenTls: true }) },
];

describe("every surface agrees with decide", () => {
  const policy = defaultPolicy();
  const analysis = analyzeDiff(base, head, { policy, now: NOW });
  const rule = "mapping-tls-context-not-found";
  const of = (name: string) =>
    analysis.findings.find((f) => f.ruleId === rule && f.resource === `Mapping/default/${name}`);
  const accepted = of("accepted");
  assert.ok(accepted, "the fixture has the finding to accept");
  const acceptance: Acceptance & AcceptanceGrant = {
    ruleId: rule,
    resource: "Mapping/default/accepted",
    fingerprints: [accepted.fingerprint],
    permission: "maintain",
    reason: "migrating",
    by: "maria",
    byId: 1,
    at: NOW.toISOString(),
    repo: "acme/platform",
    pullNumber: 1,
    commandCommentId: 1,
  };
  const verdict = decide(analysis.findings, policy, { hasBase: true, acceptances: [acceptance] });
  const statusOf = (name: string) => verdict.findings.find((d) => d.finding === of(name))?.status;

  it("the fixture has one finding of each status", () => {
    const expected: Record<string, FindingStatus> = {
      blocking: "blocking",
      accepted: "accepted",
      suppressed: "suppressed",
      pending: "pending-suppression",
      preexisting: "pre-existing",
    };
    for (const [name, status] of Object.entries(expected)) assert.equal(statusOf(name), status, name);
    assert.equal(verdict.conclusion, "failure");
  });

  it("the check run (App and Action): its conclusion, and failure annotations exactly on the findings that block", () => {
    const prepared: Prepared = {
      kind: "analysed",
      analysis,
      removedRoutes: [],
      policy,
      baseSha: "b".repeat(40),
      hasBase: true,
      changes: { changed: head.map((f) => f.path), deleted: [] },
      headPaths: head.map((f) => f.path),
    };
    const target = {
      repo: { owner: "acme", repo: "platform" },
      headSha: "a".repeat(40),
      subject: { kind: "pull_request" as const, numbers: [1], baseRef: "main", baseSha: "b".repeat(40) },
      fresh: false,
    };
    const report = reportFor(
      prepared,
      target,
      { ruleDocsUrl: (id) => `https://docs.example/${id}` },
      "https://github.example/acme/platform",
      { acceptances: [acceptance], handledCommands: new Set(), problem: null },
    );
    assert.equal(report.conclusion, verdict.conclusion);
    const blockingFiles = verdict.blocking
      .filter((f) => f.ruleId === rule)
      .map((f) => f.file)
      .sort();
    const annotatedAsBlocking = report.annotations
      .filter((a) => a.title === rule && !/accepted by/.test(a.message))
      .map((a) => a.path)
      .sort();
    assert.deepEqual(annotatedAsBlocking, blockingFiles, "blocking.yaml and pending.yaml");
    assert.ok(
      report.annotations.some((a) => a.path === "accepted.yaml" && /accepted by @maria: migrating/.test(a.message)),
      "the accepted one says so",
    );
    assert.ok(
      !report.annotations.some((a) => a.path === "suppressed.yaml" || a.path === "preexisting.yaml"),
      "neither suppressed nor pre-existing is annotated",
    );
    assert.match(report.summary, /### Accepted findings \(1\)/);
  });

  it("the CLI (no acceptances there): exit code and JSON from the same verdict", () => {
    const cli = decide(analysis.findings, policy, { hasBase: true });
    assert.equal(cli.conclusion, "failure");
    assert.deepEqual(
      cli.findings
        .filter((d) => d.finding.ruleId === rule)
        .map((d) => [d.finding.file, d.status])
        .sort(),
      [
        ["accepted.yaml", "blocking"],
        ["blocking.yaml", "blocking"],
        ["pending.yaml", "pending-suppression"],
        ["preexisting.yaml", "pre-existing"],
        ["suppressed.yaml", "suppressed"],
      ],
    );
    // The text output's closing line counts what the verdict blocks.
    const text = renderText(
      {
        findings: analysis.findings,
        routes: analysis.routes,
        hosts: analysis.hosts,
        summary: summarize(analysis.findings),
        failed: cli.conclusion === "failure",
        verdict: cli,
        hasBase: true,
      },
      { color: false },
    );
    assert.match(
      text,
      new RegExp(`\\nFAIL: \\d+ introduced \\(${cli.blocking.length} blocking\\) · \\d+ pre-existing`),
    );
    const json = analysis.findings.map(toJsonFinding);
    const suppressedInJson = json.filter((f) => f.suppressed).map((f) => f.file);
    const suppressedByVerdict = verdict.findings.filter((d) => d.status === "suppressed").map((d) => d.finding.file);
    assert.deepEqual(
      suppressedInJson.sort(),
      suppressedByVerdict.sort(),
      "a pending suppression is not reported as suppressed",
    );
  });

  it("SARIF and GitLab: suppressed exactly where the verdict says so", () => {
    const sarif = JSON.parse(renderSarif(analysis.findings, { rules: RULES, toolVersion: "test" })) as {
      runs: {
        results: {
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          suppressions?: unknown[];
        }[];
      }[];
    };
    const suppressedInSarif = (sarif.runs[0]?.results ?? [])
      .filter((r) => r.suppressions)
      .map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    const suppressedByVerdict = verdict.findings.filter((d) => d.status === "suppressed").map((d) => d.finding.file);
    assert.deepEqual(suppressedInSarif.sort(), suppressedByVerdict.sort());
    const gitlab = JSON.parse(renderGitLabCodeQuality(analysis.findings)) as { location: { path: string } }[];
    assert.ok(
      !gitlab.some(
        (issue) => suppressedByVerdict.includes(issue.location.path) && issue.location.path === "suppressed.yaml",
      ),
      "GitLab leaves suppressed findings out",
    );
    assert.ok(
      gitlab.some((issue) => issue.location.path === "pending.yaml"),
      "a pending suppression is an open issue",
    );
  });
});
