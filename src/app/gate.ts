import deepmerge from "deepmerge";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../core/limits.js";
import type { Context, Probot } from "probot";
import { renderInternalError } from "../report/check-run.js";
import { renderSweptRun } from "../report/swept-run.js";
import { renderTimedOut } from "../report/timed-out.js";
import { DEFAULT_ANALYSIS_TIMEOUT_MS, formatDuration, guardClient, withinAnalysisLimit } from "./analysis-limit.js";
import { AnalysisPool } from "./analysis-pool.js";
import { BlobCache } from "./blob-cache.js";
import { completeCheckRun, latestCheckRun, openCheckRun, takeOverCheckRun } from "./check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "./check-target.js";
import { randomBytes } from "node:crypto";
import { markerKey, readAcceptances, type AcceptanceState, type BotIdentity } from "./commands/acceptances.js";
import type { GitHubClient, RepoRef } from "./github-client.js";
import { JobQueue } from "./job-queue.js";
import { ruleDocsUrl } from "./links.js";
import {
  jobKey,
  pullKey,
  QueueUnavailableError,
  type CheckJobData,
  type CheckQueue,
  type QueueReadiness,
} from "./queue/check-queue.js";
import { InProcessCheckQueue } from "./queue/in-process-queue.js";
import { InMemoryRunRegistry, type RunRegistry, type TrackedRun } from "./run-registry.js";
import { DEFAULT_READER, describeError, runCheck, type AnalysisRequest, type GateSettings } from "./run-check.js";
import { CONFIG_FILE } from "./trusted-config.js";

export type EventContext = Context<"pull_request" | "check_run" | "check_suite" | "merge_group" | "issue_comment">;
type Logger = Probot["log"];

export interface AppInfo {
  id: number | null;
  slug: string | null;
}

export interface GateOptions {
  now?: () => Date;
  cache?: BlobCache;
  reader?: Partial<GateSettings["reader"]>;
  /** Where checks wait for a worker; default: run them in this process. */
  queue?: (gate: Gate) => CheckQueue;
  /**
   * What acceptance markers are signed with (`MTLS_GATE_MARKER_SECRET`, else the app's private key). Without one, a
   * random key: acceptances then count only in the process that recorded them (fail closed).
   */
  markerSecret?: string | Buffer;
  /** The analysis limits (default: src/core/limits.ts; `npm start` reads `MTLS_GATE_MAX_*`). */
  limits?: LoadLimits;
  /**
   * The analysis limit: a job still running after it is stopped, its analysis thread ended, and its run fails as
   * "Analysis exceeded 60 s" (default 60 s).
   */
  analysisTimeoutMs?: number;
  /** Analysis threads (`MTLS_GATE_ANALYSIS_THREADS`; default min(2, cores)). */
  analysisThreads?: number;
  /** Test-only: every analysis first keeps its thread busy this long (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS`). */
  testSlowAnalysisMs?: number;
  /** How often the sweeper looks for abandoned runs (default 60 s). */
  sweepIntervalMs?: number;
  /** How long a run may stay in progress before the sweeper completes it (default 10 min, never below the analysis limit). */
  staleRunMs?: number;
  /** Waits between attempts to complete a given-up run (default 1 s, 5 s, 30 s, 2 min); then the sweeper takes over. */
  giveUpRetryDelaysMs?: readonly number[];
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_STALE_RUN_MS = 10 * 60_000;
const DEFAULT_GIVE_UP_RETRY_DELAYS_MS = [1000, 5000, 30_000, 120_000];
/** Runs one sweep looks at in each registry; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

export interface Readiness extends QueueReadiness {
  ready: boolean;
}

const MAX_REMEMBERED_DELIVERIES = 10_000;

/** The app's state shared by its handlers: the blob cache, the check queue, command jobs and the app's own identity. */
export class Gate {
  /** Command replies run in the background of the process that received the comment. */
  readonly jobs = new JobQueue();
  readonly settings: GateSettings;
  readonly queue: CheckQueue;
  /** The HMAC key of acceptance markers. */
  readonly markerKey: Buffer;
  #appInfo: Promise<AppInfo> | null = null;
  /** Deliveries of comment commands this process has handled (the most recent ones), so a replay runs nothing. */
  readonly #deliveries = new Set<string>();
  /** The runs this process opened and has not completed (with Redis, the queue's registry has every replica's too). */
  readonly localRuns = new InMemoryRunRegistry();
  /** The runs this process is working on right now: its own sweeper never touches them. */
  readonly #active = new Set<number>();
  readonly analysisTimeoutMs: number;
  /** The threads analyses run in, off the event loop that answers webhooks and renews queue locks. */
  readonly analysisPool: AnalysisPool;
  readonly staleRunMs: number;
  readonly sweepIntervalMs: number;
  readonly #giveUpDelays: readonly number[];
  #sweepTimer: NodeJS.Timeout | null = null;
  #sweeping = false;

