import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  LineCounter as YamlLineCounter,
  parseDocument,
  visit,
} from "yaml";
import type { SourceRange } from "../types.js";
import { blockOutline, locateInOutline } from "./block-locate.js";

export type YamlPath = readonly (string | number)[];

/** Maps a 1-based position inside parsed text to a 1-based position in the file (identity for top-level documents). */
export type PositionMapper = (line: number, column: number) => { line: number; column: number };

export const identityMapper: PositionMapper = (line, column) => ({ line, column });

/** A document's parse tree and its text's line index, as the `yaml` path composed them. */
export interface ParsedTree {
  doc: Document.Parsed;
  lines: YamlLineCounter;
}

/**
 * A document read on the fast path (fast-values.ts): no parse tree is kept, only where its text is in the file's. The
 * tree is composed again from that text, on the first question about positions, and only a few are kept at a time.
 */
export interface DocumentText {
  file: FileText;
  start: number;
  end: number;
}

/** A file's text, shared by its documents, and its line index, built on first use. */
export class FileText {
  #lines: YamlLineCounter | undefined;

  constructor(readonly text: string) {}

  /** The line index the `yaml` parser would have built: a line starts at offset 0 and after every line feed. */
  get lines(): YamlLineCounter {
    if (!this.#lines) {
      const lines = new YamlLineCounter();
      lines.addNewLine(0);
      for (let at = this.text.indexOf("\n"); at >= 0; at = this.text.indexOf("\n", at + 1)) lines.addNewLine(at + 1);
      this.#lines = lines;
    }
    return this.#lines;
  }
}

/** Options the loader composes documents with (load.ts): ranges and values are the same whichever way it is run. */
const TREE_OPTIONS = { prettyErrors: false, uniqueKeys: false, logLevel: "error" } as const;

/** Trees composed again for fast-path documents, most recently used last: positions are asked of few at a time. */
const recentTrees = new Map<DocumentText, Document.Parsed>();
const RECENT_TREES = 64;

/**
 * The tree of a fast-path document: its text composed on its own, every range moved by where the text starts in the
 * file. A document's tree does not depend on the documents around it (no directives on the fast path), so the ranges
 * are those of the whole file's parse.
 */
function treeOf(source: DocumentText): Document.Parsed {
  const known = recentTrees.get(source);
  if (known) {
    recentTrees.delete(source);
    recentTrees.set(source, known);
    return known;
  }
  const doc = parseDocument(source.file.text.slice(source.start, source.end), TREE_OPTIONS) as Document.Parsed;
  const shift = source.start;
  if (shift !== 0) {
    const move = (range: [number, number, number]): [number, number, number] => [range[0] + shift, range[1] + shift, range[2] + shift];
    doc.range = move(doc.range);
    visit(doc, {
      Node(_key, node) {
        if (node.range) node.range = move(node.range);
      },
    });
  }
  recentTrees.set(source, doc);
  if (recentTrees.size > RECENT_TREES) {
    const oldest = recentTrees.keys().next();
    if (!oldest.done) recentTrees.delete(oldest.value);
  }
  return doc;
}

/** A path as a map key: JSON, so that no two paths share one (the key `"0"` and the index 0 included). */
function pathKey(path: YamlPath): string {
  return JSON.stringify(path);
}

/** Outlines of fast-path documents (null: refused), most recently used last, as for the trees above. */
const recentOutlines = new Map<DocumentText, ReturnType<typeof blockOutline> | null>();
const RECENT_OUTLINES = 256;

function outlineOf(source: DocumentText): ReturnType<typeof blockOutline> {
  let outline = recentOutlines.get(source);
  if (outline !== undefined) {
    recentOutlines.delete(source);
  } else {
    outline = useOutlines ? (blockOutline(source.file.text, source.start, source.end) ?? null) : null;
    if (outline) outlineCounts.outlined++;
    else outlineCounts.composed++;
  }
  recentOutlines.set(source, outline);
  if (recentOutlines.size > RECENT_OUTLINES) {
    const oldest = recentOutlines.keys().next();
    if (!oldest.done) recentOutlines.delete(oldest.value);
  }
  return outline ?? undefined;
}

