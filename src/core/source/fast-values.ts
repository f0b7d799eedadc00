import { FAILSAFE_SCHEMA, load, Type } from "js-yaml";
import type { LoadLimits } from "../limits.js";

/**
 * A fast way to the plain values of simple YAML files: `js-yaml` composes values several times faster than `yaml`
 * (no parse tree, no source tokens). It is used only where it is certain to give what the `yaml` path gives: a file the
 * cheap checks below cannot vouch for, or that `js-yaml` reports anything about, returns undefined and takes the `yaml`
 * path, so every diagnostic (syntax, duplicate keys, limits, unsupported keys) stays the `yaml` path's own. The
 * direction that matters is one way: a file `yaml` rejects must never come out of here, or a broken document would pass
 * in silence. test/core/fast-values.test.ts compares both paths on generated and mutated documents.
 */

/** One document of a file read on the fast path: its index in the file, where its text starts and ends, its value. */
export interface FastDocument {
  index: number;
  start: number;
  end: number;
  value: unknown;
}

let enabled = true;

/** Turns the fast path on or off for the process (tests compare both paths; off, every file takes the `yaml` path). */
export function setFastValues(on: boolean): void {
  enabled = on;
}

export function fastValuesEnabled(): boolean {
  return enabled;
}

// The YAML 1.2 core schema's plain scalars exactly as `yaml` resolves them (its `core` tags, same tests, same order of
// precedence, same conversions), not js-yaml's own (which also reads `0b1`, `1_000` and `+.inf` as numbers).
const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_OCT = /^0o[0-7]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type("tag:yaml.org,2002:null", {
      kind: "scalar",
      resolve: (data: string) => /^(?:~|[Nn]ull|NULL)?$/.test(data),
      construct: () => null,
    }),
    new Type("tag:yaml.org,2002:bool", {
      kind: "scalar",
      resolve: (data: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(data),
      construct: (data: string) => data[0] === "t" || data[0] === "T",
    }),
    new Type("tag:yaml.org,2002:int", {
      kind: "scalar",
      resolve: (data: string) => CORE_OCT.test(data) || CORE_INT.test(data) || CORE_HEX.test(data),
      construct: (data: string) =>
        CORE_OCT.test(data)
          ? parseInt(data.substring(2), 8)
          : CORE_HEX.test(data)
            ? parseInt(data.substring(2), 16)
            : parseInt(data, 10),
    }),
    new Type("tag:yaml.org,2002:float", {
      kind: "scalar",
      resolve: (data: string) => CORE_NAN.test(data) || CORE_EXP.test(data) || CORE_FLOAT.test(data),
      construct: (data: string) => {
        if (CORE_NAN.test(data)) {
          if (data.slice(-3).toLowerCase() === "nan") return NaN;
          return data[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        }
        return parseFloat(data);
      },
    }),
  ],
});

/**
 * Text the fast path does not vouch for, anywhere in a file: tabs, carriage returns, other control characters, byte
 * order marks and Unicode line breaks (the two parsers read them differently); anchors, aliases and tags (`&`, `*`,
 * `!` after a separator); directives (`%` opening a line); a line opening with `...`; a line opening with `---` that
 * is not a bare document start marker (js-yaml reads `---x` as a marker, yaml as a scalar); merge keys (`<<`); complex
 * keys (`?`); a flow collection as a key (`]:`, `}:`); null and empty keys; a comment glued to a quote or bracket
 * (`"a"#c`, an error in `yaml`); an empty item of a sequence opened on the same line (`- -`: js-yaml adds the next
 * less indented item to that inner sequence).
 */
