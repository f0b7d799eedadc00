import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { jobKey, type CheckJobData, type CheckProcessor, type CheckQueue } from "./check-queue.js";

export type Role = "web" | "worker" | "all";

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
}

const HEADS_KEY = "mtls-gate:pull-heads";

/**
 * The durable queue (BullMQ on Redis): web processes add jobs and answer at once; worker processes (any replica) run
 * them. A job whose worker dies is found stalled when its lock lapses and another worker finishes it; a job that keeps
 * failing is handed to `onGiveUp`, which completes its check as a failure, never leaving it in progress.
 */
export class RedisCheckQueue implements CheckQueue {
  readonly durable = true;
  readonly #queue: Queue<CheckJobData>;
  readonly #redis: Redis;
  readonly #worker: Worker<CheckJobData> | null;
  /** BullMQ leaves connections it was given open: these are closed by `close()`. */
  readonly #connections: Redis[] = [];

  constructor(
    private readonly options: RedisQueueOptions,
    process: CheckProcessor,
    onGiveUp: (data: CheckJobData, error: Error) => Promise<void>,
  ) {
    const name = options.queueName ?? "mtls-gate-checks";
    // BullMQ's blocking commands need a connection that never gives up on a request.
    const connection = () => {
      const redis = new Redis(options.url, { maxRetriesPerRequest: null });
      this.#connections.push(redis);
      return redis;
    };
    this.#redis = connection();
    this.#queue = new Queue<CheckJobData>(name, { connection: this.#redis });
    this.#worker =
      options.role === "web"
        ? null
        : new Worker<CheckJobData>(
            name,
            (job: Job<CheckJobData>) => process(job.data, (data) => job.updateData(data)),
            {
              connection: connection(),
              concurrency: options.concurrency,
              lockDuration: options.lockMs,
              stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
              maxStalledCount: 2,
            },
          );
    this.#worker?.on("failed", (job, error) => {
      if (!job) return;
      const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/i.test(error.message);
      if (exhausted) void onGiveUp(job.data, error).catch(() => undefined);
    });
  }

  async enqueue(data: CheckJobData): Promise<void> {
    await this.#queue.add("check", data, {
      jobId: jobKey(data),
      attempts: this.options.attempts,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  async recordHead(pullKey: string, headSha: string): Promise<void> {
    await this.#redis.hset(HEADS_KEY, pullKey, headSha);
  }

  async latestHead(pullKey: string): Promise<string | null> {
    return this.#redis.hget(HEADS_KEY, pullKey);
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
    await this.#worker?.close();
    await this.#queue.close();
    await Promise.all(this.#connections.map((redis) => redis.quit().catch(() => undefined)));
  }
}
