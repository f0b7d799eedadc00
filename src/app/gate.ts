import { randomBytes } from "node:crypto";
import type { Context, Probot } from "probot";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../core/limits.js";
import { DEFAULT_RENDER_CACHE_BYTES, RenderCache } from "../render/cache.js";
import type { RenderResult } from "../render/render.js";
import { locateTools, type RenderTools } from "../render/tools.js";
import { DEFAULT_ANALYSIS_TIMEOUT_MS } from "./analysis-limit.js";
import { AnalysisPool } from "./analysis-pool.js";
import { BlobCache } from "./blob-cache.js";
import { latestCheckRun } from "./check-run-publisher.js";
import { checkRunner, giveUp } from "./check-runner.js";
import type { CheckTarget } from "./check-target.js";
import { markerKey, type BotIdentity } from "./commands/acceptances.js";
import { describeError } from "./describe-error.js";
import type { GitHubClient } from "./github-client.js";
import type { ReaderSettings } from "./stages/read-inputs.js";
import { KeyedSingleFlight } from "./keyed-single-flight.js";
import { ruleDocsUrl } from "./links.js";
import { AppMetrics } from "./metrics.js";
import { MemoryScanState, RedisScanState } from "./watch/scan-state.js";
import { Watch, type WatchOptions } from "./watch/watch.js";
import {
  jobKey,
  pullKey,
  QueueUnavailableError,
  type CheckJobData,
  type CheckProcessor,
  type CheckQueue,
  type QueueReadiness,
} from "./queue/check-queue.js";
import { InProcessCheckQueue } from "./queue/in-process-queue.js";
import { RunTracker } from "./run-tracker.js";
import { acceptancesOn } from "./stages/read-inputs.js";
import type { StageSettings } from "./stages/run-stages.js";
import { Sweeper } from "./sweeper.js";

export type EventContext = Context<"pull_request" | "check_run" | "check_suite" | "merge_group" | "issue_comment">;

export interface AppInfo {
  id: number | null;
  slug: string | null;
}

export interface GateOptions {
  now?: () => Date;
  cache?: BlobCache;
  reader?: Partial<Omit<ReaderSettings, "cache">>;
  /** Where checks wait for a worker (built with the gate's `processCheck`); default: run them in this process. */
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
  /**
   * Where kustomize and helm are, for rendering overlays and charts. Default: `locateTools(process.env)`
   * (`MTLS_GATE_KUSTOMIZE`, `MTLS_GATE_HELM`, then PATH), as the CLI finds them. A missing tool is a
   * `render-unavailable` finding on what it would have rendered; only the trusted policy's `render.enabled: false`
   * switches rendering off.
   */
  renderTools?: RenderTools;
  /** The renders this process keeps across checks (default: one of `DEFAULT_RENDER_CACHE_BYTES`, 64 MiB). */
  renderCache?: RenderCache<RenderResult>;
  /**
   * The time all renders of one check may take together (`MTLS_GATE_RENDER_BUDGET_MS`; default half the analysis
   * limit): what is left of the limit is for reading and the analysis, so a render that cannot finish is a
   * `render-failed` finding in a concluded check, not a timed-out one.
   */
  renderBudgetMs?: number;
  /** Test-only: every analysis first keeps its thread busy this long (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS`). */
  testSlowAnalysisMs?: number;
  /** How often the sweeper looks for abandoned runs (default 60 s). */
  sweepIntervalMs?: number;
  /** How long a run may stay in progress before the sweeper completes it (default 10 min, never below the analysis limit). */
  staleRunMs?: number;
  /** Scans of default branches: the tick interval, test periods, and Redis (shared claims and results, BullMQ ticks). */
  watch?: Pick<WatchOptions, "tickMs" | "periodsMs" | "now" | "redis">;
  /** Waits between attempts to complete a given-up run (default 1 s, 5 s, 30 s, 2 min); then the sweeper takes over. */
  giveUpRetryDelaysMs?: readonly number[];
}

