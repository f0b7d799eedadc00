import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { DEFAULT_ANALYSIS_TIMEOUT_MS } from "./analysis-limit.js";
import { defaultAnalysisThreads } from "./analysis-pool.js";
import { parsedCacheBytes } from "./blob-cache.js";
import { DEFAULT_STALE_RUN_MS, DEFAULT_SWEEP_INTERVAL_MS, defaultRenderBudgetMs, type Gate, type GateOptions } from "./gate.js";
import { RedisCheckQueue, type Role } from "./queue/redis-queue.js";
import { DEFAULT_TICK_MS } from "./watch/watch.js";

export interface DeploymentSettings {
  role: Role;
  redisUrl: string | null;
  concurrency: number;
  lockMs: number;
  attempts: number;
  /** The BullMQ queue's name (`MTLS_GATE_QUEUE`), so several deployments can share one Redis. */
  queueName: string;
  /** The analysis limit (`MTLS_GATE_ANALYSIS_TIMEOUT_MS`): a job still running after it is stopped and its run fails. */
  analysisTimeoutMs: number;
  /** The time all renders of one check may take (`MTLS_GATE_RENDER_BUDGET_MS`; default half the analysis limit). */
  renderBudgetMs: number;
  /** How often the sweeper looks for abandoned runs (`MTLS_GATE_SWEEP_INTERVAL_MS`). */
  sweepIntervalMs: number;
  /** How long a run may stay in progress before the sweeper completes it (`MTLS_GATE_STALE_RUN_MS`). */
  staleRunMs: number;
  /** Analysis threads (`MTLS_GATE_ANALYSIS_THREADS`; default min(2, cores)). */
  analysisThreads: number;
  /** Test-only (`MTLS_GATE_TEST_SLOW_ANALYSIS_MS`): every analysis first keeps its thread busy this long. */
  testSlowAnalysisMs: number | null;
  /** How often scans of default branches look for repositories due (`MTLS_GATE_WATCH_TICK_MS`, default 5 min). */
  watchTickMs: number;
  /** The bearer token `GET /metrics` requires (`MTLS_GATE_METRICS_TOKEN`); null: none. */
  metricsToken: string | null;
  /**
   * Parsed files kept per analysis thread (`MTLS_GATE_CACHE_MB`, default 256, 0: none), in bytes. Read here so a bad
   * value stops the start; each thread reads the variable itself (analysis-worker.ts).
   */
  parsedCacheBytes: number;
}

/**
 * Besides Probot's own variables: `REDIS_URL` (a durable queue shared by replicas, and Probot's shared throttling),
 * `MTLS_GATE_ROLE` (`web`, `worker` or both by default), `MTLS_GATE_WORKER_CONCURRENCY` (jobs per worker process),
 * `MTLS_GATE_LOCK_MS` (how soon a dead worker's job is taken over), `MTLS_GATE_ATTEMPTS` and `MTLS_GATE_QUEUE`; and,
 * with or without Redis, `MTLS_GATE_ANALYSIS_TIMEOUT_MS` (the analysis limit), `MTLS_GATE_SWEEP_INTERVAL_MS` and
 * `MTLS_GATE_STALE_RUN_MS` (the sweeper's; never less than the analysis limit, or a run still being analysed could be
 * swept), `MTLS_GATE_ANALYSIS_THREADS` (the analysis thread pool), `MTLS_GATE_CACHE_MB` (parsed files kept per analysis
 * thread), `MTLS_GATE_RENDER_BUDGET_MS` (all renders of one check, below the analysis limit) and, for tests only,
 * `MTLS_GATE_TEST_SLOW_ANALYSIS_MS`.
 */
export function deploymentSettings(env: Readonly<Record<string, string | undefined>>): DeploymentSettings {
  const role = env.MTLS_GATE_ROLE ?? "all";
  if (role !== "web" && role !== "worker" && role !== "all")
    throw new Error(`MTLS_GATE_ROLE must be web, worker or all, not ${JSON.stringify(role)}`);
  return {
    role,
    redisUrl: env.REDIS_URL || null,
    concurrency: positiveInteger(env, "MTLS_GATE_WORKER_CONCURRENCY", 4),
    lockMs: positiveInteger(env, "MTLS_GATE_LOCK_MS", 30_000),
    attempts: positiveInteger(env, "MTLS_GATE_ATTEMPTS", 3),
    queueName: env.MTLS_GATE_QUEUE || "mtls-gate-checks",
    analysisThreads: positiveInteger(env, "MTLS_GATE_ANALYSIS_THREADS", defaultAnalysisThreads()),
    parsedCacheBytes: parsedCacheBytes(env),
    testSlowAnalysisMs: env.MTLS_GATE_TEST_SLOW_ANALYSIS_MS
      ? positiveInteger(env, "MTLS_GATE_TEST_SLOW_ANALYSIS_MS", 0)
      : null,
    watchTickMs: positiveInteger(env, "MTLS_GATE_WATCH_TICK_MS", DEFAULT_TICK_MS),
    metricsToken: env.MTLS_GATE_METRICS_TOKEN || null,
    ...runLimits(env),
  };
}

