import type { Probot } from "probot";
import { renderSweptRun } from "../report/swept-run.js";
import { completeCheckRun } from "./check-run-publisher.js";
import { describeError } from "./describe-error.js";
import type { GitHubClient } from "./github-client.js";
import type { RunRegistry, TrackedRun } from "./run-registry.js";
import type { RunTracker } from "./run-tracker.js";

/** Runs one sweep looks at in each registry; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

export interface SweeperOptions {
  runs: RunTracker;
  auth: (installationId: number) => Promise<GitHubClient>;
  appId: () => Promise<number | null>;
  /** How long a run may stay in progress before it is swept (never below the analysis limit). */
  staleRunMs: number;
  intervalMs: number;
  now: () => Date;
  log: Probot["log"];
}

/**
 * Completes abandoned runs: every run recorded as in progress for longer than `staleRunMs` (this process's record, then
 * the deployment's in Redis), and not worked on by this process, is completed as a failure that says how to re-run it,
 * unless GitHub shows it completed, gone or not this app's.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | null = null;
  #sweeping = false;

  constructor(private readonly options: SweeperOptions) {}

  /** One pass: the ids of the runs it completed. Never rejects. */
  async sweep(now: number = Date.now()): Promise<number[]> {
    if (this.#sweeping) return [];
    this.#sweeping = true;
    const swept: number[] = [];
    try {
      for (const registry of this.options.runs.registries()) {
        let due: TrackedRun[];
        try {
          due = await registry.startedBefore(now - this.options.staleRunMs, SWEEP_BATCH);
        } catch (error) {
          this.options.log.warn({ err: describeError(error) }, "the sweeper could not list the runs in progress");
          continue;
        }
        for (const run of due) {
          if (await this.#sweepOne(registry, run)) swept.push(run.checkRunId);
        }
      }
    } finally {
      this.#sweeping = false;
    }
    return swept;
  }

  /** Sweeps at once, then every `intervalMs` (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer) return;
    const tick = () => void this.sweep();
    this.#timer = setInterval(tick, this.options.intervalMs);
    this.#timer.unref();
    setImmediate(tick);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #sweepOne(registry: RunRegistry, run: TrackedRun): Promise<boolean> {
    const { runs, log } = this.options;
    if (runs.isWorkingOn(run.checkRunId)) return false;
    try {
      if (!(await registry.claim(run.checkRunId))) return false;
    } catch {
      return false;
    }
    try {
      // Taken up again by this process between the listing and the claim: its work completes it.
      if (runs.isWorkingOn(run.checkRunId)) {
        await registry.release(run);
        return false;
      }
      const completed = await this.#completeAbandoned(run);
      await runs.forget(run.checkRunId, log);
      return completed;
    } catch (error) {
      log.error(
        { checkRunId: run.checkRunId, err: describeError(error) },
        "the sweeper could not complete an abandoned run; the next sweep tries again",
      );
      await registry.release(run).catch(() => undefined);
      return false;
    }
  }

  /** Completes an abandoned run as a failure; false when there was nothing to complete. */
  async #completeAbandoned(run: TrackedRun): Promise<boolean> {
    let github: GitHubClient;
    let current: { status: string; app: { id: number } | null };
    try {
      github = await this.options.auth(run.installationId);
      ({ data: current } = await github.rest.checks.get({ ...run.repo, check_run_id: run.checkRunId }));
    } catch (error) {
      // The run, its repository or the installation is gone: nothing left to complete.
      if ((error as { status?: unknown }).status === 404) return false;
      throw error;
    }
    if (current.status === "completed") return false;
    const appId = await this.options.appId();
    if (appId !== null && current.app?.id !== appId) return false;
    const report = renderSweptRun({ staleMs: this.options.staleRunMs });
    await completeCheckRun(github, run.repo, run.checkRunId, report, this.options.now);
    this.options.log.warn(
      {
        checkRunId: run.checkRunId,
        repo: `${run.repo.owner}/${run.repo.repo}`,
        headSha: run.headSha,
        inProgressMs: Date.now() - run.since,
      },
      "the sweeper completed an abandoned run as a failure",
    );
    return true;
  }
}
