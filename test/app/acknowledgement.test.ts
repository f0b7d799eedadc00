/**
 * Webhook acknowledgement over HTTP while an analysis runs (issue 14): the real app process (`npm start`'s
 * dist/src/app/main.js, in-process queue, one analysis thread) against the fake GitHub. One pull request's analysis is
 * made slow with the test-only `MTLS_GATE_TEST_SLOW_ANALYSIS_MS`, longer than the analysis limit; while it runs, another
 * pull request's webhook is POSTed the way GitHub sends it, and must be answered in under a second (GitHub gives up on
 * a delivery after 10 s). The slow run then ends as a timed-out failure.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent } from "./harness.js";
import { freePort, sendWebhook, startProcess, waitFor, type RunningProcess } from "./processes.js";

const MAIN = fileURLToPath(new URL("../../src/app/main.js", import.meta.url));
const SECRET = "acknowledgement-test";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function pullRequest(repo: FakeRepo, base: string, number: number): string {
  const head = repo.commitChanges(base, {
    [`pr-${number}/broken.yaml`]: brokenMappings(1).replace("broken-0", `broken-${number}`),
  });
  repo.addPullRequest({ number, headSha: head });
  return head;
}

describe("webhook acknowledgement over HTTP during a slow analysis", { timeout: 120_000 }, () => {
  let fake: FakeGitHub;
  let app: RunningProcess;
  let port: number;
  before(async () => {
    fake = await startFakeGitHub();
    fake.createRepo("acme/platform", { defaultBranch: "main", installationId: 1 });
    port = await freePort();
    app = startProcess(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        APP_ID: String(fake.appId),
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        HOST: "127.0.0.1",
        GHE_HOST: new URL(fake.url).host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "warn",
        MTLS_GATE_ANALYSIS_THREADS: "1",
        MTLS_GATE_ANALYSIS_TIMEOUT_MS: "4000",
        MTLS_GATE_TEST_SLOW_ANALYSIS_MS: "8000",
      },
    });
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ping`)).ok ? true : undefined), 30_000).catch(
      () => assert.fail(`the app did not start:\n${app.output()}`),
    );
  });
  after(async () => {
    await app?.stop();
    await fake?.close();
  });

  it("answers another pull request's webhook in under a second while the slow one runs; the slow one times out", async (t) => {
    const repo = fake.repo("acme/platform");
    const base = repo.commit(exampleRepository(), { branch: "main" });
    const slowHead = pullRequest(repo, base, 1);
    const otherHead = pullRequest(repo, base, 2);

    const first = await sendWebhook(
      port,
      SECRET,
      "pull_request",
      "slow-1",
      pullRequestEvent(fake, repo, "opened", { number: 1, headSha: slowHead, baseSha: base }),
    );
    assert.equal(first.status, 200);
    // The slow run is in progress and its trees are read: its analysis is in the (only) thread, busy for 4 s.
    await waitFor(
      () =>
        repo.checkRuns.some((r) => r.head_sha === slowHead && r.status === "in_progress") &&
        fake.apiCalls({ path: new RegExp(`/git/trees/${slowHead}`) }).length > 0
          ? true
          : undefined,
      20_000,
      20,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    const second = await sendWebhook(
      port,
      SECRET,
      "pull_request",
      "other-2",
      pullRequestEvent(fake, repo, "opened", { number: 2, headSha: otherHead, baseSha: base }),
    );
    t.diagnostic(`webhook acknowledged over HTTP in ${second.ms.toFixed(1)} ms during a busy analysis`);
    assert.equal(second.status, 200);
    assert.ok(second.ms < 1000, `the second webhook was answered in ${second.ms.toFixed(0)} ms`);
    const slowRun = repo.checkRuns.find((r) => r.head_sha === slowHead);
    assert.equal(slowRun?.status, "in_progress", "the slow analysis was still running when the webhook was answered");

    const completed = await waitFor(
      () => {
        const runs = [slowHead, otherHead].map((sha) => repo.checkRuns.find((r) => r.head_sha === sha));
        return runs.every((r) => r?.status === "completed") ? runs : undefined;
      },
      60_000,
      100,
    ).catch(() => assert.fail(`the runs did not complete:\n${app.output()}`));
    const [slow, other] = completed;
    assert.equal(slow?.conclusion, "failure");
    assert.equal(slow?.output.title, "Analysis exceeded 4 s");
    assert.equal(other?.status, "completed");
  });
});
