import type { SourceFile } from "../core/types.js";
import type { ParsedFileStore } from "../core/source/file-parser.js";
import type { ParsedFile } from "../core/source/load.js";

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

/**
 * Parsed manifest files (`FileParser`'s store) keyed by their content hash, least recently used out first, bounded by
 * the parsed files' estimated size (`MTLS_GATE_CACHE_MB`). It lives in the analysis thread that parses: each thread,
 * and each replica, has its own, so a check parses only the files its thread has not seen (see the README).
 */
export class ParsedFileCache implements ParsedFileStore {
  readonly #entries = new Map<string, { parsed: ParsedFile; bytes: number }>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): ParsedFile | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.parsed;
  }

  set(key: string, parsed: ParsedFile, bytes: number): void {
    if (bytes > this.maxBytes) return;
    const previous = this.#entries.get(key);
    if (previous) {
      this.#bytes -= previous.bytes;
      this.#entries.delete(key);
    }
    this.#entries.set(key, { parsed, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** The parsed-file cache's budget per analysis thread, `MTLS_GATE_CACHE_MB` (default 256; 0 turns it off), in bytes. */
export function parsedCacheBytes(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.MTLS_GATE_CACHE_MB;
  if (raw === undefined || raw === "") return 256 * 2 ** 20;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`MTLS_GATE_CACHE_MB must be a whole number of MiB (0 turns the cache off), not ${JSON.stringify(raw)}`);
  return value * 2 ** 20;
}
