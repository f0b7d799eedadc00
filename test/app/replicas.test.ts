/**
 * Many replicas on Redis: two app processes (web and worker in each) share a BullMQ queue on a real redis-server; a
 * burst of 100 pull requests (and redeliveries) arrives while one replica is killed with SIGKILL. Every check run must
 * complete exactly once. Figures (webhook answer time, webhook-to-completed latency, throughput) are printed, not
 * asserted: timing targets belong to benchmarks.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent } from "./harness.js";
import { freePort, sendWebhook, startProcess, startRedis, waitFor, type RunningProcess } from "./processes.js";

const MAIN = fileURLToPath(new URL("../../src/app/main.js", import.meta.url));
const SECRET = "replica-test";
const redis = await startRedis();
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function startReplica(
  fake: FakeGitHub,
  redisUrl: string,
  extra: Record<string, string> = {},
): Promise<{ port: number; process: RunningProcess }> {
  const port = await freePort();
  const replica = startProcess(process.execPath, [MAIN], {
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
      MTLS_GATE_LOCK_MS: "2000",
      MTLS_GATE_WORKER_CONCURRENCY: "4",
      LOG_LEVEL: "warn",
      ...extra,
    },
  });
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ping`)).ok ? true : undefined), 30_000).catch(() =>
    assert.fail(`replica did not start:\n${replica.output()}`),
  );
  return { port, process: replica };
}

function pullRequests(
  repo: FakeRepo,
  count: number,
  firstNumber: number,
): { number: number; head: string; base: string }[] {
  const base = repo.commit(exampleRepository(), { branch: "main" });
  return Array.from({ length: count }, (_, i) => {
    const number = firstNumber + i;
    const head = repo.commitChanges(base, {
      [`burst/pr-${number}.yaml`]: brokenMappings(1).replace("broken-0", `broken-${number}`),
    });
    repo.addPullRequest({ number, headSha: head });
    return { number, head, base };
  });
}

describe(
  "replicas sharing a Redis queue",
  { skip: redis ? false : "no redis-server on this machine (CI installs Debian's)", timeout: 300_000 },
  () => {
    let fake: FakeGitHub;
    const replicas: RunningProcess[] = [];
    before(async () => {
      fake = await startFakeGitHub();
    });
    after(async () => {
      for (const replica of replicas) await replica.stop("SIGKILL");
      await fake?.close();
      await redis?.stop();
    });

    it("completes every check run exactly once through a burst of 100 pull requests while a replica is killed", async () => {
      assert.ok(redis);
      const repo = fake.createRepo("acme/burst", { defaultBranch: "main", installationId: 1 });
      const pulls = pullRequests(repo, 100, 1);
      const throttleOff = { MTLS_GATE_THROTTLE: "off" };
      const a = await startReplica(fake, redis.url, { ...throttleOff, MTLS_GATE_QUEUE: "burst" });
      const b = await startReplica(fake, redis.url, { ...throttleOff, MTLS_GATE_QUEUE: "burst" });
      replicas.push(a.process, b.process);

      const sentAt = new Map<string, number>();
      const answerMs: number[] = [];
      let killed = false;
      const started = Date.now();
      for (const [i, pull] of pulls.entries()) {
        if (i === 40) {
          await a.process.stop("SIGKILL");
          killed = true;
        }
        const target = killed || i % 2 === 1 ? b : a;
        const payload = pullRequestEvent(fake, repo, "opened", {
          number: pull.number,
          headSha: pull.head,
          baseSha: pull.base,
        });
        sentAt.set(pull.head, Date.now());
        const answer = await sendWebhook(target.port, SECRET, "pull_request", `burst-${pull.number}`, payload);
        assert.ok(answer.status < 300, `webhook ${pull.number}: ${answer.status}`);
        answerMs.push(answer.ms);
        // Every tenth delivery is delivered again, to the replica that is still alive.
        if (i % 10 === 0)
          answerMs.push((await sendWebhook(b.port, SECRET, "pull_request", `burst-${pull.number}`, payload)).ms);
      }

      const done = await waitFor(
        () => {
          const completed = pulls.filter((p) =>
            repo.checkRuns.some((r) => r.head_sha === p.head && r.status === "completed"),
          );
          return completed.length === pulls.length ? Date.now() : undefined;
        },
        240_000,
        100,
      ).catch(() => assert.fail(`not every check completed:\n${b.process.output().slice(-3000)}`));

      for (const pull of pulls) {
        const runs = repo.checkRuns.filter((r) => r.head_sha === pull.head);
        assert.equal(runs.length, 1, `one check run for PR ${pull.number}, not ${runs.length}`);
        assert.equal(runs[0]?.conclusion, "failure", `PR ${pull.number}: ${runs[0]?.output.title}`);
        assert.equal(
          runs[0]?.annotations.filter((x) => x.title === "mapping-tls-context-not-found").length,
          1,
          `PR ${pull.number}: annotations once`,
        );
      }
      assert.deepEqual(fake.violations, []);

      const latencies = pulls.map(
        (p) =>
          Date.parse(repo.checkRuns.find((r) => r.head_sha === p.head)?.completed_at ?? "") - (sentAt.get(p.head) ?? 0),
      );
      const figures = {
        checks: pulls.length,
        webhooks: answerMs.length,
        webhookAnswerMs: {
          p50: Math.round(percentile(answerMs, 50)),
          p95: Math.round(percentile(answerMs, 95)),
          max: Math.round(Math.max(...answerMs)),
        },
        latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
        checksPerSecond: Number((pulls.length / ((done - started) / 1000)).toFixed(1)),
      };
      console.log(`replica burst figures: ${JSON.stringify(figures)}`);
    });

    it("shares GitHub's write throttling between replicas through Redis", async () => {
      assert.ok(redis);
      const repo = fake.createRepo("acme/throttled", { defaultBranch: "main", installationId: 1 });
      const pulls = pullRequests(repo, 6, 1);
      const a = await startReplica(fake, redis.url, { MTLS_GATE_QUEUE: "throttled" });
      const b = await startReplica(fake, redis.url, { MTLS_GATE_QUEUE: "throttled" });
      replicas.push(a.process, b.process);
      fake.reset();
      await Promise.all(
        pulls.map((pull, i) =>
          sendWebhook(
            (i % 2 ? b : a).port,
            SECRET,
            "pull_request",
            `throttled-${pull.number}`,
            pullRequestEvent(fake, repo, "opened", { number: pull.number, headSha: pull.head, baseSha: pull.base }),
          ),
        ),
      );
      await waitFor(
        () =>
          pulls.every((p) => repo.checkRuns.some((r) => r.head_sha === p.head && r.status === "completed"))
            ? true
            : undefined,
        120_000,
      );
      const writes = fake
        .apiCalls({ path: /\/check-runs/ })
        .filter((r) => r.method !== "GET")
        .map((r) => r.at)
        .sort((x, y) => x - y);
      const gaps = writes.slice(1).map((at, i) => at - (writes[i] ?? 0));
      console.log(`throttled writes: ${writes.length}, smallest gap ${Math.min(...gaps)} ms`);
      // Octokit spaces writes about a second apart; shared through Redis, two replicas together keep that spacing
      // (unshared, two replicas would write within milliseconds of each other). The margin absorbs a loaded machine's
      // timer jitter, seen up to about 220 ms.
      assert.ok(Math.min(...gaps) >= 500, `writes ${gaps.join(", ")} ms apart`);
    });
  },
);