  constructor(
    readonly app: Probot,
    options: GateOptions = {},
  ) {
    this.analysisTimeoutMs = options.analysisTimeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS;
    const pool = new AnalysisPool({
      timeoutMs: this.analysisTimeoutMs,
      ...(options.analysisThreads !== undefined ? { threads: options.analysisThreads } : {}),
      ...(options.testSlowAnalysisMs !== undefined ? { testSlowMs: options.testSlowAnalysisMs } : {}),
    });
    this.analysisPool = pool;
    pool.warm();
    this.settings = {
      analyse: (input, signal) => pool.run(input, signal),
      cache: options.cache ?? new BlobCache(),
      now: options.now ?? (() => new Date()),
      reader: { ...DEFAULT_READER, maxFileBytes: (options.limits ?? DEFAULT_LOAD_LIMITS).maxFileBytes, ...options.reader },
      ruleDocsUrl,
      limits: options.limits ?? DEFAULT_LOAD_LIMITS,
    };
    this.markerKey = markerKey(options.markerSecret ?? randomBytes(32));
    // A run younger than the analysis limit may still be worked on by some replica: never swept.
    this.staleRunMs = Math.max(options.staleRunMs ?? DEFAULT_STALE_RUN_MS, this.analysisTimeoutMs);
    this.sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.#giveUpDelays = options.giveUpRetryDelaysMs ?? DEFAULT_GIVE_UP_RETRY_DELAYS_MS;
    this.queue =
      options.queue?.(this) ??
      new InProcessCheckQueue(
        (data, update) => this.processCheck(data, update),
        (error, data) => this.scheduleGiveUp(data, error),
      );
  }

  /**
   * Queues a check and returns: the webhook is answered at once however large the repository. A pull request's head
   * is recorded first, so an older job for the same pull request knows it was superseded.
   */
  async startCheck(context: EventContext, target: CheckTarget): Promise<void> {
    const installationId = (context.payload as { installation?: { id: number } }).installation?.id;
    if (installationId === undefined) throw new Error("the event names no installation");
    try {
      if (target.subject.kind === "pull_request" && !target.fresh) {
        for (const number of target.subject.numbers)
          await this.queue.recordHead(pullKey(target, number), target.headSha);
      }
      await this.queue.enqueue({
        installationId,
        target,
        htmlUrl: context.payload.repository?.html_url ?? "",
        deliveryId: context.id,
      });
    } catch (error) {
      throw this.#unavailable(error, context.id);
    }
  }

  /**
   * Rejects soon (as a 503 for the webhook) when no job can be queued: handlers that ask GitHub something before they
   * queue call it first, so a Redis outage never holds a delivery until GitHub's timeout records it as a success.
   */
  async ensureQueueAvailable(deliveryId: string): Promise<void> {
    try {
      await this.queue.ensureAvailable();
    } catch (error) {
      throw this.#unavailable(error, deliveryId);
    }
  }

