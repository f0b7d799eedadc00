/**
 * Every run ends, with Redis (issue 14): the app as deployed (`node dist/src/app/main.js`, Probot's server, Probot's
 * Redis-backed throttling on) against the fake GitHub and a redis-server of the test's own that the test stops,
 * restarts empty, or keeps while a replica is killed. Figures (time to the 503, time until ready again) are printed.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent } from "./harness.js";
import { freePort, sendWebhook, startOwnRedis, startProcess, waitFor, type RunningProcess } from "./processes.js";

const MAIN = fileURLToPath(new URL("../../src/app/main.js", import.meta.url));
const SECRET = "redis-outage-test";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const redis = await startOwnRedis();

interface App {
  port: number;
  process: RunningProcess;
}

async function startApp(fake: FakeGitHub, redisUrl: string, env: Record<string, string>): Promise<App> {
  const port = await freePort();
  const app = startProcess(process.execPath, [MAIN], {
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
      REDIS_URL: redisUrl,
      LOG_LEVEL: "info",
      ...env,
    },
  });
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ready`)).ok ? true : undefined), 30_000).catch(() =>
    assert.fail(`the app did not become ready:\n${app.output()}`),
  );
  return { port, process: app };
}

async function ready(app: App): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${app.port}/ready`);
  // The analysis pool's counts are not this file's concern: checked for shape, then left out.
  const { analysis, ...body } = (await response.json()) as { analysis?: { threads?: unknown } };
  assert.equal(typeof analysis?.threads, "number");
  return { status: response.status, body };
}

/** A pull request introducing one missing-TLSContext error: its verdict is a failure with that annotation. */
function brokenPull(fake: FakeGitHub, repo: FakeRepo, number: number) {
  const base = repo.commit(exampleRepository(), { branch: "main" });
  const head = repo.commitChanges(base, {
    [`pr-${number}/broken.yaml`]: brokenMappings(1).replace("broken-0", `broken-${number}`),
  });
  repo.addPullRequest({ number, headSha: head });
  return { head, payload: pullRequestEvent(fake, repo, "opened", { number, headSha: head, baseSha: base }) };
}

function runOn(repo: FakeRepo, head: string) {
  return repo.checkRuns.find((r) => r.head_sha === head);
}

function completedRun(repo: FakeRepo, head: string, timeoutMs: number, app: App) {
  return waitFor(() => {
    const run = runOn(repo, head);
    return run?.status === "completed" ? run : undefined;
  }, timeoutMs).catch(() =>
    assert.fail(`the run on ${head.slice(0, 7)} did not complete:\n${app.process.output().slice(-4000)}`),
  );
}

function assertRealVerdict(run: NonNullable<ReturnType<typeof runOn>>): void {
  assert.equal(run.conclusion, "failure", `${run.output.title}`);
  assert.ok(
    run.annotations.some((a) => a.title === "mapping-tls-context-not-found"),
    `the analysis's verdict, not an internal error: ${run.output.title}`,
  );
}

