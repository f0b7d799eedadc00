/**
 * Analysis off the event loop (issue 14): a slow analysis runs in a worker thread, so the webhook server keeps
 * answering and BullMQ keeps renewing its lock; at the analysis limit the thread is ended and the run fails as
 * "Analysis exceeded …". The slowness comes from the test-only hook `testSlowAnalysisMs`
 * (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS`), which keeps the analysis thread busy.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Probot } from "probot";
import { RedisCheckQueue } from "../../src/app/queue/redis-queue.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent, startHarness, type Harness } from "./harness.js";
import { startRedis, waitFor } from "./processes.js";

function brokenPull(h: Harness, number: number): { head: string; payload: Record<string, unknown> } {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
    "tls: report-context",
    "tls: reports-context",
  );
  // Analysed as written (the default branch's policy switches rendering off): these suites measure the analysis
  // thread against a limit of 1.5 s, which kubectl's start-up on a loaded machine would spend before the thread starts.
  files[".github/mtls-gate.yml"] = "render:\n  enabled: false\n";
  const base = h.repo.commit(files, { branch: "main" });
  const head = h.repo.commitChanges(base, {
    [`pr-${number}/broken.yaml`]: brokenMappings(1).replace("broken-0", `broken-${number}`),
  });
  h.repo.addPullRequest({ number, headSha: head });
  return { head, payload: pullRequestEvent(h.fake, h.repo, "opened", { number, headSha: head, baseSha: base }) };
}

function receive(h: Harness, id: string, payload: Record<string, unknown>): Promise<void> {
  return h.probot.receive({ id, name: "pull_request", payload } as Parameters<Probot["receive"]>[0]);
}

describe("a slow analysis in the in-process queue", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      gate: { analysisTimeoutMs: 1500, staleRunMs: 60_000, testSlowAnalysisMs: 4000, analysisThreads: 1 },
    });
  });
  after(async () => {
    await h.close();
    await h.gate.close();
  });

  it("ends as a timed-out failure while another pull request's webhook is acknowledged in under a second", async () => {
    const slow = brokenPull(h, 1);
    await receive(h, "slow-1", slow.payload);
    // The analysis thread is busy with the first pull request.
    await waitFor(() => (h.gate.analysisPool.state().busy === 1 ? true : undefined), 10_000, 10);
    const other = brokenPull(h, 2);
    const started = performance.now();
    await receive(h, "other-2", other.payload);
    const ackMs = performance.now() - started;
    assert.ok(ackMs < 1000, `the second webhook was acknowledged in ${ackMs.toFixed(0)} ms`);
    console.log(`# webhook acknowledged in ${ackMs.toFixed(1)} ms during a busy analysis`);

    await h.gate.idle();
    const run = h.repo.checkRuns.find((r) => r.head_sha === slow.head);
    assert.ok(run);
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, "failure");
    assert.equal(run.output.title, "Analysis exceeded 1500 ms");
    assert.match(
      run.output.summary ?? "",
      /When the limit passed it was analysing acme\/platform at [0-9a-f]{40}: \d+ files/,
    );
    assert.deepEqual(run.annotations, []);
    const stopped = h.logs.filter((line) => line.includes("mtls-gate analysis stopped at the analysis limit"));
    assert.ok(stopped.length >= 1);
  });
});

const redis = await startRedis();

describe(
  "a slow analysis on BullMQ with a 2 s lock",
  { skip: redis ? false : "no redis-server on this machine" },
  () => {
    let h: Harness;
    before(async () => {
      assert.ok(redis);
      h = await startHarness({
        gate: {
          analysisTimeoutMs: 30_000,
          staleRunMs: 60_000,
          testSlowAnalysisMs: 7000,
          analysisThreads: 1,
          queue: (gate) =>
            new RedisCheckQueue(
              { url: redis.url, role: "all", concurrency: 1, lockMs: 2000, attempts: 3, queueName: "slow-analysis" },
              (data, update) => gate.processCheck(data, update),
              async (data, error) => gate.scheduleGiveUp(data, error),
            ),
        },
      });
    });
    after(async () => {
      await h?.close();
      await h?.gate.close();
      await redis?.stop();
    });

    it("completes an analysis of 7 s exactly once: the lock is renewed while the thread works", async () => {
      const pull = brokenPull(h, 3);
      const started = Date.now();
      await h.deliver("pull_request", pull.payload);
      assert.ok(Date.now() - started >= 7000, "the analysis took its 7 s");
      const runs = h.repo.checkRuns.filter((r) => r.head_sha === pull.head);
      assert.equal(runs.length, 1, "one run");
      const run = runs[0]!;
      assert.equal(run.status, "completed");
      assert.equal(run.conclusion, "failure");
      const findings = run.annotations.filter((a) => a.title === "mapping-tls-context-not-found");
      assert.equal(findings.length, 1, "its annotation, once");
      const completed = h.logs.filter((line) => line.includes('"msg":"mtls-gate check completed"'));
      assert.equal(completed.length, 1, "analysed and completed by one worker, once");
      const updates = h.fake
        .apiCalls({ path: new RegExp(`/check-runs/${run.id}$`) })
        .filter((c) => c.method === "PATCH");
      assert.ok(updates.length >= 1);
    });
  },
);