function runLimits(
  env: Readonly<Record<string, string | undefined>>,
): Pick<DeploymentSettings, "analysisTimeoutMs" | "renderBudgetMs" | "sweepIntervalMs" | "staleRunMs"> {
  const analysisTimeoutMs = positiveInteger(env, "MTLS_GATE_ANALYSIS_TIMEOUT_MS", DEFAULT_ANALYSIS_TIMEOUT_MS);
  const renderBudgetMs = positiveInteger(env, "MTLS_GATE_RENDER_BUDGET_MS", defaultRenderBudgetMs(analysisTimeoutMs));
  // Renders that may use the whole limit leave no time to analyse what they produced: every such check would time out.
  if (renderBudgetMs >= analysisTimeoutMs)
    throw new Error(
      `MTLS_GATE_RENDER_BUDGET_MS (${renderBudgetMs}) must be less than the analysis limit, MTLS_GATE_ANALYSIS_TIMEOUT_MS ` +
        `(${analysisTimeoutMs}): the rest of the limit reads and analyses the commits`,
    );
  const sweepIntervalMs = positiveInteger(env, "MTLS_GATE_SWEEP_INTERVAL_MS", DEFAULT_SWEEP_INTERVAL_MS);
  const staleRunMs = positiveInteger(env, "MTLS_GATE_STALE_RUN_MS", Math.max(DEFAULT_STALE_RUN_MS, analysisTimeoutMs));
  if (staleRunMs < analysisTimeoutMs)
    throw new Error(
      `MTLS_GATE_STALE_RUN_MS (${staleRunMs}) must not be less than the analysis limit, MTLS_GATE_ANALYSIS_TIMEOUT_MS ` +
        `(${analysisTimeoutMs}): a run still being analysed would be swept`,
    );
  return { analysisTimeoutMs, renderBudgetMs, sweepIntervalMs, staleRunMs };
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return value;
}

/**
 * Why this environment must not serve webhooks, or null. In production a missing, empty or `development` webhook secret
 * (Probot's public fallback) would let anyone who reaches the URL forge deliveries: a comment that runs `accept` in a
 * maintainer's name, or a pull request event that completes a run green.
 */
export function forgeableConfiguration(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.NODE_ENV !== "production") return null;
  const secret = env.WEBHOOK_SECRET;
  if (secret === undefined || secret.trim() === "")
    return "WEBHOOK_SECRET is not set: with NODE_ENV=production mtls-gate refuses to start, since anyone could forge webhooks";
  if (secret === "development")
    return 'WEBHOOK_SECRET is Probot\'s public default "development": with NODE_ENV=production mtls-gate refuses to start, since anyone could forge webhooks';
  return null;
}

/**
 * What acceptance markers are signed with: `MTLS_GATE_MARKER_SECRET` when set (the same on every replica), else the
 * app's private key as Probot reads it (`PRIVATE_KEY`, or the file at `PRIVATE_KEY_PATH`), in one canonical encoding so
 * replicas that hold the key in different forms sign alike. Null when there is neither.
 */
export function markerSecretFrom(env: Readonly<Record<string, string | undefined>>): string | Buffer | null {
  if (env.MTLS_GATE_MARKER_SECRET) return env.MTLS_GATE_MARKER_SECRET;
  let pem = env.PRIVATE_KEY?.replace(/\\n/g, "\n") || null;
  if (!pem && env.PRIVATE_KEY_PATH) {
    try {
      pem = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch {
      pem = null;
    }
  }
  if (!pem) return null;
  try {
    return createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
  } catch {
    return pem;
  }
}

/** Gate options for a deployment: the durable Redis queue when REDIS_URL is set, else the in-process default. */
export function gateOptionsFor(
  settings: DeploymentSettings,
  app: Probot,
  markerSecret: string | Buffer | null = null,
): GateOptions {
  const signing: GateOptions = {
    ...(markerSecret !== null ? { markerSecret } : {}),
    analysisTimeoutMs: settings.analysisTimeoutMs,
    renderBudgetMs: settings.renderBudgetMs,
    analysisThreads: settings.analysisThreads,
    ...(settings.testSlowAnalysisMs !== null ? { testSlowAnalysisMs: settings.testSlowAnalysisMs } : {}),
    sweepIntervalMs: settings.sweepIntervalMs,
    staleRunMs: settings.staleRunMs,
    watch: { tickMs: settings.watchTickMs },
  };
  if (markerSecret === null)
    app.log.warn(
      "no MTLS_GATE_MARKER_SECRET or private key to sign acceptances with: acceptances will not survive a restart",
    );
  if (!settings.redisUrl) {
    if (settings.role !== "all")
      app.log.warn(
        "MTLS_GATE_ROLE needs REDIS_URL (web and worker share the queue there); running both roles in-process",
      );
    return signing;
  }
  const redisUrl = settings.redisUrl;
  return {
    ...signing,
    // Scan claims and results in Redis, ticks as a BullMQ job scheduler: each repository once per period across replicas.
    watch: {
      tickMs: settings.watchTickMs,
      redis: { url: redisUrl, queueName: `${settings.queueName}-watch`, tick: settings.role !== "web" },
    },
    queue: (gate: Gate) =>
      new RedisCheckQueue(
        {
          url: redisUrl,
          role: settings.role,
          concurrency: settings.concurrency,
          lockMs: settings.lockMs,
          attempts: settings.attempts,
          queueName: settings.queueName,
          log: app.log,
        },
        (data, update) => gate.processCheck(data, update),
        async (data, error) => gate.scheduleGiveUp(data, error),
      ),
  };
}
