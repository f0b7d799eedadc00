import {
  Composer,
  CST,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  visit,
  YAMLParseError,
  type Document,
  type Node,
  type Scalar,
  type YAMLError,
} from "yaml";
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../limits.js";
import type { SourceDiagnosticKind } from "../diagnostics.js";
import type { Location, MessageData, SourceFile } from "../types.js";
import { aliasTargets, FileText, identityMapper, LocatedDocument, type PositionMapper } from "./yaml-document.js";
import { fastDocuments, type FastDocument } from "./fast-values.js";

/** A problem found while reading input or outside the rules. Its kind names its rule and message (see DIAGNOSTICS). */
export interface SourceDiagnostic {
  kind: SourceDiagnosticKind;
  location: Location;
  resource: string | null;
  data: MessageData;
}

export { DEFAULT_LOAD_LIMITS, type LoadLimits } from "../limits.js";

export interface ParsedFile {
  documents: LocatedDocument[];
  diagnostics: SourceDiagnostic[];
  /**
   * Set when the file is known not to be a Kubernetes manifest without reading it as one: a GitHub Actions workflow or
   * action (its only template markers are `${{ }}` expressions). It has no documents and no diagnostics.
   */
  notKubernetes?: "github-workflow";
  /**
   * Set when a `DocumentFilter` set documents aside: every document's count and Kubernetes kinds (the coverage), in the
   * file's order, the documents set aside included. Absent: `documents` holds them all.
   */
  summary?: { documents: number; kinds: string[] };
}

/**
 * Whether a caller reads a Kubernetes object of this `apiVersion` and `kind` in `path`. The others are checked as
 * every document is (syntax, duplicate and unsupported keys, limits) and counted, but their values are not built and
 * their parse trees not kept.
 */
export type DocumentFilter = (path: string, apiVersion: string, kind: string) => boolean;

