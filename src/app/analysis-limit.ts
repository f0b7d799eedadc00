import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The analysis limit's default (`MTLS_GATE_ANALYSIS_TIMEOUT_MS`): a job still running after it fails its run, its
 * analysis thread ended (see analysis-pool.ts).
 */
export const DEFAULT_ANALYSIS_TIMEOUT_MS = 60_000;

/** A request made for a job after its analysis limit passed. */
export class AnalysisTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the analysis did not finish within ${formatDuration(limitMs)}`);
    this.name = "AnalysisTimeoutError";
  }
}

interface JobScope {
  expired: boolean;
  limitMs: number;
  /** Aborted when the limit passes: the analysis thread working for the job is ended. */
  controller: AbortController;
  /** What the job is doing now, for the report of a job that overran. */
  activity: string | null;
}

const scope = new AsyncLocalStorage<JobScope>();
const guarded = new WeakSet<object>();

interface HookedClient {
  hook?: { before?: (name: "request", hook: () => void) => void };
}

/**
 * Makes a GitHub client refuse the requests a job makes once its limit has passed. JavaScript cannot stop a running
 * promise chain, so a job that overran keeps going, but it can no longer read from or write to GitHub: it can never
 * publish a verdict over the failure that replaced it. The job is recognised by its async context, so requests made
 * outside any job (or by another job, when Probot hands out one client for everything) are unaffected.
 */
export function guardClient(octokit: object): void {
  const client = octokit as HookedClient;
  if (typeof client.hook?.before !== "function" || guarded.has(octokit)) return;
  guarded.add(octokit);
  client.hook.before("request", () => {
    const job = scope.getStore();
    if (job?.expired) throw new AnalysisTimeoutError(job.limitMs);
  });
}

/** The current job's abort signal (aborted at its analysis limit), or undefined outside a job. */
export function analysisSignal(): AbortSignal | undefined {
  return scope.getStore()?.controller.signal;
}

/** Records what the current job is doing (named in its report should it overrun); nothing outside a job. */
export function noteActivity(activity: string): void {
  const job = scope.getStore();
  if (job) job.activity = activity;
}

export type LimitOutcome = { outcome: "done" } | { outcome: "timed-out"; activity: string | null };

/**
 * Runs `work` under the analysis limit: `done`, or `timed-out` as soon as it passes, with what the job was doing then.
 * Its requests then fail and its analysis thread (if one is working for it) is ended.
 */
export async function withinAnalysisLimit(limitMs: number, work: () => Promise<unknown>): Promise<LimitOutcome> {
  const job: JobScope = { expired: false, limitMs, controller: new AbortController(), activity: null };
  const running = scope.run(job, work).then(() => ({ outcome: "done" }) as const);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<LimitOutcome>((resolve) => {
    timer = setTimeout(() => {
      job.expired = true;
      job.controller.abort(new AnalysisTimeoutError(limitMs));
      resolve({ outcome: "timed-out", activity: job.activity });
    }, limitMs);
  });
  // After the deadline the overrunning job's eventual failure is expected and ignored.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `60 s`, `300 s`, `1500 ms`: the limit as the timed-out run's title states it. */
export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