let useOutlines = true;
const outlineCounts = { outlined: 0, composed: 0 };

/**
 * Tests only: whether `locate` may answer from a block outline (false: every position from a composed tree); resets
 * the counts of documents answered each way (`blockOutlineCounts`).
 */
export function setBlockOutlines(enabled: boolean): void {
  useOutlines = enabled;
  recentOutlines.clear();
  outlineCounts.outlined = 0;
  outlineCounts.composed = 0;
}

/** Tests only: fast-path documents whose positions came from an outline, and those composed with `yaml` instead. */
export function blockOutlineCounts(): { outlined: number; composed: number } {
  return { ...outlineCounts };
}

/** One YAML document with its plain value and a way back from any field path to the lines it came from. */
export class LocatedDocument {
  private aliases: Map<Alias, Node> | undefined;
  /** Ranges already located in a fast-path document, by path (see `locate`). */
  private located: Map<string, SourceRange> | undefined;

  constructor(
    readonly file: string,
    /** Index of the document in its file (or in its annotation block). */
    readonly index: number,
    readonly value: unknown,
    /** The parse tree (the `yaml` path), or where the document's text is (the fast path), for positions. */
    private readonly source: ParsedTree | DocumentText,
    private readonly mapPosition: PositionMapper = identityMapper,
    /**
     * True for a document its reader set aside (`DocumentFilter`): `value` holds its `apiVersion` and `kind` only, and
     * it leaves the parsed file once checked.
     */
    readonly setAside: boolean = false,
  ) {}

  /** Whether the document was read on the fast path: then it has no aliases, tags, merge keys or unsupported keys. */
  get fast(): boolean {
    return "file" in this.source;
  }

  private get doc(): Document.Parsed {
    return "file" in this.source ? treeOf(this.source) : this.source.doc;
  }

  private get lines(): YamlLineCounter {
    return "file" in this.source ? this.source.file.lines : this.source.lines;
  }

  /**
   * The range of the field at `path`: for a scalar value the whole `key: value` line, for a collection only its key,
   * so a finding on `tls:` underlines that line and not the block below it. A missing path falls back to the nearest
   * ancestor that exists, so a finding about an absent field points at its parent.
   */
  locate(path: YamlPath): SourceRange {
    if ("file" in this.source) {
      // Remembered by the document, which outlives a check in a long-lived process (the app's parsed-file cache) and
      // serves base and head alike: each analysis asks the same few fields (every route's `service:`), and outlining
      // them again cost a diff at 50,000 resources 0.7 s. A copy goes out, so no caller can move another's position.
      const key = pathKey(path);
      const known = this.located?.get(key);
      if (known) return { ...known };
      // A block-style document answers from its lines; anything else is composed with `yaml` (block-locate.ts).
      const outline = outlineOf(this.source);
      const offsets = outline ? locateInOutline(outline, path) : undefined;
      const range = offsets ? this.rangeOf(offsets.start, offsets.end) : this.locateInTree(path);
      (this.located ??= new Map()).set(key, range);
      return { ...range };
    }
    return this.locateInTree(path);
  }

