/**
 * The pure half of a rendered analysis: each environment's `RenderedInput` analysed by the core, then merged into one
 * report. No tool runs here (no child_process, no fs), so the app's analysis thread imports it; the CLI renders first
 * (analyze.ts) and calls the same functions.
 */
import {
  analyzeDiff,
  analyzeTree,
  type AnalysisOptions,
  type DiffAnalysis,
  type TreeAnalysis,
} from "../core/analyze.js";
import type { RenderedInput } from "../core/render/rendered.js";
import type { SourceFile } from "../core/types.js";
import { mergeAnalyses } from "./merge.js";

/** One analysis per rendered environment of one tree, merged. */
export function analyzeTreeEnvironments(
  files: readonly SourceFile[],
  options: AnalysisOptions,
  inputs: readonly RenderedInput[],
): TreeAnalysis {
  return mergeAnalyses(inputs.map((input) => analyzeTree(files, { ...options, render: input })));
}

/** One differential analysis per head environment (against the base's render of the same one), merged. */
export function analyzeDiffEnvironments(
  base: { files: readonly SourceFile[]; inputs: readonly RenderedInput[] },
  head: { files: readonly SourceFile[]; inputs: readonly RenderedInput[] },
  options: AnalysisOptions,
): DiffAnalysis {
  const analyses = head.inputs.map((input) => {
    // An environment the base does not have is compared with the base's plain files alone (everything in it is new).
    const baseInput: RenderedInput = base.inputs.find((b) => b.environment === input.environment) ?? {
      environment: input.environment,
      files: [],
      plainFiles: base.inputs[0]?.plainFiles ?? [],
      diagnostics: base.inputs[0]?.diagnostics ?? [],
      unrendered: [],
    };
    return analyzeDiff(base.files, head.files, { ...options, render: input, baseRender: baseInput });
  });
  // An environment the head no longer has: every route it rendered is removed (its head is the plain files alone).
  const gone = base.inputs
    .filter((b) => b.files.length > 0 && !head.inputs.some((h) => h.environment === b.environment))
    .map((b) => analyzeDiff(base.files, head.files, { ...options, render: { ...b, files: [] }, baseRender: b }));
  // The merge names each removed route's environment, as it names each route's (none with one environment).
  const merged = mergeAnalyses(analyses);
  const several = analyses.length > 1;
  const removed = gone.flatMap((a) =>
    a.removedRoutes.map(({ environment, ...route }) =>
      several && environment !== undefined ? { ...route, environment } : route,
    ),
  );
  return { ...merged, removedRoutes: [...merged.removedRoutes, ...removed] };
}
