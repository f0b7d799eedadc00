/**
 * Every run ends (issue 14), in one process against the fake GitHub: a give-up that GitHub keeps refusing is logged
 * with the run id, retried and left to the sweeper without taking the process down; the sweeper completes abandoned
 * runs but never one this process is working on; the analysis limit ends a stalled analysis; a queue that cannot take
 * a job makes the webhook answer 503; `/ready` says whether the queue is usable. The Redis side (a Redis that stops,
 * comes back empty, or outlives a killed replica) is in redis-outage.test.ts.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { registerGate } from "../../src/app/index.js";
import { bottleneckError, tolerateRedis7Replies } from "../../src/app/octokit.js";
import { QueueUnavailableError, type CheckQueue } from "../../src/app/queue/check-queue.js";
import { readyHandler } from "../../src/app/ready.js";
import { deploymentSettings } from "../../src/app/settings.js";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent, startHarness, type Harness } from "./harness.js";
import { sendWebhook, waitFor } from "./processes.js";

const FIRST_CHECK_RUN_ID = 20_000_000_001;

function cleanBase(): Record<string, string> {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
    "tls: report-context",
    "tls: reports-context",
  );
  return files;
}

/** A pull request introducing one missing-TLSContext error: its verdict is a failure with that annotation. */
function brokenPull(
  h: Harness,
  number: number,
  files: Record<string, string> = cleanBase(),
): { head: string; base: string; payload: Record<string, unknown> } {
  const base = h.repo.commit(files, { branch: "main" });
  const head = h.repo.commitChanges(base, {
    [`pr-${number}/broken.yaml`]: brokenMappings(1).replace("broken-0", `broken-${number}`),
  });
  h.repo.addPullRequest({ number, headSha: head });
  return { head, base, payload: pullRequestEvent(h.fake, h.repo, "opened", { number, headSha: head, baseSha: base }) };
}

function runOf(h: Harness, head: string) {
  const run = h.repo.checkRuns.find((r) => r.head_sha === head);
  assert.ok(run, `a check run on ${head.slice(0, 7)}`);
  return run;
}

describe("a give-up GitHub keeps refusing", () => {
  let h: Harness;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  before(async () => {
    process.on("unhandledRejection", onRejection);
    h = await startHarness({ gate: { giveUpRetryDelaysMs: [5, 5], analysisTimeoutMs: 60_000, staleRunMs: 60_000 } });
  });
  after(async () => {
    process.off("unhandledRejection", onRejection);
    await h.close();
  });

  it("with GitHub answering 502 to every PATCH for one run, leaves the process alive and the next PR completes", async () => {
    const first = brokenPull(h, 1);
    const runId = FIRST_CHECK_RUN_ID + h.repo.checkRuns.length;
    h.fake.failNext({ method: "PATCH", path: new RegExp(`/check-runs/${runId}$`) }, 502, 10_000);
    await h.deliver("pull_request", first.payload);

    const stuck = runOf(h, first.head);
    assert.equal(stuck.id, runId);
    assert.equal(stuck.status, "in_progress", "GitHub refused every update");
    assert.deepEqual(rejections, [], "no promise was dropped: the process would have exited");
    const logs = h.logs.map((line) => JSON.parse(line) as { msg: string; checkRunId?: number });
    const retries = logs.filter((l) => l.msg === "could not complete a given-up run; retrying");
    assert.equal(retries.length, 2, "each failed attempt is logged");
    assert.ok(
      retries.every((l) => l.checkRunId === runId),
      "with the run id",
    );
    assert.ok(logs.some((l) => l.msg.includes("the sweeper completes it") && l.checkRunId === runId));

    const second = brokenPull(h, 2);
    await h.deliver("pull_request", second.payload);
    const next = runOf(h, second.head);
    assert.equal(next.status, "completed");
    assert.equal(next.conclusion, "failure");
    assert.ok(
      next.annotations.some((a) => a.title === "mapping-tls-context-not-found"),
      "the real verdict",
    );

    // GitHub is well again: the sweeper's next pass completes the run the give-up could not.
    h.fake.clearFailures();
    assert.deepEqual(await h.gate.sweep(), [runId], "due at the sweeper's next pass");
    assert.equal(stuck.status, "completed");
    assert.equal(stuck.conclusion, "failure");
    assert.match(stuck.output.title ?? "", /^Abandoned/);
    assert.match(stuck.output.summary ?? "", /Re-run/);
    assert.match(stuck.output.summary ?? "", /\/mtls-gate recheck/);
    assert.deepEqual(await h.gate.sweep(Date.now() + 3_600_000), [], "completed runs are forgotten");
    assert.deepEqual(h.fake.violations, []);
  });
});

