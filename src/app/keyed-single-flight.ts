/**
 * A keyed single-flight runner: background work (a check, a command reply, a give-up) runs at most once at a time per
 * key, so a redelivery that arrives while its first delivery is still being worked on does not start a second one.
 */
export class KeyedSingleFlight {
  readonly #running = new Map<string, Promise<void>>();

  has(key: string): boolean {
    return this.#running.has(key);
  }

  /** How many jobs are running. */
  get size(): number {
    return this.#running.size;
  }

  /** Starts `work` unless a job with this key is running; returns whether it started. */
  start(key: string, work: () => Promise<void>, onError: (error: unknown) => void): boolean {
    if (this.#running.has(key)) return false;
    const job = work()
      .catch(onError)
      .finally(() => this.#running.delete(key));
    this.#running.set(key, job);
    return true;
  }

  /** Resolves once every job, including ones started meanwhile, has finished (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()]);
  }
}
