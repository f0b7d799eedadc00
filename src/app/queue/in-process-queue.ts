import { KeyedSingleFlight } from "../keyed-single-flight.js";
import {
  jobKey,
  QueueUnavailableError,
  type CheckJobData,
  type CheckProcessor,
  type CheckQueue,
  type QueueReadiness,
} from "./check-queue.js";

/** The embedded default: jobs run in this process as soon as they arrive; nothing survives a restart. */
export class InProcessCheckQueue implements CheckQueue {
  readonly durable = false;
  /** Only this process has runs: the gate's own record of them is all there is. */
  readonly runs = null;
  #closing = false;
  readonly #jobs = new KeyedSingleFlight();
  readonly #heads = new Map<string, string>();

  constructor(
    private readonly process: CheckProcessor,
    private readonly onError: (error: unknown, data: CheckJobData) => void,
  ) {}

  async enqueue(data: CheckJobData): Promise<void> {
    if (this.#closing) throw new QueueUnavailableError("the app is shutting down");
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

  async ensureAvailable(): Promise<void> {
    if (this.#closing) throw new QueueUnavailableError("the app is shutting down");
  }

  async readiness(): Promise<QueueReadiness> {
    return { redis: "none", workers: this.#closing ? "down" : "up" };
  }

  async depth(): Promise<number> {
    return this.#jobs.size;
  }

  idle(): Promise<void> {
    return this.#jobs.idle();
  }

  async close(): Promise<void> {
    this.#closing = true;
    await this.#jobs.idle();
  }
}
