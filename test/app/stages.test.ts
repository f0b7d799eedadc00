/**
 * The app as four stages (docs/app-flow.md): the queue's one processor runs them, and the Action's path without a check
 * run swaps only `publish`. A recording `publish` receives the report the real stages produce for a fixture pull
 * request; the check run the app completes through its queue, and the Action's report, are exactly that report.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkWithoutCheckRun } from "../../src/action/analyse.js";
import type { CheckTarget } from "../../src/app/check-target.js";
import type { GitHubClient } from "../../src/app/github-client.js";
import { runStages, stagesFor } from "../../src/app/stages/run-stages.js";
import type { CheckRunReport } from "../../src/report/check-run.js";
import { exampleRepository } from "./fixtures.js";
import { annotationsOf, pullRequestEvent, startHarness, type Harness } from "./harness.js";

const TYPO_FIX = ["tls: report-context", "tls: reports-context"] as const;

describe("the four stages", () => {
  let h: Harness;
  let github: GitHubClient;
  let target: CheckTarget;
  let htmlUrl: string;
  let base: string;
  /** What a recording publish received from the stages run directly. */
  let recorded: CheckRunReport;

  before(async () => {
    h = await startHarness();
    const clean = exampleRepository();
    clean["edge/mappings.yaml"] = (clean["edge/mappings.yaml"] ?? "").replace(...TYPO_FIX);
    base = h.repo.commit(clean, { branch: "main" });
    const broken = { ...clean };
    broken["payments/mappings.yaml"] = (broken["payments/mappings.yaml"] ?? "").replace(
      "tls: upstream-context",
      "tls: upstream-contxt",
    );
    const head = h.repo.commit(broken, { parents: [base] });
    h.repo.addPullRequest({ number: 7, headSha: head });
    target = {
      repo: { owner: h.repo.owner, repo: h.repo.name },
      headSha: head,
      subject: { kind: "pull_request", numbers: [7], baseRef: "main", baseSha: base },
      fresh: false,
    };
    htmlUrl = `https://github.example/${h.repo.fullName}`;
    github = (await h.probot.auth(1)) as unknown as GitHubClient;
  });
  after(async () => {
    await h.close();
    await h.gate.close();
  });

  it("readInputs -> evaluate -> render -> publish: a recording publish receives the report, once", async () => {
    const published: CheckRunReport[] = [];
    const returned = await runStages(
      { target, log: h.probot.log },
      {
        ...stagesFor(h.gate.settings, github, target, { htmlUrl }),
        publish: async (report) => {
          published.push(report);
        },
      },
    );
    assert.equal(published.length, 1, "published once");
    recorded = published[0]!;
    assert.equal(returned, recorded);
    assert.equal(recorded.conclusion, "failure");
    const blocking = recorded.annotations.filter((a) => a.annotation_level === "failure");
    assert.deepEqual(
      blocking.map((a) => [a.path, a.title]),
      [["payments/mappings.yaml", "mapping-tls-context-not-found"]],
      "one blocking annotation, on the broken reference",
    );
    assert.equal(h.repo.checkRuns.length, 0, "the recording publish wrote no check run");
  });

  it("the queue's processor runs the same stages: the check run it completes is exactly that report", async () => {
    assert.ok(recorded, "the previous test recorded the report");
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 7, headSha: target.headSha, baseSha: base }),
    );
    assert.equal(h.repo.checkRuns.length, 1);
    const run = h.repo.checkRuns[0]!;
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, recorded.conclusion);
    assert.equal(run.output.title, recorded.title);
    assert.equal(run.output.summary, recorded.summary);
    const completing = h.fake
      .apiCalls({ method: "PATCH", path: new RegExp(`/check-runs/${run.id}$`) })
      .map((r) => r.body as { status?: string; actions?: unknown })
      .filter((body) => body.status === "completed");
    assert.deepEqual(
      completing.map((body) => body.actions),
      [recorded.actions],
      "completed once, with the buttons render gave",
    );
    assert.deepEqual(
      annotationsOf(h.repo, run.id).map((a) => [a.path, a.start_line, a.annotation_level, a.title, a.message]),
      recorded.annotations.map((a) => [a.path, a.start_line, a.annotation_level, a.title, a.message]),
    );
  });

  it("the queue is built with that one function: gate.processCheck, given the job, completes a run the same way", async () => {
    const before = h.repo.checkRuns.length;
    await h.gate.processCheck(
      { installationId: 1, target: { ...target, fresh: true }, htmlUrl, deliveryId: "direct" },
      async () => undefined,
    );
    assert.equal(h.repo.checkRuns.length, before + 1, "a new run (fresh)");
    const run = h.repo.checkRuns.at(-1)!;
    assert.equal(run.conclusion, recorded.conclusion);
    assert.equal(run.output.summary, recorded.summary);
  });

  it("the Action without a check run swaps only publish: its publish receives the same report", async () => {
    const published: CheckRunReport[] = [];
    const runs = h.repo.checkRuns.length;
    const report = await checkWithoutCheckRun(h.gate, github, target, htmlUrl, async (r) => {
      published.push(r);
    });
    assert.deepEqual(published, [report]);
    const { actions, ...withoutButtons } = recorded;
    assert.deepEqual(
      actions?.map((a) => a.identifier),
      ["recheck", "routes", "explain-failures"],
      "the check run's buttons",
    );
    assert.deepEqual(report, withoutButtons, "read, evaluated and rendered exactly as the app does, minus the buttons");
    assert.equal(h.repo.checkRuns.length, runs, "no check run touched");
  });

  it("a failure before publishing is published as a failing report, never thrown or passed", async () => {
    const published: CheckRunReport[] = [];
    const gone: CheckTarget = { ...target, headSha: "f".repeat(40) };
    const report = await runStages(
      { target: gone, log: h.probot.log },
      {
        ...stagesFor(h.gate.settings, github, gone, { htmlUrl }),
        publish: async (r) => {
          published.push(r);
        },
      },
    );
    assert.deepEqual(published, [report]);
    assert.equal(report.conclusion, "failure");
    assert.match(report.title, /^Internal error/);
    assert.match(report.summary, /GitHub API answered 404/);
  });
});
