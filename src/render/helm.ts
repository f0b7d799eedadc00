/**
 * Helm: `helm template` output maps back through its `# Source:` markers to the template, within it to the line that
 * writes the field when a line with the same keys in the same nesting can be found (else the resource's first line),
 * and a field that is a plain `{{ .Values.x }}` substitution to the key `x` of the values file that sets it.
 */
import type { RenderedFile, SourcePoint } from "../core/render/rendered.js";
import { sourceOfChartPath, type LocalDependency, type SourceChart } from "./chart-dependencies.js";
import { textOf, type RepoTree } from "./repo.js";
import {
  documentLines,
  kindAndName,
  lineOfPath,
  pathOnLine,
  type DocumentLines,
  type FieldPath,
} from "./yaml-lines.js";

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

function point(file: string, line: number, column = 1, endColumn = 2): SourcePoint {
  return { file, line, column, endColumn };
}

/** The template's sections between `---` lines (one per document it writes), as [first line, last line]. */
function sections(lines: readonly string[]): [number, number][] {
  const result: [number, number][] = [];
  let start = 1;
  lines.forEach((line, index) => {
    if (/^---\s*$/.test(line)) {
      result.push([start, index]);
      start = index + 2;
    }
  });
  result.push([start, lines.length]);
  return result.filter(([a, b]) => lines.slice(a - 1, b).some((l) => /^\s*[A-Za-z_"'-]/.test(l) && !/^\s*#/.test(l)));
}

/** The first line of a section that writes YAML (not blank, a comment or only template actions). */
function firstWritten(lines: readonly string[], [start, end]: [number, number]): number {
  for (let line = start; line <= end; line++) {
    const text = (lines[line - 1] ?? "").replace(/\{\{-?[\s\S]*?-?\}\}/g, "").trim();
    if (text !== "" && !text.startsWith("#")) return line;
  }
  return start;
}

/** The line in the section that writes `path`: each key found in order, each deeper than the previous. */
function templateLine(lines: readonly string[], [start, end]: [number, number], path: FieldPath): number | undefined {
  const keys = path.filter((p): p is string => typeof p === "string");
  if (keys.length === 0) return undefined;
  let line = start;
  let indent = -1;
  for (const key of keys) {
    let found = false;
    for (; line <= end; line++) {
      const match = /^(\s*)(?:-\s+)?(["']?)([^"':#]+)\2\s*:(\s|$)/.exec(lines[line - 1] ?? "");
      if (!match) continue;
      const depth = (match[1] ?? "").length;
      if (depth <= indent && keys.indexOf(key) > 0) return undefined;
      if (match[3] === key) {
        indent = depth;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
    if (key !== keys[keys.length - 1]) line++;
  }
  return line;
}

/** `{{ .Values.a.b }}` (quoted or piped to quote) as the whole value of a template line: ["a", "b"]. */
function plainSubstitution(line: string): string[] | undefined {
  const match = /:\s*["']?\{\{-?\s*\.Values\.([A-Za-z0-9_.]+)\s*(?:\|\s*quote\s*)?-?\}\}["']?\s*$/.exec(line);
  return match?.[1]?.split(".");
}

/**
 * Maps helm's output to the chart's files. `chartRoot` is the chart's directory in the repository; `valuesFiles` are
 * those given with -f (the chart's values.yaml is always read first); `dependencies` the `file://` charts copied into
 * its charts/, whose templates map to their own directories.
 */
export function mapHelmOutput(
  output: string,
  tree: RepoTree,
  chartRoot: string,
  valuesFiles: readonly string[],
  renderedPath: string,
  dependencies: readonly LocalDependency[] = [],
): RenderedFile {
  const prefix = chartRoot === "" ? "" : `${chartRoot}/`;
  const fallback = point(`${prefix}Chart.yaml`, 1);
  const outputLines = output.split("\n");
  const lines: (SourcePoint | null)[] = new Array(outputLines.length).fill(null);
  // Where each document's `# Source:` marker is, and how many documents of that template came before it.
  const sources: { line: number; template: string }[] = [];
  outputLines.forEach((line, index) => {
    const match = /^# Source: (.+)$/.exec(line);
    if (match?.[1]) sources.push({ line: index + 1, template: match[1].trim() });
  });
  const valuesDocs = new Map<string, DocumentLines | undefined>();
  const valuesDoc = (file: string) => {
    if (!valuesDocs.has(file)) {
      const text = textOf(tree, file);
      valuesDocs.set(file, text === undefined ? undefined : documentLines(text)[0]);
    }
    return valuesDocs.get(file);
  };
  /**
   * The values files a template's chart reads, lowest precedence first: its own values.yaml, then each parent's under
   * the subchart's key, then the -f files (under the same keys), as helm merges them.
   */
  const valuesOf = (chain: SourceChart["chain"]): ValuesSource[] => {
    const own = chain[chain.length - 1]?.keys ?? [];
    const files: ValuesSource[] = [...chain].reverse().map((chart) => {
      const file = `${chart.dir === "" ? "" : `${chart.dir}/`}values.yaml`;
      return { file, doc: valuesDoc(file), keys: own.slice(chart.keys.length) };
    });
    for (const file of valuesFiles) files.push({ file, doc: valuesDoc(file), keys: own });
    return files;
  };
  const seen = new Map<string, number>();
  const docs = documentLines(output);
  for (const doc of docs) {
    const marker = [...sources].reverse().find((s) => s.line < doc.startLine);
    if (!marker) continue;
    // `chart/templates/x.yaml` (or `chart/charts/sub/templates/x.yaml`): the chart's own directory replaces its name,
    // and a file:// dependency's copy under charts/ its directory in the repository.
    const source = sourceOfChartPath(chartRoot, dependencies, marker.template.split("/").slice(1).join("/"));
    const file = source.file;
    const text = textOf(tree, file);
    // Helm sorts what it writes by kind, not in the template's order: a document is matched to the sections that write
    // its kind (the n-th of that kind to the n-th such section), else to the n-th section.
    const kind = kindAndName(doc.value).kind;
    const counter = `${marker.template}\0${kind}`;
    const occurrence = seen.get(counter) ?? 0;
    seen.set(counter, occurrence + 1);
    const inTemplate = seen.get(marker.template) ?? 0;
    seen.set(marker.template, inTemplate + 1);
    if (text === undefined) continue;
    const templateLines = text.split(/\r?\n/);
    const all = sections(templateLines);
    const ofKind = all.filter(([a, b]) =>
      templateLines
        .slice(a - 1, b)
        .some((l) => new RegExp(`^kind:\\s*["']?${escapeRegExp(kind)}["']?\\s*(#.*)?$`).test(l)),
    );
    const section =
      (kind !== "" && ofKind.length > 0 ? ofKind[occurrence] : all[inTemplate]) ??
      ([1, templateLines.length] as [number, number]);
    const first = point(file, firstWritten(templateLines, section));
    for (let line = doc.startLine; line <= doc.endLine; line++) {
      const path = pathOnLine(doc, line);
      const at = path && path.length > 0 ? templateLine(templateLines, section, path) : undefined;
      if (at === undefined) {
        lines[line - 1] = first;
        continue;
      }
      const substituted = plainSubstitution(templateLines[at - 1] ?? "");
      const fromValues = substituted ? valuesKey(valuesOf(source.chain), substituted) : undefined;
      lines[line - 1] = fromValues ?? point(file, at);
    }
    if (marker.line >= 1) lines[marker.line - 1] = first;
  }
  return { path: renderedPath, text: output, lines, fallback };
}

interface ValuesSource {
  file: string;
  doc: DocumentLines | undefined;
  /** The keys the template's chart's values are under in this file (a subchart's name, for a parent's values). */
  keys: string[];
}

/** The line of `key` in the last values file that sets it (the one whose value helm used). */
function valuesKey(values: readonly ValuesSource[], key: string[]): SourcePoint | undefined {
  for (const { file, doc, keys } of [...values].reverse()) {
    if (!doc) continue;
    const path = [...keys, ...key];
    const line = lineOfPath(doc, path, true);
    if (line !== undefined && doc.lineOf.has(JSON.stringify(path))) return point(file, line);
  }
  return undefined;
}