/** A Helm or Go template action where a `{{` starts (sticky: matched at `lastIndex`). */
const HELM_TEMPLATE = /\{\{[-\s]*[.$a-zA-Z/]/y;

export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Parses a manifest file into located documents; everything that goes wrong becomes a diagnostic, never a throw. With
 * `reads`, a document it does not read is classified from its parse tree (apiVersion and kind) and set aside.
 */
export function parseManifestFile(file: SourceFile, limits: LoadLimits = DEFAULT_LOAD_LIMITS, reads?: DocumentFilter): ParsedFile {
  const size = file.size ?? byteLength(file.text);
  const whole: Location = { file: file.path, line: 1, column: 1, endLine: 1, endColumn: 2 };
  if (size > limits.maxFileBytes) {
    return { documents: [], diagnostics: [diag("file-too-large", whole, { bytes: size, limit: limits.maxFileBytes })] };
  }
  const binary = file.binary === true || looksBinary(file.text);
  const encryption = encryptionOf(file.path, file.text, binary);
  if (encryption) {
    return { documents: [], diagnostics: [diag("encrypted-file", whole, { reason: "encrypted", format: encryption.format })] };
  }
  if (binary) {
    return { documents: [], diagnostics: [diag("binary-file", whole, { reason: "binary" })] };
  }
  const text = stripBoms(file.text);
  const helm = findHelmTemplate(text);
  if (helm === "github-workflow") return { documents: [], diagnostics: [], notKubernetes: "github-workflow" };
  if (helm) {
    const location = { file: file.path, line: helm.line, column: helm.column, endLine: helm.line, endColumn: helm.column + 2 };
    return { documents: [], diagnostics: [diag("helm-template", location, { reason: "helm-template" })] };
  }
  const fast = fastDocuments(text, limits);
  const fastParsed = fast && fastFile(fast, text, file.path, reads);
  const parsed = fastParsed ?? rejectUnsupportedKeys(parseYamlText(text, file.path, identityMapper, limits, reads));
  if (!reads) return parsed;
  const kinds = parsed.documents.flatMap((doc) => kubernetesKind(doc.value) ?? []);
  return { documents: parsed.documents.filter((doc) => !doc.setAside), diagnostics: parsed.diagnostics, summary: { documents: parsed.documents.length, kinds } };
}

/**
 * A file's documents read on the fast path, as the `yaml` path would have made them; undefined (the `yaml` path reads
 * the file) for a document whose `yaml` tree `headerOf` might read differently from its value: a top-level key that
 * may have been a number, boolean or null scalar (`headerOf` sets no document with such a key aside).
 */
function fastFile(fast: readonly FastDocument[], text: string, path: string, reads: DocumentFilter | undefined): ParsedFile | undefined {
  const file = new FileText(text);
  const documents: LocatedDocument[] = [];
  for (const { index, start, end, value } of fast) {
    if (value === null || value === undefined) continue;
    const source = { file, start, end };
    const header = reads ? fastHeader(value) : undefined;
    if (header === "unsure") return undefined;
    if (reads && header && !reads(path, header.apiVersion, header.kind)) {
      documents.push(new LocatedDocument(path, index, header, source, identityMapper, true));
      continue;
    }
    documents.push(new LocatedDocument(path, index, value, source, identityMapper));
  }
  return { documents, diagnostics: [] };
}

/** `headerOf` on a fast-path value: its `apiVersion` and `kind`, undefined, or "unsure" when a key may not be a string. */
function fastHeader(value: unknown): { apiVersion: string; kind: string } | "unsure" | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const { apiVersion, kind } = record;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  for (const key of Object.keys(record)) if (SCALAR_KEY.test(key)) return "unsure";
  return { apiVersion, kind };
}

/** A key a number or boolean scalar may have been converted to. */
const SCALAR_KEY = /^(?:true|false|NaN|-?Infinity)$|^[-+.]?[0-9]/;

/** The `kind` of a Kubernetes object (a mapping with string `apiVersion` and `kind`), else undefined. */
export function kubernetesKind(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { apiVersion, kind } = value as Record<string, unknown>;
  return typeof apiVersion === "string" && typeof kind === "string" && kind !== "" ? kind : undefined;
}

/**
 * A document's `apiVersion` and `kind` read from its parse tree without converting it: only when the answer is certain
 * to be what converting gives (a mapping of plain scalar keys, no merge key, both fields string scalars), else
 * undefined and the document is converted as any other.
 */
function headerOf(contents: unknown): { apiVersion: string; kind: string } | undefined {
  if (!isMap(contents)) return undefined;
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (const pair of contents.items) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== "string") return undefined;
    if (key.value !== "apiVersion" && key.value !== "kind") continue;
    const value = pair.value;
    if (!isScalar(value) || typeof value.value !== "string") return undefined;
    if (key.value === "apiVersion") apiVersion ??= value.value;
    else kind ??= value.value;
  }
  return apiVersion !== undefined && kind !== undefined ? { apiVersion, kind } : undefined;
}

/**
 * Parses YAML text (a file, or a block embedded in an annotation) into documents. `mapPosition` turns positions in
 * `text` into positions in the file, so findings inside an annotation point at the annotation's own lines.
 */
