/**
 * The analysis thread pool on its own (src/app/analysis-pool.ts): a thread that crashes fails its analysis and is
 * replaced, analyses beyond the thread count wait their turn, the wall-clock limit ends a runaway thread, and `close()`
 * settles every analysis, running or waiting. The faults come from test/helpers/faulty-analysis-worker.ts (the real
 * analysis thread, plus a crash and a hang on demand).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AnalysisPool, AnalysisThreadError } from "../../src/app/analysis-pool.js";
import type { EvaluateRequest, Evaluation } from "../../src/app/stages/evaluate.js";
import { DEFAULT_LOAD_LIMITS } from "../../src/core/limits.js";
import { defaultPolicy } from "../../src/core/policy/policy.js";

const FAULTY = new URL("../helpers/faulty-analysis-worker.js", import.meta.url);

/** One Mapping named `name` whose `tls:` names a TLSContext that does not exist: one finding to recognise the answer by. */
function input(name: string, path = `${name}.yaml`): EvaluateRequest {
  const text = [
    "apiVersion: getambassador.io/v3alpha1",
    "kind: Mapping",
    "metadata:",
    `  name: ${name}`,
    "  namespace: edge",
    "spec:",
    `  prefix: /${name}/`,
    `  service: ${name}`,
    `  tls: ${name}-context`,
    "",
  ].join("\n");
  return {
    inputs: {
      policy: defaultPolicy(),
      base: null,
      head: { sha: "0".repeat(40), files: [{ path, text }] },
      changes: null,
      acceptances: { acceptances: [], handledCommands: new Set(), problem: null },
    },
    settings: { now: "2026-06-01T12:00:00Z", validatePolicyFile: false, limits: DEFAULT_LOAD_LIMITS },
  };
}

/** The Mapping an answer is about: the resource of its tls-context-not-found finding. */
function mappingOf(result: Evaluation): string | null {
  return result.analysis.findings.find((f) => f.ruleId === "mapping-tls-context-not-found")?.resource ?? null;
}

async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe("AnalysisPool", { timeout: 120_000 }, () => {
  it("answers an analysis with the core's findings", async () => {
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 30_000 });
    try {
      assert.equal(mappingOf(await pool.run(input("reports"))), "Mapping/edge/reports");
    } finally {
      await pool.close();
    }
  });

  it("a thread that crashes fails its analysis with a clear error; the pool replaces it and the next analysis works", async () => {
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 30_000, testWorkerUrl: FAULTY });
    try {
      const crashed = await pool.run(input("crash", "crash.yaml")).then(
        () => assert.fail("a crashed thread answered"),
        (error: unknown) => error,
      );
      assert.ok(crashed instanceof AnalysisThreadError);
      assert.equal(crashed.message, "the analysis thread stopped unexpectedly");
      assert.match(String((crashed.cause as Error).message), /exit code 70/);
      assert.equal(pool.state().busy, 0);
      assert.equal(
        mappingOf(await within(30_000, pool.run(input("after")), "the next analysis")),
        "Mapping/edge/after",
      );
      assert.deepEqual(pool.state(), { threads: 1, busy: 0, waiting: 0, closed: false });
    } finally {
      await pool.close();
    }
  });

  it("analyses beyond the thread count wait, start in the order they came, and all complete", async () => {
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 30_000, testSlowMs: 100 });
    try {
      const done: string[] = [];
      const names = ["first", "second", "third", "fourth", "fifth"];
      const runs = names.map((name) =>
        pool.run(input(name)).then((result) => {
          done.push(mappingOf(result) ?? "?");
          return result;
        }),
      );
      assert.deepEqual(pool.state(), { threads: 1, busy: 1, waiting: 4, closed: false });
      await within(60_000, Promise.all(runs), "five analyses");
      assert.deepEqual(
        done,
        names.map((name) => `Mapping/edge/${name}`),
      );
      assert.deepEqual(pool.state(), { threads: 1, busy: 0, waiting: 0, closed: false });
    } finally {
      await pool.close();
    }
  });

  it("two threads share the queue: every analysis completes with its own answer", async () => {
    const pool = new AnalysisPool({ threads: 2, timeoutMs: 30_000, testSlowMs: 100 });
    try {
      const names = ["a", "b", "c", "d", "e", "f"];
      const runs = names.map((name) => pool.run(input(name)));
      assert.deepEqual(pool.state(), { threads: 2, busy: 2, waiting: 4, closed: false });
      const results = await within(60_000, Promise.all(runs), "six analyses");
      assert.deepEqual(
        results.map(mappingOf),
        names.map((name) => `Mapping/edge/${name}`),
      );
    } finally {
      await pool.close();
    }
  });

  it("the time limit ends a runaway thread: the analysis rejects, and the next one runs in a fresh thread", async () => {
    // The limit must leave the fresh thread time to load the core (about a second on a busy machine) for the next job.
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 5000, testWorkerUrl: FAULTY });
    try {
      const started = performance.now();
      const hung = pool.run(input("hang", "hang.yaml"));
      const next = pool.run(input("next"));
      const error = await within(20_000, hung, "the runaway analysis").then(
        () => assert.fail("a hung thread answered"),
        (e: unknown) => e as Error,
      );
      assert.equal(error.name, "AnalysisTimeoutError");
      assert.equal(error.message, "the analysis thread did not finish within 5000 ms and was ended");
      assert.ok(performance.now() - started >= 5000);
      // With one thread, the waiting analysis can run only if the spinning thread was ended and replaced.
      assert.equal(mappingOf(await within(30_000, next, "the next analysis")), "Mapping/edge/next");
    } finally {
      await pool.close();
    }
  });

  it("the caller's signal ends the thread with the caller's reason", async () => {
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 60_000, testWorkerUrl: FAULTY });
    try {
      const controller = new AbortController();
      const hung = pool.run(input("hang", "hang.yaml"), controller.signal);
      setTimeout(() => controller.abort(new Error("the job's analysis limit passed")), 200);
      await assert.rejects(within(10_000, hung, "the aborted analysis"), {
        message: "the job's analysis limit passed",
      });
      assert.equal(
        mappingOf(await within(30_000, pool.run(input("later")), "the next analysis")),
        "Mapping/edge/later",
      );
    } finally {
      await pool.close();
    }
  });

  it("close() with work running and waiting: every analysis rejects, close returns, and later work is refused", async () => {
    const pool = new AnalysisPool({ threads: 1, timeoutMs: 60_000, testWorkerUrl: FAULTY });
    const running = pool.run(input("hang", "hang.yaml"));
    const waiting = [pool.run(input("w1")), pool.run(input("w2"))];
    assert.equal(pool.state().waiting, 2);
    const settled = Promise.allSettled([running, ...waiting]);
    await within(10_000, pool.close(), "close()");
    const outcomes = await within(1000, settled, "the analyses to settle");
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      assert.ok(outcome.reason instanceof AnalysisThreadError);
      assert.equal(outcome.reason.message, "the analysis pool is closed");
    }
    assert.deepEqual(pool.state(), { threads: 1, busy: 0, waiting: 0, closed: true });
    await assert.rejects(pool.run(input("late")), { message: "the analysis pool is closed" });
  });
});