describe(
  "Redis outages",
  { skip: redis ? false : "no redis-server on this machine (CI installs Debian's)", timeout: 240_000 },
  () => {
    let fake: FakeGitHub;
    const apps: RunningProcess[] = [];
    before(async () => {
      fake = await startFakeGitHub();
    });
    after(async () => {
      for (const app of apps) await app.stop("SIGKILL");
      await fake?.close();
      await redis?.stop();
    });

    it("Redis stopped mid-run: webhooks answer 503 within a few seconds and /ready 503; once back, a redelivery completes", async () => {
      assert.ok(redis);
      const repo = fake.createRepo("acme/outage", { defaultBranch: "main", installationId: 1 });
      const app = await startApp(fake, redis.url, {
        MTLS_GATE_QUEUE: "outage",
        MTLS_GATE_ANALYSIS_TIMEOUT_MS: "8000",
        MTLS_GATE_STALE_RUN_MS: "10000",
        MTLS_GATE_SWEEP_INTERVAL_MS: "1000",
      });
      apps.push(app.process);
      assert.deepEqual(await ready(app), { status: 200, body: { status: "ready", redis: "up", workers: "up" } });

      // A run in progress when Redis stops: its tree is answered late.
      const first = brokenPull(fake, repo, 1);
      fake.delayNext({ method: "GET", path: /\/git\/trees\// }, 3000);
      const accepted = await sendWebhook(app.port, SECRET, "pull_request", "outage-1", first.payload);
      assert.ok(accepted.status < 300, `first webhook: ${accepted.status}`);
      await waitFor(() => (runOn(repo, first.head)?.status === "in_progress" ? true : undefined), 20_000);
      await redis.stop();

      const second = brokenPull(fake, repo, 2);
      const refused = await sendWebhook(app.port, SECRET, "pull_request", "outage-2", second.payload);
      assert.equal(refused.status, 503, "GitHub records the delivery as failed");
      assert.ok(refused.ms < 5000, `answered in ${Math.round(refused.ms)} ms`);
      const notReady = await ready(app);
      assert.equal(notReady.status, 503);
      assert.deepEqual(notReady.body, { status: "unavailable", redis: "down", workers: "down" });
      assert.equal(runOn(repo, second.head), undefined, "no run was started for the refused delivery");
      assert.equal(app.process.child.exitCode, null, "the process is alive");

      // Back, empty (it keeps no data): the redelivery of the refused webhook completes.
      await redis.start();
      const backAt = performance.now();
      await waitFor(async () => ((await ready(app)).status === 200 ? true : undefined), 20_000);
      const readyAfterMs = performance.now() - backAt;
      const redelivered = await sendWebhook(app.port, SECRET, "pull_request", "outage-2", second.payload);
      assert.ok(redelivered.status < 300, `redelivery: ${redelivered.status}`);
      assertRealVerdict(await completedRun(repo, second.head, 60_000, app));

      // The run that was in progress when Redis stopped ends too, one way or another.
      const firstRun = await completedRun(repo, first.head, 60_000, app);
      assert.equal(firstRun.conclusion, "failure");
      assert.equal(app.process.child.exitCode, null, "the process is alive");
      assert.doesNotMatch(app.process.output(), /Unhandled error event/, "every Redis client has an error listener");
      assert.deepEqual(fake.violations, []);
      console.log(
        `redis outage figures: ${JSON.stringify({
          webhook503Ms: Math.round(refused.ms),
          readyAgainMs: Math.round(readyAfterMs),
          firstRun: firstRun.output.title,
        })}`,
      );
    });

    it("Redis restarted empty: the next PR still completes (Probot's throttling recovers its lost keys)", async () => {
      assert.ok(redis);
      const repo = fake.createRepo("acme/emptied", { defaultBranch: "main", installationId: 1 });
      const app = await startApp(fake, redis.url, { MTLS_GATE_QUEUE: "emptied" });
      apps.push(app.process);
      const first = brokenPull(fake, repo, 1);
      assert.ok((await sendWebhook(app.port, SECRET, "pull_request", "emptied-1", first.payload)).status < 300);
      assertRealVerdict(await completedRun(repo, first.head, 60_000, app));

      await redis.stop();
      await redis.start();
      await waitFor(async () => ((await ready(app)).status === 200 ? true : undefined), 20_000);
      const second = brokenPull(fake, repo, 2);
      assert.ok((await sendWebhook(app.port, SECRET, "pull_request", "emptied-2", second.payload)).status < 300);
      assertRealVerdict(await completedRun(repo, second.head, 60_000, app));
      assert.doesNotMatch(app.process.output(), /SETTINGS_KEY_NOT_FOUND/);
      assert.deepEqual(fake.violations, []);
    });

    it("a run orphaned by a killed process is completed by the sweeper of the restarted one", async () => {
      assert.ok(redis);
      const repo = fake.createRepo("acme/orphan", { defaultBranch: "main", installationId: 1 });
      const queue = { MTLS_GATE_QUEUE: "orphan", MTLS_GATE_THROTTLE: "off" };
      // The first process holds its job's lock for a minute, so nothing takes the job over during the test.
      const killed = await startApp(fake, redis.url, { ...queue, MTLS_GATE_LOCK_MS: "60000" });
      apps.push(killed.process);
      const pull = brokenPull(fake, repo, 1);
      fake.delayNext({ method: "GET", path: /\/git\/trees\// }, 120_000);
      assert.ok((await sendWebhook(killed.port, SECRET, "pull_request", "orphan-1", pull.payload)).status < 300);
      const run = await waitFor(
        () => (runOn(repo, pull.head)?.status === "in_progress" ? runOn(repo, pull.head) : undefined),
        20_000,
      );
      // Recorded in Redis once opened; then the process dies mid-analysis.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await killed.process.stop("SIGKILL");
      fake.clearFailures();

      const restartedAt = performance.now();
      const restarted = await startApp(fake, redis.url, {
        ...queue,
        MTLS_GATE_LOCK_MS: "60000",
        MTLS_GATE_ANALYSIS_TIMEOUT_MS: "1000",
        MTLS_GATE_STALE_RUN_MS: "2000",
        MTLS_GATE_SWEEP_INTERVAL_MS: "500",
      });
      apps.push(restarted.process);
      const swept = await completedRun(repo, pull.head, 30_000, restarted);
      const sweptAfterMs = performance.now() - restartedAt;
      assert.equal(swept.id, run?.id);
      assert.equal(swept.conclusion, "failure");
      assert.match(swept.output.title ?? "", /^Abandoned/);
      assert.match(swept.output.summary ?? "", /Re-run/);
      assert.match(swept.output.summary ?? "", /\/mtls-gate recheck/);
      // The sweeper logs once GitHub has answered its update, a moment after the fake recorded it.
      await waitFor(() => (/the sweeper completed an abandoned run/.test(restarted.process.output()) ? true : undefined), 10_000).catch(() =>
        assert.fail(`no sweeper log line:\n${restarted.process.output().slice(-2000)}`),
      );
      assert.deepEqual(fake.violations, []);
      console.log(`orphan figures: ${JSON.stringify({ sweptAfterRestartMs: Math.round(sweptAfterMs) })}`);
    });
  },
);
