/** The durable queue's own guarantees, against a real redis-server: joined duplicates, and fail-closed give-up. */
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
