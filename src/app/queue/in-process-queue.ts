import { JobQueue } from "../job-queue.js";
import { jobKey, type CheckJobData, type CheckProcessor, type CheckQueue } from "./check-queue.js";

/** The embedded default: jobs run in this process as soon as they arrive; nothing survives a restart. */
export class InProcessCheckQueue implements CheckQueue {
  readonly durable = false;
  readonly #jobs = new JobQueue();
  readonly #heads = new Map<string, string>();

  constructor(
    private readonly process: CheckProcessor,
    private readonly onError: (error: unknown, data: CheckJobData) => void,
  ) {}

  async enqueue(data: CheckJobData): Promise<void> {
    let current = data;
    this.#jobs.start(
      jobKey(data),
      () =>
        this.process(current, async (updated) => {
          current = updated;
        }),
      (error) => this.onError(error, current),
    );
  }

  async recordHead(pullKey: string, headSha: string): Promise<void> {
    this.#heads.set(pullKey, headSha);
  }

  async latestHead(pullKey: string): Promise<string | null> {
    return this.#heads.get(pullKey) ?? null;
  }

  idle(): Promise<void> {
    return this.#jobs.idle();
  }

  async close(): Promise<void> {
    await this.#jobs.idle();
  }
}
