import { createHash } from "node:crypto";
import type { SourceFile } from "../types.js";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../limits.js";
import { parseManifestFile, type DocumentFilter, type ParsedFile } from "./load.js";

/**
 * Where parsed files are kept between parses. The analysis never changes a parsed file (documents, values and
 * diagnostics are read only; a document only remembers positions it was asked, and its unfolded annotations, which
 * are the same whoever asks), so one parse can serve every tree that holds the same file.
 */
export interface ParsedFileStore {
  get(key: string): ParsedFile | undefined;
  /** `bytes`: an estimate of what the parsed file holds in memory, for stores bounded by size. */
  set(key: string, parsed: ParsedFile, bytes: number): void;
}

/**
 * Parses manifest files, once per distinct content: the same path with the same bytes (and the same flags and limits)
 * is parsed once and its result shared. `parses` counts the parses actually run, so a caller (and a test) can see
 * what sharing saved.
 */
export class FileParser {
  #parses = 0;
  #hits = 0;

  constructor(readonly store: ParsedFileStore = new Map<string, ParsedFile>()) {}

  get parses(): number {
    return this.#parses;
  }

  get hits(): number {
    return this.#hits;
  }

  parse(file: SourceFile, limits: LoadLimits = DEFAULT_LOAD_LIMITS, reads?: DocumentFilter): ParsedFile {
    const key = parseKey(file, limits, reads);
    const known = this.store.get(key);
    if (known) {
      this.#hits++;
      return known;
    }
    this.#parses++;
    const parsed = parseManifestFile(file, limits, reads);
    this.store.set(key, parsed, estimatedBytes(file, parsed));
    return parsed;
  }
}

/**
 * What a parse depends on: the path (locations carry it, and `*.enc.yaml` is read differently), the text, the flags
 * the reader set, and the limits. Hashed, so that a long-lived store keeps a short key rather than a second copy of
 * the text; SHA-256, so that two different files never share one result.
 */
function parseKey(file: SourceFile, limits: LoadLimits, reads: DocumentFilter | undefined): string {
  const hash = createHash("sha256");
  hash.update(file.path);
  hash.update("\u0000");
  hash.update(
    `${file.size ?? ""}\u0000${file.binary === true}\u0000${limitsKey(limits)}\u0000${filterId(reads)}\u0000`,
  );
  hash.update(file.text);
  return hash.digest("base64");
}

const filterIds = new WeakMap<DocumentFilter, number>();
let nextFilterId = 1;

/** Which filter set documents aside (a parse with another keeps other documents): one number per function. */
function filterId(reads: DocumentFilter | undefined): number {
  if (!reads) return 0;
  let id = filterIds.get(reads);
  if (id === undefined) {
    id = nextFilterId++;
    filterIds.set(reads, id);
  }
  return id;
}

const limitsKeys = new WeakMap<LoadLimits, string>();

function limitsKey(limits: LoadLimits): string {
  let key = limitsKeys.get(limits);
  if (key === undefined) {
    key = JSON.stringify(Object.entries(limits).sort(([a], [b]) => (a < b ? -1 : 1)));
    limitsKeys.set(limits, key);
  }
  return key;
}

/**
 * A rough size of a parsed file in memory: its kept documents and diagnostics. Read on the `yaml` path (values and
 * parse trees), measured at about 17.5 to 20 bytes of heap per character of text on the benchmark repository at 10,000
 * resources (heap after garbage collection, the text itself not counted): 20 with a margin. Read on the fast path
 * (values, and the text kept for positions), 3 to 3.5 bytes per character, plus the text, which the parsed file now
 * holds (up to 2 bytes a character): 6 with a margin.
 */
export function estimatedBytes(file: SourceFile, parsed?: ParsedFile): number {
  const fast = parsed !== undefined && parsed.documents.length > 0 && parsed.documents.every((doc) => doc.fast);
  return file.text.length * (fast ? 6 : 20) + 256;
}
