/**
 * The durable queue's own guarantees, against a real redis-server: joined duplicates, fail-closed give-up, and the
 * shared record of in-progress runs the sweeper reads.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RedisCheckQueue } from "../../src/app/queue/redis-queue.js";
import type { CheckJobData } from "../../src/app/queue/check-queue.js";
import { startRedis, waitFor } from "./processes.js";

const redis = await startRedis();

function job(headSha: string, fresh = false, deliveryId = "d-1"): CheckJobData {
  return {
    installationId: 1,
    target: {
      repo: { owner: "acme", repo: "queue" },
      headSha,
      subject: { kind: "pull_request", numbers: [1], baseRef: "main", baseSha: "b".repeat(40) },
      fresh,
    },
    htmlUrl: "https://github.example/acme/queue",
    deliveryId,
  };
}

describe("RedisCheckQueue", { skip: redis ? false : "no redis-server on this machine (CI installs Debian's)" }, () => {
  const queues: RedisCheckQueue[] = [];
  after(async () => {
    for (const queue of queues) await queue.close();
    await redis?.stop();
  });

  it("gives a job that keeps failing up once, with the check run it opened, so the check can fail closed", async () => {
    assert.ok(redis);
    const attempts: string[] = [];
    const givenUp: CheckJobData[] = [];
    const queue = new RedisCheckQueue(
      { url: redis.url, role: "all", concurrency: 2, lockMs: 2000, attempts: 2, queueName: "give-up-test" },
      async (data, update) => {
        attempts.push(data.target.headSha);
        await update({ ...data, checkRunId: 77 });
        throw new Error("GitHub keeps failing");
      },
      async (data) => {
        givenUp.push(data);
      },
    );
    queues.push(queue);
    await queue.enqueue(job("a".repeat(40)));
    await waitFor(() => (givenUp.length > 0 ? true : undefined), 20_000);
    assert.equal(attempts.length, 2, "tried as often as configured");
    assert.equal(givenUp.length, 1);
    assert.equal(givenUp[0]?.checkRunId, 77, "the give-up handler knows which run to complete");
  });

  it("records in-progress runs for every replica: listed once stale, claimed by one sweeper only, released, forgotten", async () => {
    assert.ok(redis);
    const queue = new RedisCheckQueue(
      { url: redis.url, role: "web", concurrency: 1, lockMs: 2000, attempts: 1, queueName: "runs-test" },
      async () => undefined,
      async () => undefined,
    );
    queues.push(queue);
    const other = new RedisCheckQueue(
      { url: redis.url, role: "web", concurrency: 1, lockMs: 2000, attempts: 1, queueName: "runs-test" },
      async () => undefined,
      async () => undefined,
    );
    queues.push(other);
    const run = (checkRunId: number, since: number) => ({
      checkRunId,
      installationId: 1,
      repo: { owner: "acme", repo: "queue" },
      headSha: "e".repeat(40),
      since,
    });
    await queue.runs.opened(run(1, 1000));
    await queue.runs.opened(run(2, 5000));
    assert.deepEqual(await other.runs.startedBefore(1000, 10), [], "not older than the limit");
    assert.deepEqual(await other.runs.startedBefore(2000, 10), [run(1, 1000)], "another replica sees it");
    assert.equal(await other.runs.claim(1), true);
    assert.equal(await queue.runs.claim(1), false, "one sweeper only");
    assert.deepEqual(await queue.runs.startedBefore(9000, 10), [run(2, 5000)], "a claimed run is not listed");
    await other.runs.release(run(1, 1000));
    assert.deepEqual(
      await queue.runs.startedBefore(9000, 10),
      [run(1, 1000), run(2, 5000)],
      "released for the next sweep",
    );
    await queue.runs.completed(1);
    await queue.runs.opened(run(2, 8000));
    assert.deepEqual(await other.runs.startedBefore(8000, 10), [], "forgotten, or taken up again");
    await queue.runs.completed(2);
    assert.deepEqual(await queue.readiness(), { redis: "up", workers: "none" });
  });

  it("joins a second event for the same head SHA to the waiting job; a re-run is its own job", async () => {
    assert.ok(redis);
    const processed: string[] = [];
    const web = new RedisCheckQueue(
      { url: redis.url, role: "web", concurrency: 1, lockMs: 2000, attempts: 1, queueName: "join-test" },
      async () => undefined,
      async () => undefined,
    );
    queues.push(web);
    await web.enqueue(job("c".repeat(40)));
    await web.enqueue(job("c".repeat(40), false, "d-2"));
    await web.enqueue(job("c".repeat(40), true, "rerun-1"));
    const worker = new RedisCheckQueue(
      { url: redis.url, role: "worker", concurrency: 1, lockMs: 2000, attempts: 1, queueName: "join-test" },
      async (data) => {
        processed.push(`${data.target.headSha.slice(0, 1)}:${data.deliveryId}`);
      },
      async () => undefined,
    );
    queues.push(worker);
    await worker.idle();
    assert.deepEqual(processed.sort(), ["c:d-1", "c:rerun-1"]);
  });
});
