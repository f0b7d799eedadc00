import type { BaseSummary, BaseSummaryStore } from "../core/base-summary.js";

/**
 * The base summaries an analysis thread keeps between checks (src/core/base-summary.ts), least recently used out
 * first. A pull request's pushes share one base, and so do the pull requests opened against the same commit, so a few
 * entries serve a busy thread; each is a tree's findings and route views, not its model. Like the parsed-file cache
 * it lives in the analysis thread: each thread, and each replica, has its own.
 */
export class BaseAnalysisCache implements BaseSummaryStore {
  readonly #entries = new Map<string, BaseSummary>();
  #hits = 0;

  constructor(readonly maxEntries: number) {}

  get(key: string): BaseSummary | undefined {
    const summary = this.#entries.get(key);
    if (!summary) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, summary);
    this.#hits++;
    return summary;
  }

  set(key: string, summary: BaseSummary): void {
    if (this.maxEntries <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, summary);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Lookups that found a summary (whether its dates still allowed its use is the analysis's to decide). */
  get hits(): number {
    return this.#hits;
  }
}

/** Base summaries kept per analysis thread. */
export const BASE_SUMMARIES_PER_THREAD = 4;
