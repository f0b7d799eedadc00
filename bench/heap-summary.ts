/**
 * A summary of a V8 heap snapshot (`v8.writeHeapSnapshot`) by constructor, as Chrome DevTools' "Summary" view groups
 * it: per group the number of objects and the sum of their self sizes. Retained sizes (dominator trees) are left out:
 * self sizes summed already say which kinds of object hold the memory, and need no graph traversal.
 *
 * The .heapsnapshot file is JSON of a documented shape: `snapshot.meta` names the fields of each node (`node_fields`)
 * and the names of node types (`node_types[0]`); `nodes` is one flat array of integers, `node_fields.length` per node;
 * `strings` holds every name a node refers to by index. At 50,000 resources the file passes V8's largest string, so it
 * is read as bytes and only the parts needed are decoded: the meta header, the `nodes` integers, the `strings` array.
 */
import { readFileSync } from "node:fs";

export interface HeapGroup {
  /** The constructor's name for objects, otherwise the node type in parentheses as DevTools shows it: `(string)`. */
  name: string;
  count: number;
  selfBytes: number;
}

export interface HeapSummary {
  nodes: number;
  totalBytes: number;
  groups: HeapGroup[];
}

interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

/** Parses the comma-separated integers of a JSON array starting at `start` (just past `[`) into `out`. */
function readIntegers(bytes: Buffer, start: number, out: Float64Array): number {
  let at = start;
  let index = 0;
  let value = 0;
  let inNumber = false;
  for (; at < bytes.length; at++) {
    const c = bytes[at] as number;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
    } else {
      if (inNumber) {
        if (index < out.length) out[index] = value;
        index++;
        value = 0;
        inNumber = false;
      }
      if (c === 93) break; // `]`
    }
  }
  if (index !== out.length) throw new Error(`heap snapshot: expected ${out.length} node fields, read ${index}`);
  return at;
}

/** The JSON strings of an array starting at `start` (just past `[`), each decoded on its own. */
function readStrings(bytes: Buffer, start: number): string[] {
  const strings: string[] = [];
  let at = start;
  while (at < bytes.length) {
    const c = bytes[at] as number;
    if (c === 93) break;
    if (c !== 34) {
      at++;
      continue;
    }
    let end = at + 1;
    while (end < bytes.length && bytes[end] !== 34) end += bytes[end] === 92 ? 2 : 1;
    strings.push(JSON.parse(bytes.toString("utf8", at, end + 1)) as string);
    at = end + 1;
  }
  return strings;
}

export function summarizeHeapSnapshot(path: string, top = 25): HeapSummary {
  const bytes = readFileSync(path);
  const nodesKey = bytes.indexOf('"nodes":[');
  if (nodesKey < 0) throw new Error(`heap snapshot ${path}: no nodes array`);
  // The header ({"snapshot":{...},) is small: decoded and parsed as JSON once closed.
  const header = JSON.parse(`${bytes.toString("utf8", 0, nodesKey).replace(/,\s*$/, "")}}`) as {
    snapshot: { meta: SnapshotMeta; node_count: number };
  };
  const { meta, node_count: nodeCount } = header.snapshot;
  const fields = meta.node_fields.length;
  const typeField = meta.node_fields.indexOf("type");
  const nameField = meta.node_fields.indexOf("name");
  const sizeField = meta.node_fields.indexOf("self_size");
  const types = meta.node_types[0];
  const nodes = new Float64Array(nodeCount * fields);
  const afterNodes = readIntegers(bytes, nodesKey + '"nodes":['.length, nodes);
  const stringsKey = bytes.indexOf('"strings":[', afterNodes);
  if (stringsKey < 0) throw new Error(`heap snapshot ${path}: no strings array`);
  const strings = readStrings(bytes, stringsKey + '"strings":['.length);

  const groups = new Map<string, HeapGroup>();
  let totalBytes = 0;
  for (let i = 0; i < nodes.length; i += fields) {
    const type = types[nodes[i + typeField] as number] ?? "unknown";
    const size = nodes[i + sizeField] as number;
    // DevTools' grouping: objects (and native objects) by constructor name, everything else by its type.
    const name =
      type === "object" || type === "native" ? (strings[nodes[i + nameField] as number] ?? "?") : `(${type})`;
    let group = groups.get(name);
    if (!group) groups.set(name, (group = { name, count: 0, selfBytes: 0 }));
    group.count++;
    group.selfBytes += size;
    totalBytes += size;
  }
  const sorted = [...groups.values()].sort((a, b) => b.selfBytes - a.selfBytes);
  return { nodes: nodeCount, totalBytes, groups: sorted.slice(0, top) };
}

/** The summary as a table: group, objects, self MiB, share of the heap. */
export function formatHeapSummary(summary: HeapSummary): string[] {
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  const header = ["constructor / type", "objects", "self MiB", "share"];
  const rows = summary.groups.map((g) => [
    g.name.length > 48 ? `${g.name.slice(0, 45)}...` : g.name,
    g.count.toLocaleString("en-US"),
    mib(g.selfBytes),
    `${((g.selfBytes / summary.totalBytes) * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  return [
    `heap after the analysis: ${summary.nodes.toLocaleString("en-US")} objects, ${mib(summary.totalBytes)} MiB self size in all; the largest groups:`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ];
}
