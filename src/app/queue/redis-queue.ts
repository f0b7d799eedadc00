import { Queue, Worker, type Job } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import {
  jobKey,
  QueueUnavailableError,
  type CheckJobData,
  type CheckProcessor,
  type CheckQueue,
  type QueueReadiness,
} from "./check-queue.js";
import { RedisRunRegistry } from "./redis-runs.js";

export type Role = "web" | "worker" | "all";

/** What the queue logs through (Probot's pino logger in the app). */
export interface QueueLog {
  info(data: object, message: string): void;
  error(data: object, message: string): void;
}

export interface RedisQueueOptions {
  url: string;
  role: Role;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /** How long a worker's claim on a job lasts without renewal: a killed worker's job is taken over after it. */
  lockMs: number;
  /** Tries before a job is given up (and its check completed as a failure). */
  attempts: number;
  queueName?: string;
  /**
   * How long a producer call (queueing a job, recording a head) may take, waiting for Redis included, before it fails:
   * the webhook is then answered 503 well within GitHub's 10 seconds. Default 3 s.
   */
  producerTimeoutMs?: number;
  log?: QueueLog;
}

const HEADS_KEY = "mtls-gate:pull-heads";
const DEFAULT_PRODUCER_TIMEOUT_MS = 3000;
/** A Redis that stays down logs one line per client this often, not one per reconnection attempt. */
const ERROR_LOG_INTERVAL_MS = 30_000;

const STDERR_LOG: QueueLog = {
  info: () => undefined,
  error: (data, message) => process.stderr.write(`mtls-gate: ${message} ${JSON.stringify(data)}\n`),
};

/**
 * The durable queue (BullMQ on Redis): web processes add jobs and answer at once; worker processes (any replica) run
 * them. A job whose worker dies is found stalled when its lock lapses and another worker finishes it; a job that keeps
 * failing is handed to `onGiveUp`, which completes its check as a failure, never leaving it in progress.
 *
 * Producers fail fast: their connection has no offline queue (a command while Redis is unreachable fails at once
 * instead of waiting for a reconnection that may never come), one retry per request, a connect and command timeout,
 * and every producer call is bounded by `producerTimeoutMs`. It keeps reconnecting in the background, at most 2 s
 * apart, so the queue is usable again as soon as Redis is. Every client has an `error` listener.
 */
export class RedisCheckQueue implements CheckQueue {
  readonly durable = true;
  readonly runs: RedisRunRegistry;
  readonly #queue: Queue<CheckJobData>;
  readonly #redis: Redis;
  readonly #workerRedis: Redis | null;
  readonly #worker: Worker<CheckJobData> | null;
  /** BullMQ leaves connections it was given open: these are closed by `close()`. */
  readonly #connections: Redis[] = [];
  readonly #timeoutMs: number;
  readonly #log: QueueLog;
  #closing = false;

