import { describeError } from "./describe-error.js";
import { InMemoryRunRegistry, type RunRegistry, type TrackedRun } from "./run-registry.js";

type Log = { warn: (data: object, message: string) => void };

/**
 * The runs this process opened and has not completed (and, with Redis, every replica's, in the queue's registry), and
 * the runs it is working on right now, which its own sweeper never touches. Shared by the check runner, the give-up
 * and the sweeper.
 */
export class RunTracker {
  /** This process's own record (with Redis, the shared registry has every replica's too). */
  readonly local = new InMemoryRunRegistry();
  readonly #active = new Set<number>();

  /** `shared`: the deployment's registry (the Redis queue's), asked each time since the queue is built after this. */
  constructor(private readonly shared: () => RunRegistry | null) {}

  /** Every registry to sweep: this process's first. */
  registries(): RunRegistry[] {
    const shared = this.shared();
    return [this.local, ...(shared ? [shared] : [])];
  }

  /** Records a run as in progress, here and (with Redis) for every replica; Redis failing is logged, not fatal. */
  async record(run: TrackedRun, log: Log): Promise<void> {
    await this.local.opened(run);
    await this.shared()
      ?.opened(run)
      .catch((error: unknown) =>
        log.warn(
          { checkRunId: run.checkRunId, err: describeError(error) },
          "could not record the run in Redis; only this process's sweeper knows it",
        ),
      );
  }

  /** Forgets a completed run. A Redis failure leaves it recorded: a sweeper later finds it completed and drops it. */
  async forget(checkRunId: number, log: Log): Promise<void> {
    await this.local.completed(checkRunId);
    await this.shared()
      ?.completed(checkRunId)
      .catch((error: unknown) =>
        log.warn({ checkRunId, err: describeError(error) }, "could not remove the completed run from Redis"),
      );
  }

  /** Marks a run as worked on by this process while `work` runs. */
  async working<T>(checkRunId: number, work: () => Promise<T>): Promise<T> {
    this.#active.add(checkRunId);
    try {
      return await work();
    } finally {
      this.#active.delete(checkRunId);
    }
  }

  isWorkingOn(checkRunId: number): boolean {
    return this.#active.has(checkRunId);
  }
}