  /** The error the webhook fails with when the queue is unavailable: Probot's middleware answers its status, 503. */
  #unavailable(error: unknown, deliveryId: string): QueueUnavailableError {
    const cause = error instanceof QueueUnavailableError ? error.cause : error;
    this.app.log.error(
      { deliveryId, err: cause instanceof Error ? cause.message : String(cause) },
      "could not queue the check: the webhook is answered 503, so the delivery shows as failed and can be redelivered",
    );
    return error instanceof QueueUnavailableError
      ? error
      : new QueueUnavailableError("the check queue is unavailable", { cause: error });
  }

  /** True the first time this process sees a delivery id: a redelivered or replayed command webhook is not run again. */
  firstDelivery(deliveryId: string): boolean {
    if (this.#deliveries.has(deliveryId)) return false;
    this.#deliveries.add(deliveryId);
    if (this.#deliveries.size > MAX_REMEMBERED_DELIVERIES)
      this.#deliveries.delete(this.#deliveries.values().next().value as string);
    return true;
  }

  /**
   * A worker's side of a job: open (or take over) the run, analyse, publish, within the analysis limit. The run is
   * recorded as in progress (for the sweeper) until it is completed, and as this process's own while it works on it.
   */
  async processCheck(data: CheckJobData, update: (data: CheckJobData) => Promise<void>): Promise<void> {
    const { target } = data;
    const octokit = await this.app.auth(data.installationId);
    guardClient(octokit);
    const log = this.app.log.child({ repo: `${target.repo.owner}/${target.repo.repo}`, headSha: target.headSha });
    const externalId = externalIdFor(target.subject);
    const opened =
      data.checkRunId === undefined
        ? await openCheckRun(octokit, target.repo, target.headSha, {
            externalId,
            fresh: target.fresh,
            appId: (await this.appInfo()).id,
            now: this.settings.now(),
          })
        : await takeOverCheckRun(octokit, target.repo, data.checkRunId, target.headSha, {
            externalId,
            now: this.settings.now(),
          });
    if ("skip" in opened) {
      log.info({ checkRunId: opened.id }, "check run already completed for this head");
      await this.#forget(opened.id, log);
      return;
    }
    const checkRunId = opened.id;
    this.#active.add(checkRunId);
    try {
      await this.#record(
        {
          checkRunId,
          installationId: data.installationId,
          repo: target.repo,
          headSha: target.headSha,
          since: Date.now(),
        },
        log,
      );
      if (checkRunId !== data.checkRunId) await update({ ...data, checkRunId });
      const outcome = await withinAnalysisLimit(this.analysisTimeoutMs, async () =>
        runCheck(
          {
            ...this.analysisRequest(octokit, target),
            checkRunId,
            htmlUrl: data.htmlUrl,
            log,
            readAcceptances: () => this.acceptancesFor(octokit, target),
            supersededBy: () => this.supersededBy(target),
            appId: (await this.appInfo()).id,
          },
          this.settings,
        ),
      );
      if (outcome.outcome === "timed-out") await this.#completeOverrun(data, checkRunId, outcome.activity, log);
      await this.#forget(checkRunId, log);
    } finally {
      this.#active.delete(checkRunId);
    }
  }

  /** A job that reached the analysis limit: its run fails and says so (through a client the job cannot block). */
  async #completeOverrun(
    data: CheckJobData,
    checkRunId: number,
    activity: string | null,
    log: Logger,
  ): Promise<void> {
    const { repo, headSha } = data.target;
    log.error(
      { checkRunId, limitMs: this.analysisTimeoutMs, activity },
      "mtls-gate analysis stopped at the analysis limit",
    );
    const octokit = await this.app.auth(data.installationId);
    const report = renderTimedOut({
      limit: formatDuration(this.analysisTimeoutMs),
      repository: `${repo.owner}/${repo.repo}`,
      headSha,
      activity,
    });
    await completeCheckRun(octokit, data.target.repo, checkRunId, report, this.settings.now);
  }