export function parseYamlText(
  text: string,
  path: string,
  mapPosition: PositionMapper,
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
  reads?: DocumentFilter,
): ParsedFile {
  const lines = new LineCounter();
  const diagnostics: SourceDiagnostic[] = [];
  const documents: LocatedDocument[] = [];
  const at = (line: number, column: number): Location => {
    const from = mapPosition(line, column);
    return { file: path, line: from.line, column: from.column, endLine: from.line, endColumn: from.column + 1 };
  };
  let composed: ComposedStream;
  try {
    composed = composeDocuments(text, lines, limits);
  } catch (error) {
    // The parser recurses on nesting depth; a pathological file must cost a finding, not the run.
    return { documents, diagnostics: [diag("yaml-syntax", at(1, 1), { problem: describeParserFailure(error) })] };
  }
  const { parsed, total, tooLarge, withAliases } = composed;
  parsed.forEach((doc, index) => {
    if (index >= limits.maxDocumentsPerFile) {
      const pos = lines.linePos(doc.range[0]);
      diagnostics.push(diag("too-many-documents", at(pos.line, pos.col), { documents: total, limit: limits.maxDocumentsPerFile }));
      return;
    }
    const over = tooLarge.get(index);
    if (over !== undefined) {
      const pos = lines.linePos(over.at);
      diagnostics.push(diag(tooLargeKind(over.data), at(pos.line, pos.col), over.data));
      return;
    }
    const keys = readKeys(doc.contents, text);
    const errors = withDuplicateKeys(doc.errors, keys.duplicates);
    if (errors.length > 0) {
      for (const error of errors.slice(0, 3)) {
        const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
        const problem = /call stack/i.test(error.message) ? "the document is nested too deeply to read" : parserProblem(error.message);
        diagnostics.push(diag("yaml-syntax", at(pos.line, pos.col), { problem }));
      }
      return;
    }
    if (keys.merges && convertedNodes(doc, limits.maxNodesPerDocument) > limits.maxNodesPerDocument) {
      const pos = lines.linePos(doc.contents?.range[0] ?? doc.range[0]);
      diagnostics.push(diag("too-many-merged-nodes", at(pos.line, pos.col), { merges: true, limit: limits.maxNodesPerDocument }));
      return;
    }
    const header = reads && !keys.merges && !withAliases.has(index) ? headerOf(doc.contents) : undefined;
    if (reads && header && !reads(path, header.apiVersion, header.kind)) {
      // Not read: what the coverage and the unsupported-key check need, and the parse tree only until that check ran.
      documents.push(new LocatedDocument(path, index, header, { doc, lines }, mapPosition, true));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const pos = lines.linePos(doc.range[0]);
      diagnostics.push(diag("yaml-syntax", at(pos.line, pos.col), { problem: describeParserFailure(error) }));
      return;
    }
    if (value === null || value === undefined) return;
    documents.push(new LocatedDocument(path, index, value, { doc, lines }, mapPosition));
  });
  return { documents, diagnostics };
}

/**
 * The parser's options: warnings never reach the process's stderr, and duplicate keys are not looked for by the parser
 * (its check compares each key with every earlier one of its mapping: 90 s for one 1 MiB mapping of 110,000 keys) but
 * by `readKeys`, in one pass.
 */
const COMPOSE_OPTIONS = { prettyErrors: false, uniqueKeys: false, logLevel: "error" } as const;

/** A document over a limit of its own, measured before it is composed: where to report it, and which limit. */
/** Which limit a document over one met, by the datum that measures it. */
function tooLargeKind(data: MessageData): SourceDiagnosticKind {
  if (data.depth !== undefined) return "too-deep";
  if (data.nodes !== undefined) return "too-many-nodes";
  return "too-many-aliases";
}

interface TooLarge {
  at: number;
  data: MessageData;
}

interface ComposedStream {
  /** The documents composed: at most `maxDocuments + 1` (the extra one locates the "not analysed" finding). */
  parsed: Document.Parsed[];
  /** How many documents the text holds (those past the limit counted from their `---` lines, not parsed). */
  total: number;
  /** Documents over the nesting depth, node or alias limit (composed empty), by index. */
  tooLarge: Map<number, TooLarge>;
  /** Documents holding an alias, by index: converting them may fail (an alias bomb), so they are always converted. */
  withAliases: Set<number>;
}

/**
 * `parseAllDocuments`, but streaming: composing stops after `maxDocumentsPerFile + 1` documents, so a file of 100,000
 * tiny documents costs what its first 20,000 cost and the rest are only counted; and a document nested deeper than
 * `maxNestingDepth`, or of more than `maxNodesPerDocument` nodes or `maxAliasCount` aliases, is measured on the parser's
 * tokens (an iterative walk) and composed empty, never recursed into.
 */
