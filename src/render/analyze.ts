/** Analysis with rendering: discover the environments, render them, analyse each, merge into one report. */
import {
  analyzeDiff,
  analyzeTree,
  type AnalysisOptions,
  type DiffAnalysis,
  type TreeAnalysis,
} from "../core/analyze.js";
import type { RenderedInput } from "../core/render/rendered.js";
import type { SourceFile } from "../core/types.js";
import { discoverEnvironments, type Environment } from "./discover-local.js";
import { mergeAnalyses } from "./merge.js";
import { renderEnvironments, type RenderOptions } from "./render.js";
import type { RepoTree } from "./repo.js";

export function environmentsOf(tree: RepoTree): Environment[] {
  const files: SourceFile[] = [...tree.files].map(([path, bytes]) => ({ path, text: bytes.toString("utf8") }));
  return discoverEnvironments(files).environments;
}

/** Whether anything in the tree is rendered (else the plain analysis is the whole answer). */
export function needsRendering(environments: readonly Environment[]): boolean {
  return environments.some((e) => e.kind !== "plain");
}

export async function analyzeTreeRendered(
  tree: RepoTree,
  files: readonly SourceFile[],
  options: AnalysisOptions,
  render: RenderOptions,
): Promise<TreeAnalysis> {
  const inputs = await renderEnvironments(tree, environmentsOf(tree), render);
  return mergeAnalyses(inputs.map((input) => analyzeTree(files, { ...options, render: input })));
}

export async function analyzeDiffRendered(
  base: { tree: RepoTree; files: readonly SourceFile[] },
  head: { tree: RepoTree; files: readonly SourceFile[] },
  options: AnalysisOptions,
  render: RenderOptions,
): Promise<DiffAnalysis> {
  const headInputs = await renderEnvironments(head.tree, environmentsOf(head.tree), render);
  const baseInputs = await renderEnvironments(base.tree, environmentsOf(base.tree), render);
  const analyses = headInputs.map((input) => {
    // An environment the base does not have is compared with the base's plain files alone (everything in it is new).
    const baseInput: RenderedInput = baseInputs.find((b) => b.environment === input.environment) ?? {
      environment: input.environment,
      files: [],
      plainFiles: baseInputs[0]?.plainFiles ?? [],
      diagnostics: baseInputs[0]?.diagnostics ?? [],
      unrendered: [],
    };
    return analyzeDiff(base.files, head.files, { ...options, render: input, baseRender: baseInput });
  });
  const merged = mergeAnalyses(analyses);
  return { ...merged, removedRoutes: analyses.flatMap((a) => a.removedRoutes) };
}