  /** Starts the give-up of a job in the background of this process (`idle()` waits for it). */
  scheduleGiveUp(data: CheckJobData, error: unknown): void {
    this.jobs.start(
      `give-up:${data.checkRunId ?? jobKey(data)}`,
      () => this.giveUp(data, error),
      (failure) =>
        this.app.log.error(
          { checkRunId: data.checkRunId ?? null, err: describeError(failure) },
          "mtls-gate give-up failed; the sweeper completes the run",
        ),
    );
  }

  /**
   * Fail closed: a job that cannot be completed still ends its check, as a failure that says why. Never rejects: a
   * failure to complete the run is logged with its id and retried (`giveUpRetryDelaysMs`); after the last attempt the
   * run is left to the sweeper, due at its next pass.
   */
  async giveUp(data: CheckJobData, error: unknown): Promise<void> {
    const checkRunId = data.checkRunId;
    const { target } = data;
    const log = this.app.log.child({ repo: `${target.repo.owner}/${target.repo.repo}`, headSha: target.headSha });
    log.error({ err: describeError(error), checkRunId: checkRunId ?? null }, "mtls-gate check job given up");
    if (checkRunId === undefined) return;
    const report = renderInternalError({ problem: `the analysis job failed repeatedly: ${describeError(error)}` });
    this.#active.add(checkRunId);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const octokit = await this.app.auth(data.installationId);
          await completeCheckRun(octokit, target.repo, checkRunId, report, this.settings.now);
          await this.#forget(checkRunId, log);
          if (attempt > 1) log.info({ checkRunId, attempt }, "given-up run completed");
          return;
        } catch (failure) {
          const wait = this.#giveUpDelays[attempt - 1];
          if (wait === undefined) {
            log.error(
              { checkRunId, attempts: attempt, err: describeError(failure) },
              "could not complete a given-up run; the sweeper completes it at its next pass",
            );
            const run = { checkRunId, installationId: data.installationId, repo: target.repo, headSha: target.headSha };
            await this.localRuns.opened({ ...run, since: Date.now() - this.staleRunMs });
            return;
          }
          log.error(
            { checkRunId, attempt, retryInMs: wait, err: describeError(failure) },
            "could not complete a given-up run; retrying",
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    } catch (failure) {
      log.error({ checkRunId, err: describeError(failure) }, "mtls-gate give-up failed; the sweeper completes the run");
    } finally {
      this.#active.delete(checkRunId);
    }
  }

