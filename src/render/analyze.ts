/** Analysis with rendering: discover the environments, render them, analyse each, merge into one report. */
import type { AnalysisOptions, DiffAnalysis, TreeAnalysis } from "../core/analyze.js";
import type { SourceFile } from "../core/types.js";
import { discoverEnvironments, type Environment } from "../core/environments/discover.js";
import { loadPolicy } from "../core/policy/load.js";
import type { Policy } from "../core/policy/policy.js";
import { analyzeDiffEnvironments, analyzeTreeEnvironments } from "./analyze-environments.js";
import { renderEnvironments, type RenderOptions } from "./render.js";
import type { RepoTree } from "./repo.js";

/** The environments of a tree under a policy (its `render.*` keys): the core's discovery. */
export function environmentsOf(tree: RepoTree, policy: Policy = loadPolicy(undefined).policy): Environment[] {
  const files: SourceFile[] = [...tree.files].map(([path, bytes]) => ({ path, text: bytes.toString("utf8") }));
  return discoverEnvironments(files, policy).environments;
}

/** The policy discovery follows: the caller's trusted one, else the policy file it read, else the defaults. */
export function discoveryPolicy(options: AnalysisOptions): Policy {
  return options.policy ?? loadPolicy(options.policyFile?.text).policy;
}

/** The environments `--env` keeps: all when none is named, else those named (the caller checked the names). */
function selected(environments: Environment[], only: readonly string[] | undefined): Environment[] {
  return only === undefined ? environments : environments.filter((e) => only.includes(e.name));
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
  only?: readonly string[],
): Promise<TreeAnalysis> {
  const inputs = await renderEnvironments(tree, selected(environmentsOf(tree, discoveryPolicy(options)), only), render);
  return analyzeTreeEnvironments(files, options, inputs);
}

export async function analyzeDiffRendered(
  base: { tree: RepoTree; files: readonly SourceFile[] },
  head: { tree: RepoTree; files: readonly SourceFile[] },
  options: AnalysisOptions,
  render: RenderOptions,
  only?: readonly string[],
): Promise<DiffAnalysis> {
  const headInputs = await renderEnvironments(
    head.tree,
    selected(environmentsOf(head.tree, discoveryPolicy(options)), only),
    render,
  );
  const baseInputs = await renderEnvironments(
    base.tree,
    selected(environmentsOf(base.tree, discoveryPolicy(options)), only),
    render,
  );
  return analyzeDiffEnvironments(
    { files: base.files, inputs: baseInputs },
    { files: head.files, inputs: headInputs },
    options,
  );
}