/** Half the analysis limit for every render of a check: the other half reads the commits and analyses them. */
export function defaultRenderBudgetMs(analysisTimeoutMs: number): number {
  return Math.floor(analysisTimeoutMs / 2);
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_STALE_RUN_MS = 10 * 60_000;
const DEFAULT_GIVE_UP_RETRY_DELAYS_MS = [1000, 5000, 30_000, 120_000];
const DEFAULT_READER: Omit<ReaderSettings, "cache" | "maxFileBytes"> = { tarballThreshold: 20, concurrency: 8 };

export interface Readiness extends QueueReadiness {
  ready: boolean;
}

const MAX_REMEMBERED_DELIVERIES = 10_000;

/**
 * The app's wiring: the analysis threads, the stage settings, the check queue (built with the one function that runs
 * a check, `processCheck`), the runs in progress and their sweeper, and the app's own identity. The flow of a check is
 * not here: see docs/app-flow.md.
 */
export class Gate {
  /** Command replies and give-ups run in the background of the process that received them. */
  readonly jobs = new KeyedSingleFlight();
  /** What the four stages of a check need (src/app/stages/): the handlers, commands and the Action use them too. */
  readonly settings: StageSettings;
  /** A worker's side of a check job: the queue is built with it (check-runner.ts). */
  readonly processCheck: CheckProcessor;
  readonly queue: CheckQueue;
  /** The HMAC key of acceptance markers. */
  readonly markerKey: Buffer;
  readonly runs: RunTracker;
  /** This instance's Prometheus registry (`GET /metrics`). */
  readonly metrics: AppMetrics;
  /** Scans of default branches (pushes, schedule, the dashboard's re-scan box), their metrics and dashboard issues. */
  readonly watch: Watch;
  readonly analysisTimeoutMs: number;
  /** The threads `evaluate` runs in, off the event loop that answers webhooks and renews queue locks. */
  readonly analysisPool: AnalysisPool;
  readonly staleRunMs: number;
  readonly sweepIntervalMs: number;
  /**
   * Renders kept across the checks this process runs (LRU, bounded in bytes), keyed by repository and the bytes each
   * render reads: a re-run, the next push or another pull request of the repository runs no tool for the environments
   * it leaves alone.
   */
  readonly renderCache: RenderCache<RenderResult>;
  readonly #sweeper: Sweeper;
  readonly #giveUpDelays: readonly number[];
  /** Deliveries of comment commands this process has handled (the most recent ones), so a replay runs nothing. */
  readonly #deliveries = new Set<string>();
  #appInfo: Promise<AppInfo> | null = null;

  constructor(
    readonly app: Probot,
    options: GateOptions = {},
  ) {
    this.analysisTimeoutMs = options.analysisTimeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS;
    this.renderCache = options.renderCache ?? new RenderCache<RenderResult>(DEFAULT_RENDER_CACHE_BYTES);
    const pool = new AnalysisPool({
      timeoutMs: this.analysisTimeoutMs,
      ...(options.analysisThreads !== undefined ? { threads: options.analysisThreads } : {}),
      ...(options.testSlowAnalysisMs !== undefined ? { testSlowMs: options.testSlowAnalysisMs } : {}),
    });
    this.analysisPool = pool;
    pool.warm();
    this.markerKey = markerKey(options.markerSecret ?? randomBytes(32));
    const limits = options.limits ?? DEFAULT_LOAD_LIMITS;
    const now = options.now ?? (() => new Date());
    this.settings = {
      reader: {
        ...DEFAULT_READER,
        maxFileBytes: limits.maxFileBytes,
        ...options.reader,
        cache: options.cache ?? new BlobCache(),
      },
      limits,
      now,
      ruleDocsUrl,
      evaluateInThread: (request, signal) => pool.run(request, signal),
      acceptances: async (github, target) => acceptancesOn(github, target, await this.identity(), this.markerKey),
      render: {
        tools: options.renderTools ?? locateTools(process.env),
        cache: this.renderCache,
        budgetMs: options.renderBudgetMs ?? defaultRenderBudgetMs(this.analysisTimeoutMs),
      },
    };
    // A run younger than the analysis limit may still be worked on by some replica: never swept.
    this.staleRunMs = Math.max(options.staleRunMs ?? DEFAULT_STALE_RUN_MS, this.analysisTimeoutMs);
    this.sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.#giveUpDelays = options.giveUpRetryDelaysMs ?? DEFAULT_GIVE_UP_RETRY_DELAYS_MS;
    this.runs = new RunTracker(() => this.queue.runs);
    this.metrics = new AppMetrics(() => this.queue.depth());
    // Every installation client reports GitHub's rate limit to the metrics.
    const auth = async (installationId: number) =>
      this.metrics.observeClient((await app.auth(installationId)) as GitHubClient);
    const appId = async () => (await this.appInfo()).id;
    this.processCheck = checkRunner({
      stages: this.settings,
      auth,
      appId,
      latestHead: (key) => this.queue.latestHead(key),
      runs: this.runs,
      analysisTimeoutMs: this.analysisTimeoutMs,
      log: app.log,
      onCompleted: (conclusion, seconds) => this.metrics.recordCheck(conclusion, seconds),
    });
    this.#sweeper = new Sweeper({
      runs: this.runs,
      auth,
      appId,
      staleRunMs: this.staleRunMs,
      intervalMs: this.sweepIntervalMs,
      now,
      log: app.log,
    });
    const redis = options.watch?.redis ?? null;
    this.watch = new Watch({
      // Schedule periods are counted on the gate's clock, as certificate expiry is.
      now: () => now().getTime(),
      ...options.watch,
      settings: this.settings,
      auth,
      appClient: async () => (await app.auth()) as GitHubClient,
      identity: async () => {
        const info = await this.appInfo();
        return { appId: info.id, login: info.slug ? `${info.slug}[bot]` : null };
      },
      markerKey: this.markerKey,
      state: redis ? new RedisScanState(redis.url, `mtls-gate:${redis.queueName}`) : new MemoryScanState(),
      metrics: this.metrics,
      analysisTimeoutMs: this.analysisTimeoutMs,
      log: app.log,
    });
    this.queue =
      options.queue?.(this) ??
      new InProcessCheckQueue(this.processCheck, (error, data) => this.scheduleGiveUp(data, error));
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

  /** Completes a job that kept failing as a failure that says why (check-runner.ts); never rejects. */
  giveUp(data: CheckJobData, error: unknown): Promise<void> {
    return giveUp(
      {
        auth: (id) => this.app.auth(id) as Promise<GitHubClient>,
        runs: this.runs,
        now: this.settings.now,
        log: this.app.log,
        retryDelaysMs: this.#giveUpDelays,
        staleRunMs: this.staleRunMs,
      },
      data,
      error,
    );
  }

  /** Whether this process is working on a run right now (its own sweeper leaves it alone). */
  isWorkingOn(checkRunId: number): boolean {
    return this.runs.isWorkingOn(checkRunId);
  }

  /** One pass of the sweeper (sweeper.ts): the ids of the runs it completed. Never rejects. */
  sweep(now: number = Date.now()): Promise<number[]> {
    return this.#sweeper.sweep(now);
  }

  /** Sweeps at once, then every `sweepIntervalMs` (the timer does not keep the process alive). */
  startSweeper(): void {
    this.#sweeper.start();
  }

  stopSweeper(): void {
    this.#sweeper.stop();
  }

  /** `GET /ready`: Redis (when configured) answers and this process's workers (when it has any) can take jobs. */
  async readiness(): Promise<Readiness> {
    const state = await this.queue.readiness();
    // Workers without analysis threads (the pool closed at shutdown) take no job.
    if (state.workers === "up" && this.analysisPool.state().closed) state.workers = "down";
    return { ready: state.redis !== "down" && state.workers !== "down", ...state };
  }

  /** Shutdown: the queue hands back or finishes its jobs, then the analysis threads end. */
  async close(): Promise<void> {
    this.stopSweeper();
    try {
      await this.watch.stop();
    } catch (error) {
      this.app.log.error({ err: describeError(error) }, "stopping the scans failed");
    }
    try {
      await this.queue.close();
    } finally {
      await this.analysisPool.close();
    }
  }

  /** Every check and command job of this process (and, with Redis, of the queue) has finished. */
  async idle(): Promise<void> {
    await this.jobs.idle();
    await this.watch.idle();
    await this.queue.idle();
    await this.jobs.idle();
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
