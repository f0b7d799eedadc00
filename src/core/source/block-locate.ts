/**
 * Field positions in a block-style document without composing it with `yaml`.
 *
 * A document read on the fast path keeps no parse tree (fast-values.ts); `LocatedDocument.locate` used to compose the
 * document again with `yaml` for every position asked. Every route's view asks for its Mapping's `service:` line, so
 * on a large repository that was a second `yaml` parse of most documents (6 of 15 s of a 50,000-resource diff).
 *
 * Most manifests are block mappings and sequences of single-line scalars, whose structure the lines show: keys at an
 * indentation, `- ` entries, values up to a comment. `blockOutline` reads that structure, with the offsets `locate`
 * needs (where each key starts and ends, where each scalar value ends, where each collection starts), and refuses
 * anything else: flow collections, block scalars, multi-line scalars, empty values, quoted or non-string keys,
 * anchors, tags, compact nested sequences. A refused document is composed with `yaml` as before, so no position
 * changes: `test/core/fast-values.test.ts` compares every `locate` of generated and mutated documents both ways.
 */
import type { YamlPath } from "./yaml-document.js";

type OutlineNode = OutlineMap | OutlineSeq | OutlineScalar | OutlineFlow;

interface OutlinePair {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: OutlineNode;
}

interface OutlineMap {
  kind: "map";
  start: number;
  pairs: OutlinePair[];
}

interface OutlineSeq {
  kind: "seq";
  start: number;
  items: OutlineNode[];
}

/** A scalar on one line, or a block scalar (`|`, `>`): `end` is where `yaml`'s range ends its value, or as good. */
interface OutlineScalar {
  kind: "scalar";
  start: number;
  end: number;
}

/** A flow collection on one line: only an empty one is walked into (a path into another one is composed). */
interface OutlineFlow {
  kind: "flow";
  start: number;
  empty: boolean;
}

/** One line of the document: its indentation, where its content starts in the file, and the content. */
interface Line {
  indent: number;
  offset: number;
  content: string;
  /** Where the line ends: its line feed, or the end of the document. */
  end: number;
}

/** The document's lines, and the cursor of the reader over those with content (not blank, not a comment). */
interface Reader {
  raw: Line[];
  /** Indexes into `raw` of the lines with content. */
  content: number[];
  at: number;
  /** Where the document's text ends. */
  limit: number;
}

/** A key `yaml`'s core schema reads as a string, written plain: not a number, boolean or null, no quotes or spaces. */
const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?= |$)/;
const NOT_STRING_KEYS = new Set(["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"]);

