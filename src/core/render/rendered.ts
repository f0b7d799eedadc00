/**
 * What rendering (Kustomize, Helm: src/render, which runs the tools) hands to the pure core: the rendered output as
 * plain text, and for each of its lines the source line a person edits. The core analyses the rendered text like any
 * manifest, then moves every location it reports back to the sources with `remapLocation`. Plain data only, so it
 * crosses to the analysis thread by structured clone.
 */
import type { Location, MessageData } from "../types.js";

/** A place in the repository's own files. */
export interface SourcePoint {
  file: string;
  line: number;
  column: number;
  endColumn: number;
}

/** One environment's rendered output. `path` is synthetic (under the environment's root) and never shown. */
export interface RenderedFile {
  path: string;
  text: string;
  /** For rendered line n, `lines[n - 1]`: where it came from (null where nothing better than `fallback` is known). */
  lines: (SourcePoint | null)[];
  /** Where anything unmapped points: the kustomization or the Chart.yaml. */
  fallback: SourcePoint;
}

/** The rules a render problem reports through (src/core/rules/render-*.ts). */
export type RenderRuleId = "kustomize-patch-no-target" | "render-failed" | "render-refused" | "render-unavailable";

/** A render that did not happen or did not finish, found before or while running the tool. */
export interface RenderDiagnostic {
  rule: RenderRuleId;
  /** One of the rule's `meta.messages`. */
  messageId: string;
  location: Location;
  /** What identifies the problem (hashed into the fingerprint): the environment, the reference refused, the limit. */
  identity: MessageData;
  /** What describes it (the tool's message, the limit's value): shown, never hashed. */
  display: MessageData;
}

/** A source file the analysis leaves out because the render that would have read it did not run. */
export interface UnrenderedFile {
  path: string;
  /** Why: "kustomize not installed", "render refused", "render failed". */
  why: string;
}

/** Everything an analysis of one environment needs beyond the repository's files. */
export interface RenderedInput {
  /** The environment's name, carried by its findings, routes and hosts. */
  environment: string;
  /** The rendered output of this environment (none when its render failed). */
  files: RenderedFile[];
  /**
   * The repository's files analysed as they are beside the rendered output (plain YAML no kustomization or chart
   * includes). Every other manifest file is either rendered or listed in `unrendered`.
   */
  plainFiles: string[];
  diagnostics: RenderDiagnostic[];
  unrendered: UnrenderedFile[];
}

/**
 * Moves a location in rendered output back to the source: the mapped line of its first line (a range spanning
 * several rendered lines collapses to that one line, since the next rendered line may come from another file). A
 * location outside rendered output is returned as it is.
 */
export function remapLocation<T extends Location>(location: T, files: ReadonlyMap<string, RenderedFile>): T {
  const rendered = files.get(location.file);
  if (!rendered) return location;
  const point = rendered.lines[location.line - 1] ?? rendered.fallback;
  return {
    ...location,
    file: point.file,
    line: point.line,
    column: point.column,
    endLine: point.line,
    endColumn: point.endColumn,
  };
}

/**
 * Moves the `file:line` references a message or a display value names (the handshake rules name the upstream's Secret
 * and its issuer's CA where they are written) from rendered output back to the sources, as the finding's own location.
 */
export function remapText(text: string, files: ReadonlyMap<string, RenderedFile>): string {
  let result = text;
  for (const path of files.keys()) {
    if (!result.includes(path)) continue;
    result = result.split(path).reduce((done, part, index) => {
      if (index === 0) return part;
      const line = /^:(\d+)/.exec(part);
      if (!line) return `${done}${path}${part}`;
      const point = remapFileLine(path, Number(line[1]), files);
      return `${done}${point.file}:${point.line}${part.slice(line[0].length)}`;
    }, "");
  }
  return result;
}

/** A finding's message and display data with their `file:line` references (and `…File`/`…Line` pairs) on the sources. */
export function remapFindingText<T extends { message: string; data: MessageData }>(
  finding: T,
  files: ReadonlyMap<string, RenderedFile>,
): T {
  if (![...files.keys()].some((path) => finding.message.includes(path) || JSON.stringify(finding.data).includes(path)))
    return finding;
  const data: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(finding.data)) {
    data[key] = typeof value === "string" ? remapText(value, files) : value;
  }
  for (const [key, value] of Object.entries(finding.data)) {
    const lineKey = key.endsWith("File") ? `${key.slice(0, -4)}Line` : undefined;
    const line = lineKey === undefined ? undefined : finding.data[lineKey];
    if (typeof value !== "string" || typeof line !== "number" || !files.has(value)) continue;
    const point = remapFileLine(value, line, files);
    data[key] = point.file;
    data[lineKey as string] = point.line;
  }
  return { ...finding, message: remapText(finding.message, files), data };
}

/** The file and line a rendered position maps to, for views that carry only `file` and `line`. */
export function remapFileLine(
  file: string,
  line: number,
  files: ReadonlyMap<string, RenderedFile>,
): { file: string; line: number } {
  const rendered = files.get(file);
  if (!rendered) return { file, line };
  const point = rendered.lines[line - 1] ?? rendered.fallback;
  return { file: point.file, line: point.line };
}