function composeDocuments(text: string, lines: LineCounter, limits: LoadLimits): ComposedStream {
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer(COMPOSE_OPTIONS);
  const parsed: Document.Parsed[] = [];
  const tooLarge = new Map<number, TooLarge>();
  const withAliases = new Set<number>();
  let documentTokens = 0;
  for (const token of parser.parse(text)) {
    if (token.type === "document") {
      const { over, aliases } = measureDocument(token.value, limits);
      if (aliases > 0) withAliases.add(documentTokens);
      if (over !== undefined) {
        tooLarge.set(documentTokens, over);
        delete token.value;
      }
      documentTokens++;
    }
    for (const doc of composer.next(token)) parsed.push(doc as Document.Parsed);
    if (parsed.length > limits.maxDocumentsPerFile) {
      // The composer holds the document of this token; the ones after it are counted by their markers.
      return { parsed, total: parsed.length + 1 + countDocumentMarkers(text, token.offset + 1), tooLarge, withAliases };
    }
  }
  for (const doc of composer.end()) parsed.push(doc as Document.Parsed);
  return { parsed, total: parsed.length, tooLarge, withAliases };
}

/**
 * Walks a document's tokens without recursion: the first collection nested deeper than `maxNestingDepth` levels (the
 * walk stops there), else the node count (every key, value and sequence item) when it is over `maxNodesPerDocument`,
 * else the alias count when it is over `maxAliasCount`; those two are reported at the start of the document's contents.
 * The YAML library looks each alias up by scanning every anchor and alias before it: without a cap on aliases, a
 * document of 50,000 anchors, each used once, would cost over a billion steps.
 */
function measureDocument(root: CST.Token | undefined, limits: LoadLimits): { over: TooLarge | undefined; aliases: number } {
  if (!root) return { over: undefined, aliases: 0 };
  // Collections still to walk, with their depth; their keys and values are counted when the collection is walked.
  const pending: [CST.Token, number][] = [[root, 0]];
  let nodes = 1;
  let aliases = root.type === "alias" ? 1 : 0;
  const count = (token: CST.Token, depth: number) => {
    nodes++;
    if (token.type === "alias") aliases++;
    else if (CST.isCollection(token)) pending.push([token, depth]);
  };
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [token, depth] = next;
    if (!CST.isCollection(token)) continue;
    if (depth + 1 > limits.maxNestingDepth) {
      return { over: { at: token.offset, data: { depth: limits.maxNestingDepth + 1, limit: limits.maxNestingDepth } }, aliases };
    }
    // Pushed last to first, so that the first too-deep collection found is the first in the text.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i];
      if (item?.value) count(item.value, depth + 1);
      if (item?.key) count(item.key, depth + 1);
    }
  }
  if (nodes > limits.maxNodesPerDocument) return { over: { at: root.offset, data: { nodes, limit: limits.maxNodesPerDocument } }, aliases };
  if (aliases > limits.maxAliasCount) return { over: { at: root.offset, data: { aliases, limit: limits.maxAliasCount } }, aliases };
  return { over: undefined, aliases };
}

/**
 * One pass over the keys of a composed document. `duplicates`: the offsets of duplicate keys, in the text's order: a
 * key equal to an earlier one of its mapping, with the parser's own notion of equal (scalars with the same resolved
 * value: `1`, `0x1` and `1.0` are one key, `"1"` another; aliases and collections as keys are never equal); one set per
 * mapping, so linear in the nodes. `merges`: whether a merge key (`<<`, resolved in YAML 1.1 documents) is used.
 */
function readKeys(root: unknown, text: string): { duplicates: number[]; merges: boolean } {
  const duplicates: number[] = [];
  let merges = false;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const { key, value } of node.items) {
        // `Set` finds NaN equal to NaN; the parser (`===`) never does.
        if (isScalar(key) && !Number.isNaN(key.value) && key.range) {
          if (seen.has(key.value)) duplicates.push(keyStart(key.range, text));
          else seen.add(key.value);
          if (isMergeKey(key)) merges = true;
        }
        if (isCollection(key)) pending.push(key);
        if (isCollection(value)) pending.push(value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (isCollection(item)) pending.push(item);
    }
  }
  return { duplicates: duplicates.sort((a, b) => a - b), merges };
}