/**
 * The example repository analysed as written (the default branch's policy switches rendering off): the limit suite
 * measures the sweeper and the analysis limit against a loaded machine's analysis, not kubectl's start-up, which
 * test/app/rendering.test.ts covers.
 */
function unrenderedBase(): Record<string, string> {
  return { ...cleanBase(), ".github/mtls-gate.yml": "render:\n  enabled: false\n" };
}

describe("the sweeper and the analysis limit", () => {
  let h: Harness;
  before(async () => {
    // A limit a loaded CI machine's cold analysis stays well inside (1.5 s did not, with 14 processes on 2 cores).
    h = await startHarness({ gate: { analysisTimeoutMs: 4000, staleRunMs: 5000, giveUpRetryDelaysMs: [] } });
    // One check first, so that the analysis threads have loaded before the limit is measured against them.
    await h.deliver("pull_request", brokenPull(h, 9, unrenderedBase()).payload);
  });
  after(async () => {
    await h.close();
  });

  it("never completes a run this process is still working on, however old", async () => {
    const pull = brokenPull(h, 10, unrenderedBase());
    // Long enough to sweep while the run is open; the analysis still ends within this suite's limit.
    h.fake.delayNext({ method: "GET", path: /\/git\/trees\// }, 800);
    const delivered = h.probot.receive({
      id: "sweep-active",
      name: "pull_request",
      payload: pull.payload,
    } as Parameters<Probot["receive"]>[0]);
    const run = await waitFor(
      () => {
        const opened = h.repo.checkRuns.find((r) => r.head_sha === pull.head);
        return opened && h.gate.isWorkingOn(opened.id) ? opened : undefined;
      },
      5000,
      10,
    );
    assert.equal(run.status, "in_progress");
    assert.deepEqual(await h.gate.sweep(Date.now() + 3_600_000), [], "its own run is left alone");
    await delivered;
    await h.gate.idle();
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, "failure");
    assert.ok(
      run.annotations.some((a) => a.title === "mapping-tls-context-not-found"),
      `its real verdict, not ${run.output.title ?? ""}`,
    );
    assert.deepEqual(await h.gate.sweep(Date.now() + 3_600_000), [], "and forgotten once completed");
  });

  it("ends an analysis that reaches the limit as a failure, and the overrunning job can no longer publish", async () => {
    const pull = brokenPull(h, 11, unrenderedBase());
    h.fake.delayNext({ method: "GET", path: /\/git\/trees\// }, 6000);
    const started = Date.now();
    await h.deliver("pull_request", pull.payload);
    const run = runOf(h, pull.head);
    assert.equal(run.status, "completed");
    assert.equal(run.conclusion, "failure");
    assert.equal(run.output.title, "Analysis exceeded 4 s");
    assert.match(run.output.summary ?? "", /stopped analysing acme\/platform at `[0-9a-f]{40}` after 4 s/);
    assert.match(run.output.summary ?? "", /When the limit passed it was reading acme\/platform at [0-9a-f]{40} from GitHub/);
    assert.ok(Date.now() - started < 5900, "ended at the limit, not when GitHub answered");
    const writes = () => h.fake.apiCalls({ path: new RegExp(`/check-runs/${run.id}$`) }).length;
    const before = writes();
    // The stalled request is answered after 6 s; what the job does then must not reach GitHub.
    await new Promise((resolve) => setTimeout(resolve, 6000 - (Date.now() - started) + 500));
    assert.equal(writes(), before, "no request after the limit");
    assert.equal(run.output.title, "Analysis exceeded 4 s");
  });
});

describe("a queue that cannot take a job", () => {
  const SECRET = "every-run-ends";
  let fake: FakeGitHub;
  let server: Server;
  let port: number;
  let available = false;
  const queue: CheckQueue = {
    durable: true,
    runs: null,
    enqueue: async () => {
      if (!available) throw new QueueUnavailableError("the check queue is unavailable (test)");
    },
    recordHead: async () => {
      if (!available) throw new Error("connect ECONNREFUSED 127.0.0.1:1");
    },
    latestHead: async () => null,
    ensureAvailable: async () => {
      if (!available) throw new QueueUnavailableError("the check queue is unavailable (test)");
    },
    readiness: async () => (available ? { redis: "up", workers: "up" } : { redis: "down", workers: "up" }),
    depth: async () => 0,
    idle: async () => undefined,
    close: async () => undefined,
  };

  before(async () => {
    fake = await startFakeGitHub();
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const probot = new Probot({
      appId: fake.appId,
      privateKey,
      secret: SECRET,
      baseUrl: fake.url,
      log: pino({ level: "fatal" }, new Writable({ write: (_chunk, _encoding, done) => done() })),
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const gate = registerGate(probot, { queue: () => queue, analysisThreads: 1 });
    const webhooks = await probot.getNodeMiddleware();
    const ready = readyHandler(gate);
    server = createServer((req, res) => {
      void (async () => {
        if (!(await ready(req, res)) && !(await webhooks(req, res))) res.writeHead(404).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
  });

  it("answers the webhook 503, so the delivery shows as failed in GitHub and can be redelivered", async () => {
    const repo = fake.createRepo("acme/queue-down", { defaultBranch: "main", installationId: 1 });
    const payload = pullRequestEvent(fake, repo, "opened", {
      number: 1,
      headSha: "a".repeat(40),
      baseSha: "b".repeat(40),
    });
    available = false;
    const refused = await sendWebhook(port, SECRET, "pull_request", "queue-down-1", payload);
    assert.equal(refused.status, 503);
    available = true;
    const accepted = await sendWebhook(port, SECRET, "pull_request", "queue-down-1", payload);
    assert.equal(accepted.status, 200, "the redelivery is accepted once the queue is back");
  });

  it("answers GET /ready 200 or 503 with a small JSON body", async () => {
    available = true;
    let response = await fetch(`http://127.0.0.1:${port}/ready`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const threads = 1;
    assert.deepEqual(await response.json(), {
      status: "ready",
      redis: "up",
      workers: "up",
      analysis: { threads, busy: 0, waiting: 0 },
    });
    available = false;
    response = await fetch(`http://127.0.0.1:${port}/ready`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: "unavailable",
      redis: "down",
      workers: "up",
      analysis: { threads, busy: 0, waiting: 0 },
    });
    response = await fetch(`http://127.0.0.1:${port}/ready`, { method: "POST" });
    assert.equal(response.status, 405);
  });

  it("is ready without Redis when the in-process workers can take jobs", async () => {
    const h = await startHarness();
    try {
      assert.deepEqual(await h.gate.readiness(), { ready: true, redis: "none", workers: "up" });
    } finally {
      await h.close();
    }
  });
});

describe("the sweeper's settings", () => {
  it("default to a 60 s sweep and a 10 minute stale-run limit, above the 60 s analysis limit", () => {
    const settings = deploymentSettings({});
    assert.equal(settings.sweepIntervalMs, 60_000);
    assert.equal(settings.staleRunMs, 600_000);
    assert.equal(settings.analysisTimeoutMs, 60_000);
  });

  it("are read from MTLS_GATE_SWEEP_INTERVAL_MS and MTLS_GATE_STALE_RUN_MS, and validated like the others", () => {
    const settings = deploymentSettings({ MTLS_GATE_SWEEP_INTERVAL_MS: "5000", MTLS_GATE_STALE_RUN_MS: "900000" });
    assert.equal(settings.sweepIntervalMs, 5000);
    assert.equal(settings.staleRunMs, 900_000);
    assert.throws(() => deploymentSettings({ MTLS_GATE_SWEEP_INTERVAL_MS: "0" }), /MTLS_GATE_SWEEP_INTERVAL_MS/);
    assert.throws(() => deploymentSettings({ MTLS_GATE_STALE_RUN_MS: "ten minutes" }), /MTLS_GATE_STALE_RUN_MS/);
  });

  it("never put the stale-run limit under the analysis limit", () => {
    assert.throws(
      () => deploymentSettings({ MTLS_GATE_STALE_RUN_MS: "30000" }),
      /must not be less than the analysis limit/,
    );
    assert.equal(deploymentSettings({ MTLS_GATE_ANALYSIS_TIMEOUT_MS: "1200000" }).staleRunMs, 1_200_000);
  });

  it("give the renders of a check half the analysis limit by default, and never all of it", () => {
    assert.equal(deploymentSettings({}).renderBudgetMs, 30_000);
    assert.equal(deploymentSettings({ MTLS_GATE_ANALYSIS_TIMEOUT_MS: "120000" }).renderBudgetMs, 60_000);
    assert.equal(deploymentSettings({ MTLS_GATE_RENDER_BUDGET_MS: "45000" }).renderBudgetMs, 45_000);
    assert.throws(() => deploymentSettings({ MTLS_GATE_RENDER_BUDGET_MS: "60000" }), /must be less than the analysis limit/);
    assert.throws(() => deploymentSettings({ MTLS_GATE_RENDER_BUDGET_MS: "soon" }), /MTLS_GATE_RENDER_BUDGET_MS/);
  });
});

describe("Probot's Redis-backed throttling on Redis 7", () => {
  it("reads Redis 7's ERR-prefixed replies to Bottleneck's scripts as Bottleneck expects, and nothing else", () => {
    for (const text of ["SETTINGS_KEY_NOT_FOUND", "UNKNOWN_CLIENT", "OVERWEIGHT:3:2"])
      assert.equal((bottleneckError(new Error(`ERR ${text}`)) as Error).message, text);
    for (const text of ["ERR unknown command", "SETTINGS_KEY_NOT_FOUND", "ERR SETTINGS_KEY_NOT_FOUND!", "NOSCRIPT x"])
      assert.equal((bottleneckError(new Error(text)) as Error).message, text);
  });

  it("patches a Bottleneck connection's script calls once, and leaves anything else alone", () => {
    const calls: string[] = [];
    const connection = {
      __scriptFn__:
        (name: string) =>
        (...args: unknown[]) => {
          calls.push(name);
          (args.at(-1) as (error: unknown, replies: unknown) => void)(new Error("ERR SETTINGS_KEY_NOT_FOUND"), null);
        },
    };
    assert.equal(tolerateRedis7Replies(connection), true);
    assert.equal(tolerateRedis7Replies(connection), true, "idempotent");
    let seen: unknown;
    connection.__scriptFn__("submit")(1, "key", (error: unknown) => (seen = error));
    assert.equal((seen as Error).message, "SETTINGS_KEY_NOT_FOUND");
    assert.deepEqual(calls, ["submit"], "wrapped once");
    assert.equal(tolerateRedis7Replies(undefined), false);
    assert.equal(tolerateRedis7Replies({ client: {} }), false);
  });
});
