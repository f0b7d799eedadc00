/** Where each field of a YAML text is: per document, the line of every field path and the path written on each line. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";

export type FieldPath = (string | number)[];

export interface DocumentLines {
  /** First and last line of the document's content (1-based). */
  startLine: number;
  endLine: number;
  value: unknown;
  /** The line each field path starts on, by `pathKey`. */
  lineOf: Map<string, number>;
  /** The path of the field written on each line, by line. */
  pathAt: Map<number, FieldPath>;
}

export function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

/** Every document of `text` with its field lines; a text that does not parse gives what parsed. */
export function documentLines(text: string): DocumentLines[] {
  const counter = new LineCounter();
  const result: DocumentLines[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: counter })) {
    const contents = doc.contents as Node | null;
    if (!contents || !contents.range) continue;
    const lineOf = new Map<string, number>();
    const pathAt = new Map<number, FieldPath>();
    const record = (path: FieldPath, offset: number) => {
      const line = counter.linePos(offset).line;
      lineOf.set(pathKey(path), line);
      if (!pathAt.has(line) || (pathAt.get(line) as FieldPath).length < path.length) pathAt.set(line, path);
    };
    const walk = (node: unknown, path: FieldPath) => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
          const child = [...path, String(pair.key.value)];
          record(child, pair.key.range[0]);
          walk(pair.value, child);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => {
          const child = [...path, index];
          const range = (item as Node | null)?.range;
          if (range) record(child, range[0]);
          walk(item, child);
        });
      }
    };
    walk(contents, []);
    const [start, , end] = contents.range;
    result.push({
      startLine: counter.linePos(start).line,
      endLine: counter.linePos(Math.max(start, end - 1)).line,
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      lineOf,
      pathAt,
    });
  }
  return result;
}

/** The path written on `line`, or on the nearest line above it inside the document (a block scalar's body). */
export function pathOnLine(doc: DocumentLines, line: number): FieldPath | undefined {
  for (let l = line; l >= doc.startLine; l--) {
    const path = doc.pathAt.get(l);
    if (path) return path;
  }
  return undefined;
}

/** The line of `path` in `doc`, else of its longest prefix written there; undefined when not even the first key is. */
export function lineOfPath(doc: DocumentLines, path: FieldPath, exact = false): number | undefined {
  for (let n = path.length; n > (exact ? path.length - 1 : 0); n--) {
    const line = doc.lineOf.get(pathKey(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `Kind` and `metadata.name` of a document's value. */
export function kindAndName(value: unknown): { kind: string; name: string } {
  const record = asRecord(value);
  const metadata = asRecord(record.metadata);
  return {
    kind: typeof record.kind === "string" ? record.kind : "",
    name: typeof metadata.name === "string" ? metadata.name : "",
  };
}