/** A resolved merge key: the YAML 1.1 schema turns a plain `<<` key into a symbol. */
function isMergeKey(key: Scalar): boolean {
  return typeof key.value === "symbol" && key.value.description === "<<";
}

/**
 * How many nodes converting a document to plain values touches, merge keys included: each merge (`<<: *base`) converts
 * its source mapping again, so 1,000 merges of a 100,000-key mapping would cost 100 million. One post-order walk in
 * the text's order, so a source (anchored before its aliases) is measured before it is merged; sizes stop at `cap + 1`.
 */
function convertedNodes(doc: Document.Parsed, cap: number): number {
  const targets = aliasTargets(doc);
  const sizes = new Map<unknown, number>();
  const sizeOf = (node: unknown) => (isCollection(node) ? (sizes.get(node) ?? 0) : node === null || node === undefined ? 0 : 1);
  const pending: [unknown, boolean][] = [[doc.contents, false]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, walked] = next;
    if (!isCollection(node)) continue;
    const children: unknown[] = isMap(node) ? node.items.flatMap((pair) => [pair.key, pair.value]) : node.items;
    if (!walked) {
      pending.push([node, true]);
      for (let i = children.length - 1; i >= 0; i--) if (isCollection(children[i])) pending.push([children[i], false]);
      continue;
    }
    let size = 1;
    for (const child of children) size += sizeOf(child);
    if (isMap(node)) {
      for (const { key, value } of node.items) {
        if (!isScalar(key) || !isMergeKey(key)) continue;
        // A source not measured yet contains this merge: converting it recurses until the stack runs out, a failure
        // the conversion reports itself.
        for (const source of isSeq(value) ? value.items : [value]) size += sizeOf(isAlias(source) ? targets.get(source) : source);
      }
    }
    sizes.set(node, Math.min(size, cap + 1));
  }
  return sizeOf(doc.contents);
}

/**
 * Where the parser reports a duplicate key: where the key starts, and for an empty key (`: value`, `?` alone), whose
 * node sits right after the previous token, at the next character that is not blank or a comment (the `:`).
 */
function keyStart([start, end]: readonly [number, number, number], text: string): number {
  if (end > start) return start;
  let offset = start;
  for (;;) {
    const char = text[offset];
    if (char === " " || char === "\t" || char === "\n" || char === "\r") offset++;
    else if (char === "#") {
      const lineEnd = text.indexOf("\n", offset);
      offset = lineEnd < 0 ? text.length : lineEnd;
    }
    else return offset;
  }
}

/**
 * The parser's errors with an error at each duplicate key, each placed before the first parser error that comes after
 * it in the text: the order in which the parser would have reported them (the first three are what a finding shows).
 */
function withDuplicateKeys(errors: readonly YAMLError[], duplicates: readonly number[]): YAMLError[] {
  if (duplicates.length === 0) return [...errors];
  const merged: YAMLError[] = [];
  let next = 0;
  for (const error of errors) {
    for (; next < duplicates.length && (duplicates[next] ?? 0) < error.pos[0]; next++) merged.push(duplicateKeyError(duplicates[next] ?? 0));
    merged.push(error);
  }
  for (; next < duplicates.length; next++) merged.push(duplicateKeyError(duplicates[next] ?? 0));
  return merged;
}

function duplicateKeyError(offset: number): YAMLError {
  return new YAMLParseError([offset, offset + 1], "DUPLICATE_KEY", "Map keys must be unique");
}

/** `---` document start lines after `from` (a marker inside a block scalar would end it, so none is missed). */
function countDocumentMarkers(text: string, from: number): number {
  const marker = /\n---(?=[ \t\r\n]|$)/g;
  marker.lastIndex = from;
  let count = 0;
  while (marker.exec(text) !== null) count++;
  return count;
}