const UNVOUCHED =
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff\u2028\u2029\ufffe\uffff]|(?:^|[\s,[{])[&*!?]|^%|^\.\.\.|^---(?:[ ]+[^#\s]|[^ \n])|<<|[\]}][ ]*:(?:[\s,\]}]|$)|(?:^|[\s,[{?-])(?:~|null|Null|NULL)?[ ]*:(?:[\s,\]}]|$)|["'\]}]#|^ *-(?: +-)+ *(?:#.*)?$/m;

/** A last line of spaces and no line break after it (js-yaml keeps it in a `|+` block scalar, yaml does not). */
const TRAILING_BLANK = /\n +$/;

/** A document start marker line: `---` alone or followed by a comment (others are not vouched for, above). */
const MARKER = /^---(?=[ \n]|$)/gm;

/** Lines longer than this are looked at closely: `yaml` refuses an implicit key of more than 1024 characters. */
const LONG_LINE = 1000;

/**
 * The documents of a file read by `js-yaml`, or undefined when the fast path cannot vouch for them (the caller then
 * reads the file with `yaml`). `text` is the file's text with byte order marks already removed.
 */
export function fastDocuments(text: string, limits: LoadLimits): FastDocument[] | undefined {
  if (!enabled) return undefined;
  if (UNVOUCHED.test(text) || TRAILING_BLANK.test(text) || !linesVouched(text) || !indentsVouched(text))
    return undefined;
  const bounds = documentBounds(text);
  if (bounds.length > limits.maxDocumentsPerFile) return undefined;
  const documents: FastDocument[] = [];
  let warned = false;
  for (let index = 0; index < bounds.length; index++) {
    const [start, end] = bounds[index] as [number, number];
    let value: unknown;
    try {
      value = load(text.slice(start, end), {
        schema: SCHEMA,
        onWarning: () => {
          warned = true;
        },
      });
    } catch {
      // A syntax error, a duplicate key, a stack overflow: the `yaml` path reports it as it always has.
      return undefined;
    }
    if (warned) return undefined;
    if (!withinLimits(value, limits)) return undefined;
    detachStrings(value);
    documents.push({ index, start, end, value: value === undefined ? null : value });
  }
  return documents;
}

/**
 * Where each document's text starts and ends, as `yaml` counts documents: one per start marker, and one before the
 * first marker when anything but blank lines and comments comes before it. A marker always starts a document in YAML
 * (inside a block scalar or a quoted scalar too), so the split cannot cut a document `yaml` reads as one.
 */
function documentBounds(text: string): [number, number][] {
  const starts: number[] = [];
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match !== null; match = MARKER.exec(text)) starts.push(match.index);
  const first = starts[0] ?? text.length;
  if (hasContent(text, 0, first)) starts.unshift(0);
  return starts.map((start, i) => [start, starts[i + 1] ?? text.length]);
}

/** Whether text between two offsets holds anything but blank lines and comments. */
function hasContent(text: string, from: number, to: number): boolean {
  for (const line of text.slice(from, to).split("\n")) {
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) return true;
  }
  return false;
}

/**
 * Line by line: a line that opens more flow brackets than it closes (a flow collection over several lines), or holds
 * an odd count of double quotes (a quoted scalar over several lines), or a single-quoted scalar it does not close, or
 * is long and has a colon past what `yaml` allows an implicit key.
 */
function linesVouched(text: string): boolean {
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let brackets = 0;
    let doubles = 0;
    let singleOpen = false;
    for (let i = lineStart; i < lineEnd; i++) {
      const char = text.charCodeAt(i);
      if (char === 0x22 /* " */) {
        if (text.charCodeAt(i - 1) !== 0x5c /* \ */) doubles++;
      } else if (char === 0x27 /* ' */) {
        const before = i === lineStart ? 0x20 : text.charCodeAt(i - 1);
        if (singleOpen) singleOpen = false;
        else if (
          before === 0x20 ||
          before === 0x2c ||
          before === 0x5b ||
          before === 0x7b ||
          before === 0x3a ||
          before === 0x2d
        )
          singleOpen = true;
      } else if (char === 0x5b || char === 0x7b) brackets++;
      else if (char === 0x5d || char === 0x7d) brackets--;
    }
    if (brackets !== 0 || doubles % 2 !== 0 || singleOpen) return false;
    if (lineEnd - lineStart > LONG_LINE && text.lastIndexOf(":", lineEnd) >= lineStart + LONG_LINE) return false;
    lineStart = lineEnd + 1;
  }
  return true;
}

/** Where block entries start on a line: the columns of its `- ` dashes and of what follows the last one. */
const ENTRY = /^( *)((?:- +)*)/;

/** A line whose value is a block scalar (`key: |`, `- >-`, with an optional comment): its content lines follow. */
const BLOCK_SCALAR_HEADER = /(?:^ *|: +|- +)[|>][-+0-9]*(?: +#.*)?$/;

/**
 * The block structure's indentation, as `yaml` demands it and js-yaml does not always (it reads `a:\n    -\n  -` as a
 * list; `yaml` refuses the second item): a line less indented than the one before must come back to the column of an
 * entry still open (a key or a `- ` above it), and never below the document's first line. Lines of a block scalar
 * (those more indented than its entry), blank lines and comments are skipped.
 */
function indentsVouched(text: string): boolean {
  const open: number[] = [];
  let root = -1;
  let scalarAbove = -1;
  for (const line of text.split("\n")) {
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (scalarAbove >= 0) {
      if (trimmed === "" || indent > scalarAbove) continue;
      scalarAbove = -1;
    }
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (/^---(?: |$)/.test(line)) {
      open.length = 0;
      root = -1;
      continue;
    }
    if (root < 0) root = indent;
    if (indent < root) return false;
    let dedented = false;
    while (open.length > 0 && (open[open.length - 1] as number) > indent) {
      open.pop();
      dedented = true;
    }
    if (dedented && open[open.length - 1] !== indent) return false;
    const [, spaces = "", dashes = ""] = ENTRY.exec(line) ?? [];
    let column = spaces.length;
    if (open[open.length - 1] !== column) open.push(column);
    // Each dash opens an entry at its own column, and what follows the last one opens an entry at its column.
    for (const dash of dashes.matchAll(/- +/g)) {
      column += dash[0].length;
      open.push(column);
    }
    if (BLOCK_SCALAR_HEADER.test(line)) scalarAbove = column;
  }
  return true;
}

/**
 * js-yaml appends to the text it is given, so it reads a copy of each document, and its scalars are slices of that
 * copy: V8 keeps a slice of 13 characters or more as a pointer into its parent, so one kept value kept the whole
 * document's copy alive, next to the file's text (24 MiB of the heap a 50,000-resource analysis holds). Each such
 * string is replaced by one of its own: concatenating makes V8 flatten it into fresh storage before slicing.
 */
function detachStrings(value: unknown): void {
  const pending: unknown[] = [value];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (typeof node !== "object" || node === null) continue;
    const items = node as Record<string | number, unknown>;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      const item = items[key];
      if (typeof item === "string") {
        if (item.length >= DETACHED_LENGTH) items[key] = `${item} `.slice(0, -1);
      } else if (typeof item === "object" && item !== null) pending.push(item);
    }
  }
}

/** V8's shortest slice kept as a pointer into its parent (shorter ones are copied already). */
const DETACHED_LENGTH = 13;

/**
 * Whether a value is certainly within the node and depth limits `yaml`'s path measures on its tokens: counted here on
 * the value, where an empty value counts as a node (it has no token), so the count is never below the token count.
 * Also refuses a mapping key `js-yaml` made of a null (`null`), which `yaml` would report as an unsupported key.
 */
function withinLimits(value: unknown, limits: LoadLimits): boolean {
  let nodes = 1;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > limits.maxNestingDepth) return false;
    if (Array.isArray(node)) {
      nodes += node.length;
      for (const item of node) if (typeof item === "object" && item !== null) pending.push([item, depth + 1]);
    } else {
      for (const key of Object.keys(node)) {
        if (key === "null") return false;
        nodes += 2;
        const item = (node as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) pending.push([item, depth + 1]);
      }
    }
    if (nodes > limits.maxNodesPerDocument) return false;
  }
  return true;
}