/** What may start a single-line plain scalar here (no indicator, nothing that may start another node). */
const PLAIN_START = /^[A-Za-z0-9_/.~$(=+]|^-(?=[^ ])/;
/** A block scalar's header: literal or folded, optional chomping, no indentation indicator. */
const BLOCK_HEADER = /^[|>][-+]?(?: +#.*)?$/;

class Refused extends Error {}

function refuse(): never {
  throw new Refused();
}

/**
 * The offsets `locate` turns into a range for `path` (see LocatedDocument.locate): the key's start and the scalar
 * value's end (or the key's end, for a collection) when the path reaches a pair; the start of the node reached
 * otherwise. Undefined when the path goes into a flow collection with content (the caller composes the document).
 */
export function locateInOutline(root: OutlineNode, path: YamlPath): { start: number; end: number } | undefined {
  let node: OutlineNode = root;
  let pair: OutlinePair | undefined;
  for (const segment of path) {
    if (node.kind === "flow" && !node.empty) return undefined;
    let next: { node: OutlineNode; pair?: OutlinePair } | undefined;
    if (node.kind === "map") {
      // Every key here is a string: a number segment matches none, as in the composed tree.
      const found = typeof segment === "string" ? node.pairs.find((p) => p.key === segment) : undefined;
      next = found ? { node: found.value, pair: found } : undefined;
    } else if (node.kind === "seq" && typeof segment === "number") {
      const item = node.items[segment];
      next = item ? { node: item } : undefined;
    }
    if (!next) break;
    node = next.node;
    pair = next.pair;
  }
  if (pair) return { start: pair.keyStart, end: pair.value.kind === "scalar" ? pair.value.end : pair.keyEnd };
  return { start: node.start, end: node.start };
}

/** The outline of the document in `text` between `from` and `to` (a fast-path document's bounds), or undefined. */
export function blockOutline(text: string, from: number, to: number): OutlineNode | undefined {
  const reader = readLines(text, from, to);
  if (!reader || reader.content.length === 0) return undefined;
  try {
    const first = current(reader) ?? refuse();
    if (first.indent !== 0) return undefined;
    const root = readBlock(reader, 0);
    return reader.at === reader.content.length ? root : undefined;
  } catch (error) {
    if (error instanceof Refused) return undefined;
    throw error;
  }
}

/** The document's lines, after an optional bare start marker; undefined when a line is one this outline refuses. */
function readLines(text: string, from: number, to: number): Reader | undefined {
  const raw: Line[] = [];
  const content: number[] = [];
  let offset = from;
  while (offset < to) {
    let end = text.indexOf("\n", offset);
    if (end < 0 || end > to) end = to;
    const line = text.slice(offset, end);
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const rest = line.slice(indent);
    if (raw.length === 0 && indent === 0 && /^---(?: +#.*)?$/.test(rest)) {
      // The document's own start marker (fast-values.ts vouches only for a bare one): not a line of content.
      raw.push({ indent, offset: offset + indent, content: "#", end });
    } else {
      if (rest !== "" && !rest.startsWith("#")) {
        if (rest.startsWith("---") || rest.startsWith("...")) return undefined;
        content.push(raw.length);
      }
      raw.push({ indent, offset: offset + indent, content: rest, end });
    }
    offset = end + 1;
  }
  return { raw, content, at: 0, limit: to };
}

function current(reader: Reader): Line | undefined {
  const index = reader.content[reader.at];
  return index === undefined ? undefined : reader.raw[index];
}

/** The collection starting at the current line, whose indentation is `indent`. */
function readBlock(reader: Reader, indent: number): OutlineNode {
  const line = current(reader) ?? refuse();
  return isEntry(line.content) ? readSeq(reader, indent) : readMap(reader, line);
}

function isEntry(content: string): boolean {
  return content === "-" || content.startsWith("- ");
}

/**
 * A block mapping whose first key is `first`: a line of its own, or what follows `- ` on a sequence entry's line (the
 * entry's mapping then sits at that column). Its other keys are on the next lines at the same column.
 */
function readMap(reader: Reader, first: Line): OutlineMap {
  const indent = first.indent;
  const map: OutlineMap = { kind: "map", start: first.offset, pairs: [] };
  for (let line: Line | undefined = first; line;) {
    const key = KEY.exec(line.content);
    if (!key || NOT_STRING_KEYS.has(key[1] as string)) refuse();
    const name = key[1] as string;
    const afterColon = name.length + 1;
    const rest = line.content.slice(afterColon);
    const valueAt = afterColon + (rest.length - rest.trimStart().length);
    const valueText = line.content.slice(valueAt);
    const lineIndex = reader.content[reader.at] as number;
    reader.at++;
    let value: OutlineNode;
    if (valueText === "" || valueText.startsWith("#")) {
      const next = current(reader);
      // A nested block: deeper, or a sequence at the key's own indentation (`containers:` then `- name: …`).
      if (next && next.indent > indent) value = readBlock(reader, next.indent);
      else if (next && next.indent === indent && isEntry(next.content)) value = readSeq(reader, indent);
      else refuse(); // An empty value: a null scalar whose range this outline does not model.
    } else if (BLOCK_HEADER.test(valueText)) {
      value = readBlockScalar(reader, lineIndex, indent, line.offset + valueAt);
    } else {
      value = valueAt0(line.offset + valueAt, valueText);
      const next = current(reader);
      if (next && next.indent > indent) refuse(); // A scalar continued on the next line.
    }
    map.pairs.push({ key: name, keyStart: line.offset, keyEnd: line.offset + name.length, value });
    const next = current(reader);
    if (!next || next.indent < indent) break;
    // Deeper: a value continued; an entry at the keys' indentation after a value: an error in YAML.
    if (next.indent > indent || isEntry(next.content)) refuse();
    line = next;
  }
  return map;
}

/** A block sequence whose dashes sit at `indent`. */
function readSeq(reader: Reader, indent: number): OutlineSeq {
  const first = current(reader) ?? refuse();
  const seq: OutlineSeq = { kind: "seq", start: first.offset, items: [] };
  for (let line = current(reader); line && line.indent === indent && isEntry(line.content); line = current(reader)) {
    const rest = line.content.slice(1);
    const itemAt = 1 + (rest.length - rest.trimStart().length);
    const item = line.content.slice(itemAt);
    if (item === "" || item.startsWith("#")) {
      reader.at++;
      const next = current(reader);
      if (!next || next.indent <= indent) refuse(); // An empty entry: a null without a range here.
      seq.items.push(readBlock(reader, next.indent));
    } else if (isEntry(item) || BLOCK_HEADER.test(item)) {
      refuse(); // `- - x` (a compact nested sequence), `- |`.
    } else if (KEY.test(item)) {
      // `- key: value`: a mapping at the column after the dash, continued by the lines at that column.
      seq.items.push(
        readMap(reader, { indent: line.indent + itemAt, offset: line.offset + itemAt, content: item, end: line.end }),
      );
    } else {
      seq.items.push(valueAt0(line.offset + itemAt, item));
      reader.at++;
    }
    const next = current(reader);
    if (next && next.indent > indent) refuse();
  }
  return seq;
}

/**
 * A block scalar whose header is on the line `headerIndex` of a key at `indent`: its lines are the next ones deeper
 * than the key, and empty lines. Its end is the end of its last line with text: `locate` ends a range there whether
 * `yaml`'s range stops at that line's feed or after the empty lines that follow (rangeOf steps back over line starts).
 * A line of spaces alone would change that step back: refused.
 */
function readBlockScalar(reader: Reader, headerIndex: number, indent: number, start: number): OutlineScalar {
  let last: Line | undefined;
  let index = headerIndex + 1;
  for (; index < reader.raw.length; index++) {
    const line = reader.raw[index] as Line;
    if (line.content === "" && line.indent === 0) continue;
    if (line.content === "") refuse();
    if (line.indent <= indent) break;
    // Less indented than the scalar's first line, yet deeper than the key: an error in YAML.
    if (last && line.indent < (reader.raw[headerIndex + 1 + firstTextAfter(reader, headerIndex)] as Line).indent)
      refuse();
    last = line;
  }
  if (!last) refuse();
  while ((reader.content[reader.at] ?? Infinity) < index) reader.at++;
  const end = reader.raw[reader.raw.length - 1] === last && !endsWithFeed(reader, last) ? last.end : last.end + 1;
  return { kind: "scalar", start, end };
}

/** How many empty lines follow the header on line `headerIndex` before the block scalar's first line with text. */
function firstTextAfter(reader: Reader, headerIndex: number): number {
  let skipped = 0;
  while ((reader.raw[headerIndex + 1 + skipped] as Line | undefined)?.content === "") skipped++;
  return skipped;
}

/** Whether the document's last line ends with a line feed (else the document ends on that line). */
function endsWithFeed(reader: Reader, line: Line): boolean {
  return line.end < reader.limit;
}

/** A value on one line, starting at `offset`, whose text runs to the end of its line (`text`), a comment aside. */
function valueAt0(offset: number, text: string): OutlineScalar | OutlineFlow {
  const open = text[0];
  if (open === "[" || open === "{") {
    const length = flowLength(text);
    rest(text, length);
    const inner = text.slice(1, length - 1).trim();
    return { kind: "flow", start: offset, empty: inner === "" };
  }
  let length: number;
  if (open === '"') {
    let i = 1;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) refuse();
    length = i + 1;
  } else if (open === "'") {
    let i = 1;
    for (; i < text.length; i++) {
      if (text[i] !== "'") continue;
      if (text[i + 1] === "'") i++;
      else break;
    }
    if (i >= text.length) refuse();
    length = i + 1;
  } else {
    if (!PLAIN_START.test(text)) refuse();
    const comment = text.indexOf(" #");
    const body = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
    if (body.includes(": ") || body.endsWith(":") || body.includes("\t")) refuse();
    length = body.length;
  }
  rest(text, length);
  return { kind: "scalar", start: offset, end: offset + length };
}

/** After a value on its line: spaces, then a comment or nothing. */
function rest(text: string, length: number): void {
  const after = text.slice(length);
  if (after.trim() !== "" && !/^ +#/.test(after)) refuse();
}

/** The length of the flow collection `text` starts with, closed on the same line (quoted text inside skipped). */
function flowLength(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (i >= text.length) refuse();
      continue;
    }
    if (c === "'") {
      for (i++; i < text.length; i++) {
        if (text[i] !== "'") continue;
        if (text[i + 1] === "'") i++;
        else break;
      }
      if (i >= text.length) refuse();
      continue;
    }
    if (c === "#" && text[i - 1] === " ") refuse();
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return refuse();
}
