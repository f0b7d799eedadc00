import type { Redis } from "ioredis";
import { parseTrackedRun, type RunRegistry, type TrackedRun } from "../run-registry.js";

/**
 * The deployment's in-progress runs in Redis, shared by every replica: a sorted set of run ids scored by when work on
 * each last started, and a hash of what completing one needs. A replica that is killed leaves its runs here, and any
 * replica's sweeper (the restarted one included) completes them once they are older than the stale-run limit.
 */
export class RedisRunRegistry implements RunRegistry {
  readonly #times: string;
  readonly #data: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    /** Resolves once the connection is usable, or rejects soon: registry calls never wait for a Redis that is gone. */
    private readonly ready: () => Promise<void>,
  ) {
    this.#times = `${prefix}:open-runs`;
    this.#data = `${prefix}:open-run-data`;
  }

  async opened(run: TrackedRun): Promise<void> {
    await this.ready();
    const id = String(run.checkRunId);
    check(await this.redis.multi().zadd(this.#times, run.since, id).hset(this.#data, id, JSON.stringify(run)).exec());
  }

  async completed(checkRunId: number): Promise<void> {
    await this.ready();
    const id = String(checkRunId);
    check(await this.redis.multi().zrem(this.#times, id).hdel(this.#data, id).exec());
  }

  async startedBefore(before: number, limit: number): Promise<TrackedRun[]> {
    await this.ready();
    const ids = await this.redis.zrangebyscore(this.#times, "-inf", `(${before}`, "LIMIT", 0, limit);
    if (ids.length === 0) return [];
    const texts = await this.redis.hmget(this.#data, ...ids);
    const runs: TrackedRun[] = [];
    for (const [i, id] of ids.entries()) {
      const run = parseTrackedRun(texts[i]);
      if (run && String(run.checkRunId) === id) runs.push(run);
      // An entry without its data cannot be completed: dropped rather than returned forever.
      else await this.completed(Number(id)).catch(() => undefined);
    }
    return runs;
  }

  async claim(checkRunId: number): Promise<boolean> {
    await this.ready();
    // Only one sweeper removes the id: the one that gets 1 completes the run.
    return (await this.redis.zrem(this.#times, String(checkRunId))) === 1;
  }

  async release(run: TrackedRun): Promise<void> {
    await this.opened(run);
  }
}

function check(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error("Redis discarded the transaction");
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}