  private locateInTree(path: YamlPath): SourceRange {
    const doc = this.doc;
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      const next = childOf(node, segment);
      if (!next) break;
      node = next.node;
      pair = next.pair;
    }
    if (pair && isNode(pair.key) && pair.key.range) {
      const keyStart = pair.key.range[0];
      const value = pair.value;
      const end = isScalar(value) && value.range ? value.range[1] : pair.key.range[1];
      return this.rangeOf(keyStart, end);
    }
    const range = isNode(node) ? node.range : undefined;
    // A whole collection would underline hundreds of lines: point at where it starts.
    if (range) return this.rangeOf(range[0], range[0]);
    return this.rangeOf(doc.range[0], doc.range[0]);
  }

  /** The whole document, from its first to its last line. */
  locateDocument(): SourceRange {
    const doc = this.doc;
    const contents = doc.contents;
    const range = isNode(contents) && contents.range ? contents.range : doc.range;
    return this.rangeOf(range[0], range[1]);
  }

  /** The raw YAML node at `path`, for callers that need source details (block scalar headers, for instance). */
  nodeAt(path: YamlPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      const next = childOf(node, segment);
      if (!next) return undefined;
      node = next.node;
    }
    return isNode(node) ? node : undefined;
  }

  /** The node an alias of this document stands for (undefined when its anchor is missing). */
  resolveAlias(alias: Alias): Node | undefined {
    this.aliases ??= aliasTargets(this.doc);
    return this.aliases.get(alias);
  }

  /** The position of a byte offset of the parsed text, mapped into the file. */
  positionOf(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return this.mapPosition(Math.max(line, 1), Math.max(col, 1));
  }

  private rangeOf(start: number, end: number): SourceRange {
    const from = this.positionOf(start);
    // A block scalar's range ends after its last line break: end on that line, not at column 1 of the next one
    // (which, at the end of a file, is no line at all). Compared before mapping, where column 1 is column 1.
    const startLine = this.lines.linePos(start).line;
    let last = Math.max(end, start);
    for (
      let raw = this.lines.linePos(last);
      last > start && raw.col === 1 && raw.line > startLine;
      raw = this.lines.linePos(last)
    ) {
      last--;
    }
    const to = this.positionOf(last);
    const endColumn = to.line === from.line ? Math.max(to.column, from.column + 1) : to.column;
    return { line: from.line, column: from.column, endLine: to.line, endColumn };
  }
}

/**
 * The node each alias of a document stands for, found in one walk: the last node before the alias, in the order the
 * YAML library's `Alias.resolve` searches (its own walk, pre-order), that carries its anchor. `Alias.resolve` walks the
 * whole document for each alias it is asked about: a document of many aliases would cost their count times its size.
 */
export function aliasTargets(doc: Document.Parsed): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });
  return targets;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}

/**
 * A mapping's pairs by key, for mappings long enough that scanning them for every lookup would cost: one finding per
 * key of a 100,000-key mapping would otherwise scan it 100,000 times. `any` answers a string segment (string keys, and
 * number and boolean keys by their text); `scalar` a number segment (number and boolean keys only). The first pair of
 * a key wins, as in a scan.
 */
interface KeyIndex {
  any: Map<string, Pair>;
  scalar: Map<string, Pair>;
}

/** Mappings shorter than this are scanned. */
const INDEX_FROM = 16;

const keyIndexes = new WeakMap<YAMLMap, KeyIndex>();

function keyIndexOf(map: YAMLMap): KeyIndex {
  let index = keyIndexes.get(map);
  if (index) return index;
  index = { any: new Map(), scalar: new Map() };
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const key = isScalar(item.key) ? item.key.value : item.key;
    if (typeof key === "string") {
      if (!index.any.has(key)) index.any.set(key, item);
    } else if (isScalarKey(key)) {
      const text = String(key);
      if (!index.any.has(text)) index.any.set(text, item);
      if (!index.scalar.has(text)) index.scalar.set(text, item);
    }
  }
  keyIndexes.set(map, index);
  return index;
}

/** Number and boolean keys reach the plain value as strings ("443", "true"), as kubectl's JSON conversion makes them. */
function isScalarKey(key: unknown): key is number | boolean | bigint {
  return typeof key === "number" || typeof key === "boolean" || typeof key === "bigint";
}

function childOf(node: unknown, segment: string | number): { node: unknown; pair?: Pair } | undefined {
  if (isMap(node)) {
    if (node.items.length >= INDEX_FROM) {
      const index = keyIndexOf(node);
      const pair = typeof segment === "string" ? index.any.get(segment) : index.scalar.get(String(segment));
      return pair ? { node: pair.value, pair } : undefined;
    }
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? item.key.value : item.key;
      if (key === segment || (isScalarKey(key) && String(key) === String(segment))) {
        return { node: item.value, pair: item };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}