  /** Records a run as in progress, here and (with Redis) for every replica; Redis failing is logged, not fatal. */
  async #record(run: TrackedRun, log: Logger): Promise<void> {
    await this.localRuns.opened(run);
    const shared = this.queue.runs;
    if (!shared) return;
    await shared
      .opened(run)
      .catch((error: unknown) =>
        log.warn(
          { checkRunId: run.checkRunId, err: describeError(error) },
          "could not record the run in Redis; only this process's sweeper knows it",
        ),
      );
  }

  /** Forgets a completed run. A Redis failure leaves it recorded: a sweeper later finds it completed and drops it. */
  async #forget(checkRunId: number, log: Logger): Promise<void> {
    await this.localRuns.completed(checkRunId);
    const shared = this.queue.runs;
    if (!shared) return;
    await shared
      .completed(checkRunId)
      .catch((error: unknown) =>
        log.warn({ checkRunId, err: describeError(error) }, "could not remove the completed run from Redis"),
      );
  }

  /** Whether this process is working on a run right now (its own sweeper leaves it alone). */
  isWorkingOn(checkRunId: number): boolean {
    return this.#active.has(checkRunId);
  }

  /**
   * One pass of the sweeper: every run recorded as in progress for longer than `staleRunMs` (here, then in Redis), and
   * not worked on by this process, is completed as a failure that says how to re-run it, unless GitHub shows it
   * completed, gone or not this app's. Returns the ids of the runs it completed. Never rejects.
   */
  async sweep(now: number = Date.now()): Promise<number[]> {
    if (this.#sweeping) return [];
    this.#sweeping = true;
    const swept: number[] = [];
    try {
      const registries: RunRegistry[] = [this.localRuns, ...(this.queue.runs ? [this.queue.runs] : [])];
      for (const registry of registries) {
        let due: TrackedRun[];
        try {
          due = await registry.startedBefore(now - this.staleRunMs, SWEEP_BATCH);
        } catch (error) {
          this.app.log.warn({ err: describeError(error) }, "the sweeper could not list the runs in progress");
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

  async #sweepOne(registry: RunRegistry, run: TrackedRun): Promise<boolean> {
    if (this.#active.has(run.checkRunId)) return false;
    try {
      if (!(await registry.claim(run.checkRunId))) return false;
    } catch {
      return false;
    }
    try {
      // Taken up again by this process between the listing and the claim: its work completes it.
      if (this.#active.has(run.checkRunId)) {
        await registry.release(run);
        return false;
      }
      const completed = await this.#completeAbandoned(run);
      await this.#forget(run.checkRunId, this.app.log);
      return completed;
    } catch (error) {
      this.app.log.error(
        { checkRunId: run.checkRunId, err: describeError(error) },
        "the sweeper could not complete an abandoned run; the next sweep tries again",
      );
      await registry.release(run).catch(() => undefined);
      return false;
    }
  }

  /** Completes an abandoned run as a failure; false when there was nothing to complete. */
  async #completeAbandoned(run: TrackedRun): Promise<boolean> {
    let octokit: GitHubClient;
    let current: { status: string; app: { id: number } | null };
    try {
      octokit = await this.app.auth(run.installationId);
      ({ data: current } = await octokit.rest.checks.get({ ...run.repo, check_run_id: run.checkRunId }));
    } catch (error) {
      // The run, its repository or the installation is gone: nothing left to complete.
      if ((error as { status?: unknown }).status === 404) return false;
      throw error;
    }
    if (current.status === "completed") return false;
    const appId = (await this.appInfo()).id;
    if (appId !== null && current.app?.id !== appId) return false;
    const report = renderSweptRun({ staleMs: this.staleRunMs });
    await completeCheckRun(octokit, run.repo, run.checkRunId, report, this.settings.now);
    this.app.log.warn(
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

  /** Sweeps at once, then every `sweepIntervalMs` (the timer does not keep the process alive). */
  startSweeper(): void {
    if (this.#sweepTimer) return;
    const tick = () => void this.sweep();
    this.#sweepTimer = setInterval(tick, this.sweepIntervalMs);
    this.#sweepTimer.unref();
    setImmediate(tick);
  }

  stopSweeper(): void {
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.#sweepTimer = null;
  }

  /** `GET /ready`: Redis (when configured) answers and this process's workers (when it has any) can take jobs. */
  async readiness(): Promise<Readiness> {
    const state = await this.queue.readiness();
    // Workers without analysis threads (the pool closed at shutdown) take no job.
    if (state.workers === "up" && this.analysisPool.state().closed) state.workers = "down";
    return { ready: state.redis !== "down" && state.workers !== "down", ...state };
  }

  /** The newer head of the target's pull request, when a push superseded the SHA this job checks. */
  async supersededBy(target: CheckTarget): Promise<string | null> {
    if (target.subject.kind !== "pull_request") return null;
    for (const number of target.subject.numbers) {
      const latest = await this.queue.latestHead(pullKey(target, number));
      if (latest && latest !== target.headSha) return latest;
    }
    return null;
  }

  /** Shutdown: the queue hands back or finishes its jobs, then the analysis threads end. */
  async close(): Promise<void> {
    this.stopSweeper();
    try {
      await this.queue.close();
    } finally {
      await this.analysisPool.close();
    }
  }

  /** Every check and command job of this process (and, with Redis, of the queue) has finished. */
  async idle(): Promise<void> {
    await this.jobs.idle();
    await this.queue.idle();
    await this.jobs.idle();
  }

  /** What an analysis needs: the installation's client, the target and the trusted config reader. */
  analysisRequest(octokit: GitHubClient, target: CheckTarget): AnalysisRequest {
    return { octokit, target, readConfig: () => readTrustedConfig(octokit, target.repo) };
  }

  /** The acceptances recorded on the target's pull requests (for the merge queue: the pull request it is merging). */
  async acceptancesFor(octokit: GitHubClient, target: CheckTarget): Promise<AcceptanceState> {
    const numbers = target.subject.kind === "commit" ? [] : target.subject.numbers;
    const identity = await this.identity();
    // Without its identity (the Action's workflow token) the app has no comments of its own: no acceptance counts.
    if (numbers.length === 0 || identity.appId === null)
      return { acceptances: [], handledCommands: new Set(), problem: null };
    try {
      return await readAcceptances(octokit, target.repo, numbers, identity, this.markerKey);
    } catch (error) {
      // A queue branch can name a pull request that is gone: no acceptances, not a failure.
      if ((error as { status?: unknown }).status === 404)
        return { acceptances: [], handledCommands: new Set(), problem: null };
      throw error;
    }
  }

  /** How the app recognises its own comments: by the app id GitHub records on them. */
  async identity(): Promise<BotIdentity> {
    return { appId: (await this.appInfo()).id };
  }


  /** The external id of this app's latest run on a SHA: what it compared, for a re-run whose payload does not say. */
  async lastExternalId(octokit: GitHubClient, repo: CheckTarget["repo"], headSha: string): Promise<string | null> {
    const run = await latestCheckRun(octokit, repo, headSha, (await this.appInfo()).id);
    return run?.external_id ?? null;
  }

  /** The app's id (to recognise its own runs) and slug (its comments' author), looked up once; null when GitHub would not say. */
  appInfo(): Promise<AppInfo> {
    this.#appInfo ??= this.app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => ({ id: data?.id ?? null, slug: data?.slug ?? null }))
      .catch(() => {
        this.#appInfo = null;
        return { id: null, slug: null };
      });
    return this.#appInfo;
  }
}

/**
 * The default branch's `.github/mtls-gate.yml`, falling back to the organisation's `.github` repository and following
 * `_extends` (Probot's config plugin, as `context.config` uses it, but usable by a worker that has no event context).
 * Keys of the repository's file replace inherited ones; arrays are replaced, not appended to. `_extends` is honoured
 * only within the repository's owner, and a file it names must exist: a policy never silently loses its base.
 */
async function readTrustedConfig(octokit: GitHubClient, repo: RepoRef): Promise<unknown> {
  const { config, files } = await octokit.config.get({
    ...repo,
    path: `.github/${CONFIG_FILE}`,
    defaults: (configs: Record<string, unknown>[]) => deepmerge.all<Record<string, unknown>>(configs, { arrayMerge: (_inherited: unknown[], own: unknown[]) => own }),
  });
  // The repository's own file, else the organisation's `.github` one; every file after it was named by `_extends`.
  const firstExtended = files[0]?.config ? 1 : 2;
  for (const file of files.slice(firstExtended)) {
    const named = `${file.owner}/${file.repo}:${file.path}`;
    if (file.owner.toLowerCase() !== repo.owner.toLowerCase()) {
      throw new Error(`_extends names ${named}, outside ${repo.owner}: only repositories of the same owner are honoured`);
    }
    if (file.config === null) throw new Error(`_extends names ${named}, which cannot be read (missing, or not readable by the app)`);
  }
  return files.some((file) => file.config !== null) ? config : null;
}
