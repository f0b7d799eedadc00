/** The Action's pure parts: workflow-command escaping and rendering, the job summary, and reading the event. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CheckAnnotation, CheckRunReport } from "../../src/report/check-run.js";
import { readEvent, UnsupportedEventError, withWorkflowInstallation } from "../../src/action/event.js";
import {
  annotationCommand,
  escapeData,
  escapeProperty,
  renderJobSummary,
  reportCommands,
  workflowCommand,
} from "../../src/action/workflow-commands.js";

const annotation: CheckAnnotation = {
  path: "payments/mappings.yaml",
  start_line: 11,
  end_line: 11,
  start_column: 3,
  end_column: 23,
  annotation_level: "failure",
  title: "mapping-tls-context-not-found",
  message: 'Mapping payments/upstream-mapping: no TLSContext is named "upstream-contxt".',
  raw_details: "Resource: Mapping/payments/upstream-mapping\nFingerprint: 0123456789abcdef",
};

describe("workflow commands", () => {
  it("escape messages as GitHub documents: %, CR and LF, % first", () => {
    assert.equal(escapeData("100% done\r\nnext %0A"), "100%25 done%0D%0Anext %250A");
    assert.equal(escapeData("a: b, c"), "a: b, c", "colons and commas stay in a message");
  });

  it("escape property values: also : and ,", () => {
    assert.equal(escapeProperty("dir,with:odd%\nname.yaml"), "dir%2Cwith%3Aodd%25%0Aname.yaml");
  });

  it("turn an annotation into one ::error line with file, lines, columns and title", () => {
    assert.equal(
      annotationCommand(annotation),
      "::error file=payments/mappings.yaml,line=11,endLine=11,col=3,endColumn=23,title=mapping-tls-context-not-found::" +
        'Mapping payments/upstream-mapping: no TLSContext is named "upstream-contxt".%0A%0AResource: Mapping/payments/upstream-mapping%0AFingerprint: 0123456789abcdef',
    );
  });

  it("leave out columns a multi-line annotation does not have, and map the levels", () => {
    const { start_column: _start, end_column: _end, raw_details: _details, ...multiLine } = annotation;
    const warning = annotationCommand({ ...multiLine, end_line: 14, annotation_level: "warning" });
    assert.equal(
      warning,
      "::warning file=payments/mappings.yaml,line=11,endLine=14,title=mapping-tls-context-not-found::" +
        'Mapping payments/upstream-mapping: no TLSContext is named "upstream-contxt".',
    );
    assert.match(annotationCommand({ ...multiLine, annotation_level: "notice" }), /^::notice file=/);
  });

  it("keep text from the pull request from starting a command of its own", () => {
    const hostile = annotationCommand({
      ...annotation,
      path: "a,b:c.yaml",
      title: "x::y",
      message: "name\n::add-mask::secret\r\n::stop-commands::t",
    });
    assert.equal(hostile.split("\n").length, 1);
    assert.match(
      hostile,
      /^::error file=a%2Cb%3Ac\.yaml,line=11,endLine=11,col=3,endColumn=23,title=x%3A%3Ay::name%0A::add-mask::secret%0D%0A::stop-commands::t/,
    );
  });

  it("leave out properties without a value", () => {
    assert.equal(
      workflowCommand("notice", { title: "mtls-gate", file: undefined }, "ok"),
      "::notice title=mtls-gate::ok",
    );
    assert.equal(workflowCommand("error", {}, "plain"), "::error::plain");
  });
});

function report(conclusion: CheckRunReport["conclusion"], annotations: CheckAnnotation[] = []): CheckRunReport {
  return {
    conclusion,
    title: "1 error introduced · 1 blocking <b>",
    summary: "the summary",
    text: "## All findings (1)",
    annotations,
  };
}

describe("the Action's report without a check run", () => {
  it("prints the annotations, then the verdict: an error when the check fails, a notice when it passes", () => {
    const failing = reportCommands(report("failure", [annotation]));
    assert.equal(failing.length, 2);
    assert.match(failing[0] ?? "", /^::error file=payments\/mappings\.yaml,/);
    assert.equal(
      failing[1],
      "::error title=mtls-gate::1 error introduced · 1 blocking <b> (details in the job summary)",
    );
    assert.deepEqual(reportCommands(report("success")), [
      "::notice title=mtls-gate::1 error introduced · 1 blocking <b>",
    ]);
  });

  it("writes a job summary with the escaped title, why there is no check run, the summary and the full list", () => {
    const summary = renderJobSummary(report("failure"), { withoutCheckRun: "This pull request comes from a fork." });
    assert.match(summary, /^## ❌ mtls-gate: 1 error introduced · 1 blocking &lt;b&gt;\n/);
    assert.match(summary, /^> \*\*No `mtls-gate` check run\.\*\* This pull request comes from a fork\. /m);
    assert.match(summary, /^the summary\n\n## All findings \(1\)\n$/m);
  });

  it("links the check run when one carries the result", () => {
    const summary = renderJobSummary(report("success"), { checkRunUrl: "https://github.com/acme/platform/runs/1" });
    assert.match(summary, /^## ✅ mtls-gate: /);
    assert.match(summary, /\[the `mtls-gate` check run\]\(https:\/\/github\.com\/acme\/platform\/runs\/1\)/);
  });
});

describe("the workflow's event", () => {
  const repository = {
    id: 1,
    name: "platform",
    full_name: "acme/platform",
    owner: { login: "acme" },
    html_url: "https://github.com/acme/platform",
  };
  const pullRequest = (headRepo: unknown, action = "opened") => ({
    action,
    repository,
    pull_request: {
      number: 9,
      head: { sha: "a".repeat(40), ref: "feature", repo: headRepo },
      base: { sha: "b".repeat(40), ref: "main", repo: repository },
    },
  });

  it("reads a pull request as the app's handler does", () => {
    const event = readEvent("pull_request", pullRequest(repository));
    assert.deepEqual(event, {
      kind: "pull_request",
      target: {
        repo: { owner: "acme", repo: "platform" },
        headSha: "a".repeat(40),
        subject: { kind: "pull_request", numbers: [9], baseRef: "main", baseSha: "b".repeat(40) },
        fresh: false,
      },
      htmlUrl: "https://github.com/acme/platform",
      fromFork: false,
    });
  });

  it("tells a fork by repository id or name, or by a deleted head repository; not by `fork: true`", () => {
    assert.equal(
      readEvent("pull_request", pullRequest({ ...repository, id: 2, full_name: "someone/platform" })).fromFork,
      true,
    );
    assert.equal(
      readEvent("pull_request", pullRequest({ ...repository, full_name: "someone/platform", id: undefined })).fromFork,
      true,
    );
    assert.equal(readEvent("pull_request", pullRequest(null)).fromFork, true);
    // Two branches of a repository that is itself a fork of another.
    assert.equal(readEvent("pull_request", pullRequest({ ...repository, fork: true })).fromFork, false);
  });

  it("reads a merge queue's group, with the pull request its branch names", () => {
    const event = readEvent("merge_group", {
      action: "checks_requested",
      repository,
      merge_group: {
        head_sha: "c".repeat(40),
        head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${"b".repeat(40)}`,
        base_sha: "b".repeat(40),
        base_ref: "refs/heads/main",
      },
    });
    assert.deepEqual(event.target.subject, {
      kind: "merge_group",
      baseRef: "main",
      baseSha: "b".repeat(40),
      numbers: [7],
    });
  });

  it("refuses what the app would not check", () => {
    assert.throws(() => readEvent("pull_request", pullRequest(repository, "labeled")), UnsupportedEventError);
    assert.throws(() => readEvent("pull_request_target", pullRequest(repository)), /not pull_request_target/);
    assert.throws(() => readEvent("push", { repository }), /not push/);
    assert.throws(
      () => readEvent("merge_group", { action: "destroyed", repository, merge_group: {} }),
      UnsupportedEventError,
    );
  });

  it("gives the payload the workflow token's placeholder installation, keeping a real one", () => {
    assert.deepEqual(withWorkflowInstallation({ action: "opened" }), { action: "opened", installation: { id: 0 } });
    assert.deepEqual(withWorkflowInstallation({ installation: { id: 5 } }), { installation: { id: 5 } });
  });
});