/**
 * A Kubernetes object whose mapping keys are sequences, mappings or null: kubectl converts YAML to JSON first, and only
 * string, number and boolean keys survive ("unsupported map key"), so it refuses the object. Such a document is reported
 * and dropped, as Emissary never receives it. Other YAML (CI files, Helm values) is left alone.
 */
function rejectUnsupportedKeys(parsed: ParsedFile): ParsedFile {
  const diagnostics = [...parsed.diagnostics];
  const documents: LocatedDocument[] = [];
  for (const doc of parsed.documents) {
    const offset = !doc.fast && isKubernetesObject(doc.value) ? unsupportedKeyOffset(doc) : undefined;
    if (offset === undefined) {
      documents.push(doc);
      continue;
    }
    const { line, column } = doc.positionOf(offset.at);
    diagnostics.push(
      diag("yaml-syntax", { file: doc.file, line, column, endLine: line, endColumn: column + 1 }, { problem: offset.problem }),
    );
  }
  return { documents, diagnostics };
}

function isKubernetesObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.apiVersion === "string" && typeof record.kind === "string";
}

function unsupportedKeyOffset(doc: LocatedDocument): { at: number; problem: string } | undefined {
  const root = doc.nodeAt([]);
  if (!root) return undefined;
  let found: { at: number; problem: string } | undefined;
  visit(root, {
    Pair(_, pair, path) {
      const key = resolvedKey(pair.key, doc);
      const problem = key === "collection"
        ? "a mapping key is itself a sequence or mapping; kubectl converts YAML to JSON and refuses such a key (unsupported map key)"
        : key === "null"
          ? "a mapping key is empty or null; kubectl converts YAML to JSON and refuses such a key (unsupported map key)"
          : undefined;
      if (problem === undefined) return undefined;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      const parent = path[path.length - 1] as Node | undefined;
      const at = keyNode?.range?.[0] ?? valueNode?.range?.[0] ?? parent?.range?.[0] ?? 0;
      found = { at, problem };
      return visit.BREAK;
    },
  });
  return found;
}

function resolvedKey(key: unknown, doc: LocatedDocument): "collection" | "null" | "ok" {
  const target = isAlias(key) ? doc.resolveAlias(key) : key;
  if (target === null || target === undefined) return "null";
  if (isCollection(target)) return "collection";
  if (isScalar(target) && target.value === null) return "null";
  return "ok";
}

function diag(kind: SourceDiagnosticKind, location: Location, data: MessageData): SourceDiagnostic {
  return { kind, location, resource: null, data };
}

function describeParserFailure(error: unknown): string {
  if (error instanceof RangeError) return "the document is nested too deeply to read";
  if (error instanceof ReferenceError && /^Unresolved alias/.test(error.message)) {
    return "an alias (*name) refers to an anchor (&name) that is not defined before it";
  }
  if (error instanceof ReferenceError && /alias/i.test(error.message)) {
    return "the document expands too many aliases (an alias bomb?)";
  }
  return error instanceof Error ? parserProblem(error.message) : "the document could not be read";
}

/**
 * Messages of the YAML parser that quote the source text they stumbled on, and what is kept of them. A finding must
 * never carry source text: in a Secret it is key material (`tls.key: ]LS0tLS1CRUdJTi...` would otherwise be echoed).
 */
