import type { SourceFile } from "../core/types.js";

/** What the cache keeps of a blob: its decoded text (or that it is binary) and its size. */
export type CachedBlob = Omit<SourceFile, "path">;

/**
 * Decoded manifest blobs keyed by Git blob SHA, least recently used out first. A blob SHA names its content, so the
 * base tree, later pushes and other pull requests reuse what was read once. Bounded by total text size.
 */
export class BlobCache {
  readonly #entries = new Map<string, CachedBlob>();
  #bytes = 0;

  constructor(readonly maxBytes: number = 64 * 1024 * 1024) {}

  get(sha: string): CachedBlob | undefined {
    const entry = this.#entries.get(sha);
    if (entry) {
      this.#entries.delete(sha);
      this.#entries.set(sha, entry);
    }
    return entry;
  }

  set(sha: string, blob: CachedBlob): void {
    const cost = costOf(blob);
    if (cost > this.maxBytes) return;
    const previous = this.#entries.get(sha);
    if (previous) {
      this.#bytes -= costOf(previous);
      this.#entries.delete(sha);
    }
    this.#entries.set(sha, blob);
    this.#bytes += cost;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= costOf(entry);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

function costOf(blob: CachedBlob): number {
  // JavaScript strings hold UTF-16: two bytes a character is the honest bound.
  return blob.text.length * 2 + 64;
}