  constructor(
    private readonly options: RedisQueueOptions,
    process: CheckProcessor,
    onGiveUp: (data: CheckJobData, error: Error) => Promise<void>,
  ) {
    const name = options.queueName ?? "mtls-gate-checks";
    this.#timeoutMs = options.producerTimeoutMs ?? DEFAULT_PRODUCER_TIMEOUT_MS;
    this.#log = options.log ?? STDERR_LOG;
    const connection = (label: string, redisOptions: RedisOptions) => {
      const redis = new Redis(options.url, redisOptions);
      this.#connections.push(redis);
      this.#reportErrors(redis, label);
      return redis;
    };
    this.#redis = connection("producer", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.#timeoutMs,
      commandTimeout: this.#timeoutMs,
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    this.runs = new RedisRunRegistry(this.#redis, `mtls-gate:${name}`, () => this.#whenReady());
    this.#queue = new Queue<CheckJobData>(name, { connection: this.#redis });
    this.#reportErrors(this.#queue, "queue");
    // BullMQ's blocking commands need a connection that never gives up on a request: workers wait for Redis to return.
    this.#workerRedis =
      options.role === "web"
        ? null
        : connection("worker", { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * times, 2000) });
    this.#worker =
      this.#workerRedis === null
        ? null
        : new Worker<CheckJobData>(
            name,
            (job: Job<CheckJobData>) => process(job.data, (data) => job.updateData(data)),
            {
              connection: this.#workerRedis,
              concurrency: options.concurrency,
              lockDuration: options.lockMs,
              stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
              maxStalledCount: 2,
            },
          );
    if (this.#worker) this.#reportErrors(this.#worker, "worker");
    this.#worker?.on("failed", (job, error) => {
      if (!job) return;
      const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/i.test(error.message);
      if (!exhausted) return;
      // The give-up logs and retries its own failures; this only catches a bug in it, never silently.
      onGiveUp(job.data, error).catch((failure: unknown) =>
        this.#log.error(
          { checkRunId: job.data.checkRunId, err: String(failure) },
          "mtls-gate give-up failed; the sweeper completes the run",
        ),
      );
    });
  }

  async enqueue(data: CheckJobData): Promise<void> {
    await this.#produce("queueing the check", () =>
      this.#queue.add("check", data, {
        jobId: jobKey(data),
        attempts: this.options.attempts,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      }),
    );
  }

  async recordHead(pullKey: string, headSha: string): Promise<void> {
    await this.#produce("recording the head", () => this.#redis.hset(HEADS_KEY, pullKey, headSha));
  }

  async latestHead(pullKey: string): Promise<string | null> {
    return this.#produce("reading the latest head", () => this.#redis.hget(HEADS_KEY, pullKey));
  }

  async ensureAvailable(): Promise<void> {
    await this.#produce("connecting", async () => undefined);
  }

  async readiness(): Promise<QueueReadiness> {
    let redis: QueueReadiness["redis"] = "down";
    if (!this.#closing && this.#redis.status === "ready") {
      redis = await bounded(this.#redis.ping(), Math.min(this.#timeoutMs, 1000)).then(
        (answer) => (answer === "PONG" ? "up" : "down"),
        () => "down" as const,
      );
    }
    let workers: QueueReadiness["workers"] = "none";
    if (this.#worker)
      workers =
        !this.#closing && this.#workerRedis?.status === "ready" && this.#worker.isRunning() && !this.#worker.closing
          ? "up"
          : "down";
    return { redis, workers };
  }

  async depth(): Promise<number> {
    const counts = await this.#produce("counting jobs", () =>
      this.#queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children"),
    );
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /** Waits until no job is waiting, delayed or running anywhere: every replica's work is done. */
  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.#queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children");
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#worker?.close();
    await this.#queue.close();
    await Promise.all(this.#connections.map((redis) => redis.quit().catch(() => redis.disconnect())));
  }

  /** A producer call: fails within the timeout, as a `QueueUnavailableError`, when Redis is unreachable or slow. */
  async #produce<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (this.#closing) throw new QueueUnavailableError("the app is shutting down");
    try {
      return await bounded(
        this.#whenReady().then(call),
        this.#timeoutMs,
        `Redis did not answer within ${this.#timeoutMs} ms`,
      );
    } catch (error) {
      // The message is what GitHub's delivery log shows; the cause, with Redis's own words, goes to the app's log.
      throw new QueueUnavailableError(`the check queue is unavailable (${what}): Redis is unreachable or too slow`, {
        cause: error,
      });
    }
  }

  /** Resolves once the producer connection is ready; rejects after the timeout. */
  #whenReady(): Promise<void> {
    const redis = this.#redis;
    if (redis.status === "ready") return Promise.resolve();
    if (redis.status === "end") return Promise.reject(new Error("the Redis connection is closed"));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        reject(new Error(`Redis is unreachable (connection ${redis.status})`));
      }, this.#timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once("ready", onReady);
    });
  }

  /** An `error` listener (ioredis prints unheard errors, an EventEmitter throws them), logging at a bounded rate. */
  #reportErrors(target: Redis | Queue | Worker, source: string): void {
    const emitter = target as unknown as NodeJS.EventEmitter;
    let lastLogged = 0;
    let suppressed = 0;
    let failing = false;
    emitter.on("error", (error: Error) => {
      failing = true;
      const now = Date.now();
      if (now - lastLogged < ERROR_LOG_INTERVAL_MS) {
        suppressed++;
        return;
      }
      this.#log.error({ source, err: describe(error), suppressed }, "Redis error");
      lastLogged = now;
      suppressed = 0;
    });
    if (target instanceof Redis)
      emitter.on("ready", () => {
        if (!failing) return;
        failing = false;
        lastLogged = 0;
        this.#log.info({ source }, "Redis connection ready again");
      });
  }
}

/** `promise`, or a rejection after `ms` (the promise's own later rejection is then ignored). */
function bounded<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}
