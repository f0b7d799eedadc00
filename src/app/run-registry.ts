import type { RepoRef } from "./github-client.js";

/** A check run this deployment opened and has not completed yet: what the sweeper needs to complete it. */
export interface TrackedRun {
  checkRunId: number;
  installationId: number;
  repo: RepoRef;
  headSha: string;
  /** When work on the run last started (ms since the epoch): it was opened, or a worker took it over. */
  since: number;
}

/**
 * The runs a deployment has in progress. There is no GitHub endpoint that lists an app's in-progress runs across its
 * installations, so the app records each run it opens here and forgets it once completed; what stays longer than the
 * stale-run limit was abandoned, and the sweeper completes it.
 */
export interface RunRegistry {
  opened(run: TrackedRun): Promise<void>;
  completed(checkRunId: number): Promise<void>;
  /** Runs whose work started before `before` (ms since the epoch), oldest first, at most `limit`. */
  startedBefore(before: number, limit: number): Promise<TrackedRun[]>;
  /** Takes a run for the sweeper; false when another sweeper took it, or it completed, meanwhile. */
  claim(checkRunId: number): Promise<boolean>;
  /** Gives back a claimed run the sweeper could not complete, for the next sweep. */
  release(run: TrackedRun): Promise<void>;
}

/** One process's runs: the registry without Redis, and every process's own record besides the shared one. */
export class InMemoryRunRegistry implements RunRegistry {
  readonly #runs = new Map<number, TrackedRun>();
  readonly #claimed = new Set<number>();

  async opened(run: TrackedRun): Promise<void> {
    this.#runs.set(run.checkRunId, { ...run });
    this.#claimed.delete(run.checkRunId);
  }

  async completed(checkRunId: number): Promise<void> {
    this.#runs.delete(checkRunId);
    this.#claimed.delete(checkRunId);
  }

  has(checkRunId: number): boolean {
    return this.#runs.has(checkRunId);
  }

  get size(): number {
    return this.#runs.size;
  }

  async startedBefore(before: number, limit: number): Promise<TrackedRun[]> {
    return [...this.#runs.values()]
      .filter((run) => run.since < before && !this.#claimed.has(run.checkRunId))
      .sort((a, b) => a.since - b.since)
      .slice(0, limit)
      .map((run) => ({ ...run }));
  }

  async claim(checkRunId: number): Promise<boolean> {
    if (!this.#runs.has(checkRunId) || this.#claimed.has(checkRunId)) return false;
    this.#claimed.add(checkRunId);
    return true;
  }

  async release(run: TrackedRun): Promise<void> {
    this.#claimed.delete(run.checkRunId);
  }
}

/** A registry entry as stored (in Redis): anything else is dropped, never trusted. */
export function parseTrackedRun(text: string | null | undefined): TrackedRun | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<TrackedRun>;
    const repo = value.repo;
    if (
      Number.isSafeInteger(value.checkRunId) &&
      Number.isSafeInteger(value.installationId) &&
      typeof repo?.owner === "string" &&
      typeof repo.repo === "string" &&
      typeof value.headSha === "string" &&
      typeof value.since === "number"
    )
      return {
        checkRunId: value.checkRunId as number,
        installationId: value.installationId as number,
        repo: { owner: repo.owner, repo: repo.repo },
        headSha: value.headSha,
        since: value.since,
      };
  } catch {
    // Not JSON: dropped like any other malformed entry.
  }
  return null;
}
