/**
 * Helm: `helm template` output maps back through its `# Source:` markers to the template, within it to the line that
 * writes the field when a line with the same keys in the same nesting can be found (else the resource's first line),
 * and a field that is a plain `{{ .Values.x }}` substitution to the key `x` of the values file that sets it.
 */
import type { RenderedFile, SourcePoint } from "../core/render/rendered.js";
import { textOf, type RepoTree } from "./repo.js";
import { documentLines, lineOfPath, pathOnLine, type DocumentLines, type FieldPath } from "./yaml-lines.js";

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
 * those given with -f (the chart's values.yaml is always read first).
 */
export function mapHelmOutput(
  output: string,
  tree: RepoTree,
  chartRoot: string,
  valuesFiles: readonly string[],
  renderedPath: string,
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
  const values = [`${prefix}values.yaml`, ...valuesFiles].flatMap((file) => {
    const text = textOf(tree, file);
    return text === undefined ? [] : [{ file, doc: documentLines(text)[0] }];
  });
  const seen = new Map<string, number>();
  const docs = documentLines(output);
  for (const doc of docs) {
    const marker = [...sources].reverse().find((s) => s.line < doc.startLine);
    if (!marker) continue;
    // `chart/templates/x.yaml` (or `chart/charts/sub/templates/x.yaml`): the chart's own directory replaces its name.
    const file = prefix + marker.template.split("/").slice(1).join("/");
    const text = textOf(tree, file);
    const occurrence = seen.get(marker.template) ?? 0;
    seen.set(marker.template, occurrence + 1);
    if (text === undefined) continue;
    const templateLines = text.split(/\r?\n/);
    const all = sections(templateLines);
    const section = all[occurrence] ?? ([1, templateLines.length] as [number, number]);
    const first = point(file, firstWritten(templateLines, section));
    for (let line = doc.startLine; line <= doc.endLine; line++) {
      const path = pathOnLine(doc, line);
      const at = path && path.length > 0 ? templateLine(templateLines, section, path) : undefined;
      if (at === undefined) {
        lines[line - 1] = first;
        continue;
      }
      const substituted = plainSubstitution(templateLines[at - 1] ?? "");
      const fromValues = substituted ? valuesKey(values, substituted) : undefined;
      lines[line - 1] = fromValues ?? point(file, at);
    }
    if (marker.line >= 1) lines[marker.line - 1] = first;
  }
  return { path: renderedPath, text: output, lines, fallback };
}

/** The line of `key` in the last values file that sets it (the one whose value helm used). */
function valuesKey(
  values: readonly { file: string; doc: DocumentLines | undefined }[],
  key: string[],
): SourcePoint | undefined {
  for (const { file, doc } of [...values].reverse()) {
    if (!doc) continue;
    const line = lineOfPath(doc, key, true);
    if (line !== undefined && doc.lineOf.has(JSON.stringify(key))) return point(file, line);
  }
  return undefined;
}
