/**
 * Rendering for a check, on `readInputs`' side: the tools run as child processes (src/render's sandbox, refusals and
 * limits, unchanged), and what comes out is plain data (`RenderedInput[]`) that `evaluate` analyses in its thread.
 */
import type { RenderedInput } from "../../core/render/rendered.js";
import { POLICY_PATH, type Policy } from "../../core/policy/policy.js";
import type { SourceFile } from "../../core/types.js";
import { environmentsOf, needsRendering } from "../../render/analyze.js";
import type { RenderCache } from "../../render/cache.js";
import {
  DEFAULT_RENDER_OPTIONS,
  renderEnvironments,
  type RenderOptions,
  type RenderResult,
} from "../../render/render.js";
import { repoTreeFromSources } from "../../render/repo.js";
import type { RenderTools } from "../../render/tools.js";
import { analysisSignal, noteActivity } from "../analysis-limit.js";

export interface AppRenderSettings {
  /** Where kustomize and helm are (`MTLS_GATE_KUSTOMIZE`, `MTLS_GATE_HELM`, PATH); a missing one is a finding. */
  tools: RenderTools;
  /** Time, output and render-count limits (default: the render layer's). */
  options?: Omit<RenderOptions, "tools" | "cache" | "cacheScope">;
  /**
   * The process's renders (the Gate's): checks of one repository share the renders of what they did not change,
   * base and head of one check included. Absent: every environment is rendered.
   */
  cache?: RenderCache<RenderResult>;
  /**
   * The time all renders of one check (head and base together) may take, in milliseconds: the Gate's default is half
   * the analysis limit (`MTLS_GATE_RENDER_BUDGET_MS`). A render past it ends as a `render-failed` finding and the rest
   * is analysed within the limit, instead of the whole check timing out. Absent: each render has only its own limit.
   */
  budgetMs?: number;
}

/** The rendered environments of both commits (plain data for `evaluate`). */
export interface RenderedCommits {
  head: RenderedInput[];
  /** Null without a base. */
  base: RenderedInput[] | null;
}

/**
 * Renders both commits when either has something to render (a base without kustomizations still gives its plain
 * input, so routes compare like with like); null when neither has, and the check is the plain analysis it always was.
 */
export async function renderCommits(
  base: readonly SourceFile[] | null,
  head: readonly SourceFile[],
  policy: Policy,
  settings: AppRenderSettings,
  /** `owner/name`: cached renders are this repository's own (see RenderOptions.cacheScope). */
  repository: string,
): Promise<RenderedCommits | null> {
  // Discovery sees every listed file (one left unread stays in its environment's plain files, so the analysis still
  // reports it); the sandbox gets only what was read.
  const headEnvironments = environmentsOf(repoTreeFromSources(head), policy);
  const baseEnvironments = base ? environmentsOf(repoTreeFromSources(base), policy) : [];
  const headTree = repoTreeFromSources(readable(head));
  const baseTree = base ? repoTreeFromSources(readable(base)) : null;
  if (!needsRendering(headEnvironments) && !needsRendering(baseEnvironments)) return null;
  const signal = analysisSignal();
  const options: RenderOptions = {
    ...DEFAULT_RENDER_OPTIONS,
    ...settings.options,
    tools: settings.tools,
    // Keyed by repository too, though the key already hashes every byte a render reads: a shared entry would let one
    // installation learn, by a check's speed, whether another's repository holds the same files.
    ...(settings.cache ? { cache: settings.cache, cacheScope: repository.toLowerCase() } : {}),
    // Past the job's analysis limit the run is reported timed out: its renders stop too, not 50 × 30 s later.
    ...(signal ? { signal } : {}),
    // One deadline for both commits: the head's renders come first (its verdict is what the check is for).
    ...(settings.budgetMs !== undefined ? { budget: { deadline: Date.now() + settings.budgetMs, budgetMs: settings.budgetMs } } : {}),
  };
  noteActivity(`rendering the kustomizations and charts of ${repository}`);
  return {
    head: await renderEnvironments(headTree, headEnvironments, options),
    base: baseTree ? await renderEnvironments(baseTree, baseEnvironments, options) : null,
  };
}

/**
 * What the reader actually downloaded: a file left unread (a limit, out of scope, too large) is not written into the
 * sandbox as an empty file, so a render that needs it fails instead of rendering something the repository does not say.
 */
function readable(files: readonly SourceFile[]): SourceFile[] {
  // The policy file is the gate's, not the cluster's: no render reads it, and a failed render of a root kustomization
  // must not count it among the manifests left unrendered.
  return files.filter((f) => f.path !== POLICY_PATH && f.unread === undefined && !(f.text === "" && (f.size ?? 0) > 0));
}
