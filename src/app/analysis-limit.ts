import { AsyncLocalStorage } from "node:async_hooks";

/** The analysis limit's default (`MTLS_GATE_ANALYSIS_TIMEOUT_MS`): a job still running after it fails its run. */
export const DEFAULT_ANALYSIS_TIMEOUT_MS = 5 * 60_000;

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

/** Runs `work` under the analysis limit: `done`, or `timed-out` as soon as it passes (its requests then fail). */
export async function withinAnalysisLimit(
  limitMs: number,
  work: () => Promise<unknown>,
): Promise<"done" | "timed-out"> {
  const job: JobScope = { expired: false, limitMs };
  const running = scope.run(job, work).then(() => "done" as const);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timed-out">((resolve) => {
    timer = setTimeout(() => {
      job.expired = true;
      resolve("timed-out");
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

export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? "" : "s"}`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
