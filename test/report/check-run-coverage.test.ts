import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptySkipped, type Coverage } from "../../src/core/coverage.js";
import { renderCheckRun, type CheckRunReportInput } from "../../src/report/check-run.js";

function input(overrides: Partial<CheckRunReportInput> = {}): CheckRunReportInput {
  return {
    findings: [],
    failing: [],
    routes: [],
    removedRoutes: [],
    policy: { failOn: "error", scope: "introduced" },
    hasBase: true,
    changedFiles: ["edge/mappings.yaml"],
    deletedFiles: [],
    target: { kind: "pull_request", numbers: [7] },
    headSha: "a".repeat(40),
    baseSha: "b".repeat(40),
    ruleDocsUrl: (id) => `https://docs.example/rules/${id}.md`,
    ...overrides,
  };
}

function coverage(overrides: Partial<Coverage> = {}): Coverage {
  return {
    filesRead: 3,
    filesParsed: 3,
    skipped: emptySkipped(),
    skippedFiles: [],
    resources: { Mapping: 2 },
    notKubernetes: 1,
    ...overrides,
  };
}

const skipped = coverage({
  filesParsed: 2,
  skipped: { ...emptySkipped(), templated: 1 },
  skippedFiles: [{ path: "chart/templates/mapping.yaml", reason: "templated" }],
});

describe("renderCheckRun: coverage", () => {
  it("without coverage, or with nothing skipped, the summary opens with the verdict as before", () => {
    for (const report of [renderCheckRun(input()), renderCheckRun(input({ coverage: coverage() }))]) {
      assert.match(report.summary, /^✅ \*\*No introduced findings/);
      assert.equal(report.conclusion, "success");
    }
  });

  it("skipped files: a Coverage line at the top naming them; the title counts them; the verdict is unchanged", () => {
    const report = renderCheckRun(input({ coverage: skipped }));
    assert.match(
      report.summary,
      /^⚠️ \*\*Coverage:\*\* 1 of 3 manifest files could not be analysed \(1 templated\); findings cover the other 2\.\n\n`chart\/templates\/mapping\.yaml` \(templated\)\n/,
    );
    assert.match(report.title, /1 file skipped$/);
    assert.equal(report.conclusion, "success");
  });

  it("coverageBlocking: the run fails and says why at the top, with no blocking finding", () => {
    const reason =
      "1 manifest file in scope could not be analysed (1 templated) and the policy's coverage.failOnSkipped is true";
    const report = renderCheckRun(input({ coverage: skipped, coverageBlocking: reason }));
    assert.equal(report.conclusion, "failure");
    assert.match(
      report.summary,
      /❌ \*\*Blocks merge:\*\* 1 manifest file in scope could not be analysed \(1 templated\) and the policy's coverage\.failOnSkipped is true\./,
    );
    assert.match(report.title, /1 file skipped \(blocking\)$/);
  });

  it("no Kubernetes manifest read: says so first, in the summary and the title", () => {
    const report = renderCheckRun(
      input({
        coverage: coverage({
          filesRead: 1,
          filesParsed: 0,
          resources: {},
          notKubernetes: 0,
          skipped: { ...emptySkipped(), templated: 1 },
          skippedFiles: [{ path: "chart/templates/a.yaml", reason: "templated" }],
        }),
      }),
    );
    assert.match(
      report.summary,
      /^⚠️ \*\*No manifests found:\*\* 1 file read, 0 parsed, 1 skipped \(1 templated\); 0 resources\. Nothing in this tree was checked\./,
    );
    assert.match(report.title, /^No manifests found · /);
  });
});