const SOURCE_ECHOES: readonly [RegExp, string][] = [
  [/^(.*?): ".*$/s, "$1"],
  [/^(Block scalar header includes extra characters|Not a YAML token|Not a valid tag|Could not resolve tag):.*$/s, "$1"],
  [/^(Unresolved alias) \(the anchor must be set before the alias\):.*$/s, "$1: an alias refers to an anchor not defined before it"],
  [/^Verbatim tags aren't resolved, so .* is invalid\.?$/s, "Verbatim tags aren't resolved"],
  [/^The .* tag has no suffix$/s, "A tag has no suffix"],
  [/^Unexpected (\S{4,}) in (.*)$/s, "Unexpected anchor, tag or scalar in $2"],
];

/** The parser's message, first line only, with any quoted source text left out. */
function parserProblem(message: string): string {
  let text = message.split("\n")[0] ?? message;
  for (const [pattern, replacement] of SOURCE_ECHOES) {
    if (pattern.test(text)) {
      text = text.replace(pattern, replacement);
      break;
    }
  }
  // A safety net for messages not listed above: no English word in them is this long, but base64 and PEM lines are.
  text = text.replace(/\S{25,}/g, "(source text)");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Byte order marks at the start of any line, not only the file's: files concatenated into one stream (`cat *.yaml`)
 * carry one after a `---`, where the YAML parser would read it as part of the next key (`\ufeffapiVersion`) and lose
 * the resource, while kubectl's parser skips it. Lines keep their numbers.
 */
function stripBoms(text: string): string {
  const stripped = stripBom(text);
  return stripped.includes("\ufeff") ? stripped.replace(/(^|\n)\ufeff+/g, "$1") : stripped;
}

/** NUL bytes or replacement characters (what invalid UTF-8 decodes to) mean the file is not text. */
function looksBinary(text: string): boolean {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  return sample.includes("\u0000") || sample.includes("\ufffd");
}

/** Magic openings of whole-file encryption formats: what `openssl enc`, gpg, age, git-crypt and Ansible Vault write. */
const ENCRYPTED_OPENINGS: readonly { opening: string; format: string }[] = [
  { opening: "Salted__", format: "openssl enc" },
  // The base64 of "Salted__": `openssl enc -a` output, text that would otherwise read as one YAML string.
  { opening: "U2FsdGVkX1", format: "openssl enc" },
  { opening: "-----BEGIN PGP MESSAGE-----", format: "OpenPGP" },
  { opening: "-----BEGIN AGE ENCRYPTED FILE-----", format: "age" },
  { opening: "age-encryption.org/v1", format: "age" },
  { opening: "\u0000GITCRYPT\u0000", format: "git-crypt" },
  { opening: "$ANSIBLE_VAULT;", format: "Ansible Vault" },
];

/** A whole-file encryption name: `secrets.enc.yaml`, `tls.enc.yml`. */
const ENCRYPTED_NAME = /\.enc\.ya?ml$/i;

/**
 * Whether a file is encrypted as a whole: it opens with an encryption format's magic, or it is unreadable (binary) and
 * named `*.enc.yaml`. A readable `*.enc.yaml` is parsed: SOPS writes YAML with encrypted values under that name.
 */
function encryptionOf(path: string, text: string, binary: boolean): { format: string | null } | undefined {
  const opening = stripBom(text.length > 64 ? text.slice(0, 64) : text).trimStart();
  const known = ENCRYPTED_OPENINGS.find((e) => opening.startsWith(e.opening));
  if (known) return { format: known.format };
  if (binary && ENCRYPTED_NAME.test(path)) return { format: null };
  return undefined;
}

/**
 * Template markup outside comments: the file is a Helm or Go template, not a manifest. A file whose only markers are
 * GitHub Actions expressions (`${{ github.sha }}`: a workflow or an action) is not a template but a GitHub file,
 * `"github-workflow"`; one Helm marker (`{{ .Values.x }}`) beside them makes it a template.
 */
function findHelmTemplate(text: string): { line: number; column: number } | "github-workflow" | undefined {
  if (!text.includes("{{")) return undefined;
  const lines = text.split("\n");
  let actions = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const comment = line.search(/(^|\s)#/);
    const code = comment >= 0 ? line.slice(0, comment) : line;
    for (let at = code.indexOf("{{"); at >= 0; at = code.indexOf("{{", at + 1)) {
      if (at > 0 && code[at - 1] === "$") {
        actions = true;
        continue;
      }
      HELM_TEMPLATE.lastIndex = at;
      if (HELM_TEMPLATE.test(code)) return { line: i + 1, column: at + 1 };
    }
  }
  return actions ? "github-workflow" : undefined;
}
