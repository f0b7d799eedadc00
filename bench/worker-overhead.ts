/**
 * The worker-thread overhead per check: one pull request's `evaluate` (analyzeDiff of a generated repository before and
 * after a one-file edit, then decide, as the app runs it) in this thread and in the app's analysis pool, same process, same input,
 * warmed up, medians. The thread's start (about a second, once per thread, at the app's start) is not counted.
 */
import { AnalysisPool } from "../src/app/analysis-pool.js";
import { evaluate, type EvaluateRequest } from "../src/app/stages/evaluate.js";
import { DEFAULT_LOAD_LIMITS } from "../src/core/limits.js";
import { defaultPolicy } from "../src/core/policy/policy.js";
import { BENCH_NOW, type CertPool } from "./cert-pool.js";
import { editOneFile, generateRepository } from "./generate.js";

export interface WorkerOverhead {
  resources: number;
  inThreadMs: number;
  workerMs: number;
  /** workerMs / inThreadMs - 1. */
  overhead: number;
}

export async function measureWorkerOverhead(resources: number, reps: number, certs: CertPool): Promise<WorkerOverhead> {
  const base = generateRepository({ resources, pool: certs }).files;
  const index = base.findIndex((f) => /timeout_ms: \d+/.test(f.text) && /tls: [\w-]+-upstream-mtls/.test(f.text));
  const head = base.map((f, i) => (i === index ? editOneFile(f, "timeout-and-typo") : f));
  const input: EvaluateRequest = {
    inputs: {
      policy: defaultPolicy(),
      base: { sha: "b".repeat(40), files: base },
      head: { sha: "a".repeat(40), files: head },
      changes: null,
      acceptances: { acceptances: [], handledCommands: new Set(), problem: null },
    },
    settings: { now: BENCH_NOW.toISOString(), validatePolicyFile: false, limits: DEFAULT_LOAD_LIMITS },
  };
  // The thread's own cost, not its parsed-file cache's gain: the same check repeated would otherwise be parsed once.
  // Threads read the variable when they start, and this pool's is started here.
  const cacheSetting = process.env.MTLS_GATE_CACHE_MB;
  process.env.MTLS_GATE_CACHE_MB = "0";
  const pool = new AnalysisPool({ threads: 1, timeoutMs: 600_000 });
  try {
    evaluate(input.inputs, input.settings);
    await pool.run(input);
    const inThread: number[] = [];
    const worker: number[] = [];
    for (let i = 0; i < reps; i++) {
      let started = performance.now();
      evaluate(input.inputs, input.settings);
      inThread.push(performance.now() - started);
      started = performance.now();
      await pool.run(input);
      worker.push(performance.now() - started);
    }
    const inThreadMs = median(inThread);
    const workerMs = median(worker);
    return {
      resources,
      inThreadMs: round(inThreadMs),
      workerMs: round(workerMs),
      overhead: round(workerMs / inThreadMs - 1, 3),
    };
  } finally {
    await pool.close();
    if (cacheSetting === undefined) delete process.env.MTLS_GATE_CACHE_MB;
    else process.env.MTLS_GATE_CACHE_MB = cacheSetting;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
