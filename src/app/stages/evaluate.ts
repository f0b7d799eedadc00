/**
 * Stage 2 of a check, `evaluate`: the core's differential analysis and verdict over what `readInputs` read. Pure (no
 * GitHub, no clock, no process state) and structured-cloneable both ways, so the app runs it in an analysis thread
 * (analysis-worker.ts) and webhook acknowledgements and queue lock renewals carry on while a large tree is analysed.
 */
import { analyzeDiff, analyzeTree, type TreeAnalysis } from "../../core/analyze.js";
import { certificateInventory, type InventoryCertificate } from "../../core/certificate-inventory.js";
import { explain, type ExplainResult } from "../../core/explain.js";
import type { LoadLimits } from "../../core/limits.js";
import type { Policy } from "../../core/policy/policy.js";
import type { SourceFile } from "../../core/types.js";
import { decide, type Verdict } from "../../core/verdict.js";
import type { RouteView } from "../../core/views.js";
import { remapFileLine, remapLocation, type RenderedFile, type RenderedInput } from "../../core/render/rendered.js";
import { analyzeDiffEnvironments, analyzeTreeEnvironments } from "../../render/analyze-environments.js";
import type { AcceptanceState } from "../commands/acceptances.js";

/** What changed between the base and the head (blob SHAs compared), or null when it could not be listed. */
export interface Changes {
  changed: string[];
  deleted: string[];
}

/** Everything a check reads from GitHub, as plain data: the output of `readInputs`, the input of `evaluate`. */
export interface CheckInputs {
  /** The trusted policy (the default branch's `.github/mtls-gate.yml`), never the pull request's. */
  policy: Policy;
  /** The merge base (a pull request) or the queue's base (a merge group) and its manifests; null: the head alone. */
  base: { sha: string; files: SourceFile[] } | null;
  head: { sha: string; files: SourceFile[] };
  changes: Changes | null;
  /** Acceptances recorded by `/mtls-gate accept` (none where they are not read: commands, the Action). */
  acceptances: AcceptanceState;
  /**
   * The rendered environments (Kustomize, Helm) of both commits, when either has any: rendered by `readInputs` (child
   * processes stay out of the thread), analysed one by one here and merged. Absent: the plain analysis.
   */
  render?: { head: RenderedInput[]; base: RenderedInput[] | null };
}

/** Route explanations `evaluate` adds (they need the model, which never leaves the analysis thread). */
export type ExplainRequest =
  /** `/mtls-gate explain <route>`. */
  | { queries: string[] }
  /** "Explain failures": the routes carrying a blocking finding, at most this many. */
  | { failingRoutes: number };

export interface EvaluateSettings {
  /** ISO 8601: certificate expiry is measured against it. */
  now: string;
  limits: LoadLimits;
  /** Findings on the trusted policy file itself (the app: true). */
  validatePolicyFile: boolean;
  explain?: ExplainRequest;
  /** The certificates the head's routes and Hosts use (scans of the default branch: metrics, dashboard). */
  inventory?: boolean;
}

/** What the check run and the comment commands read of an analysis: plain, structured-cloneable data. */
export interface CheckAnalysis extends Pick<
  TreeAnalysis,
  "findings" | "routes" | "hosts" | "policy" | "stats" | "coverage"
> {
  removedRoutes: RouteView[];
  /** The head's rendered environments when there were several (findings and routes then name theirs). */
  environments?: string[];
}

export interface Evaluation {
  analysis: CheckAnalysis;
  /** The trusted policy's verdict, minus accepted findings (src/core/verdict.ts). */
  verdict: Verdict;
  /** `namespace/name` of every Mapping carrying a blocking finding, in finding order. */
  failingRoutes: string[];
  /** The explanations asked for (`settings.explain`), in order. */
  explanations: ExplainResult[];
  /** Asked for by `settings.inventory`: the certificates in Git the head's routes and Hosts use. */
  certificates?: InventoryCertificate[];
}

/** One job for an analysis thread: exactly what `evaluate` takes. */
export interface EvaluateRequest {
  inputs: CheckInputs;
  settings: EvaluateSettings;
}

/** `analyzeDiff` (or `analyzeTree` without a base), then `decide`. */
export function evaluate(inputs: CheckInputs, settings: EvaluateSettings): Evaluation {
  const options = {
    policy: inputs.policy,
    now: new Date(settings.now),
    validatePolicyFile: settings.validatePolicyFile,
    limits: settings.limits,
  };
  const { render } = inputs;
  const diff = !inputs.base
    ? null
    : render
      ? analyzeDiffEnvironments(
          { files: inputs.base.files, inputs: render.base ?? [] },
          { files: inputs.head.files, inputs: render.head },
          options,
        )
      : analyzeDiff(inputs.base.files, inputs.head.files, options);
  const full =
    diff ??
    (render
      ? analyzeTreeEnvironments(inputs.head.files, options, render.head)
      : analyzeTree(inputs.head.files, options));
  const analysis: CheckAnalysis = {
    findings: full.findings,
    routes: full.routes,
    hosts: full.hosts,
    policy: full.policy,
    stats: full.stats,
    coverage: full.coverage,
    removedRoutes: diff?.removedRoutes ?? [],
    ...(render && render.head.length > 1 ? { environments: render.head.map((input) => input.environment) } : {}),
  };
  const verdict = judge(analysis, inputs);
  const failingRoutes = failingRoutesOf(verdict);
  const request = settings.explain;
  const queries = !request
    ? []
    : "queries" in request
      ? request.queries
      : failingRoutes.slice(0, request.failingRoutes);
  const explanations = queries.map((query) => explain(full, query));
  const located = render ? explanations.map(onSources(render.head)) : explanations;
  if (!settings.inventory) return { analysis, verdict, failingRoutes, explanations: located };
  const certificates = certificateInventory(full, options.now);
  return {
    analysis,
    verdict,
    failingRoutes,
    explanations: located,
    certificates: render ? inventoryOnSources(certificates, render.head) : certificates,
  };
}

/**
 * A rendered environment's certificates sit in the rendered output (`.mtls-gate-rendered/…`): the dashboard links them,
 * so each is moved back to the source line it came from, as findings are.
 */
export function inventoryOnSources(
  certificates: readonly InventoryCertificate[],
  inputs: readonly RenderedInput[],
): InventoryCertificate[] {
  const files = renderedFilesByPath(inputs);
  return certificates.map((c) => ({ ...c, ...remapFileLine(c.file, c.line, files) }));
}

/**
 * An explanation's chain points into the model, which for a rendered environment is the rendered output: its
 * locations are moved back to the source lines, as the findings' and routes' already are.
 */
function onSources(inputs: readonly RenderedInput[]): (result: ExplainResult) => ExplainResult {
  const files = renderedFilesByPath(inputs);
  return (result) =>
    result.kind !== "found"
      ? result
      : {
          ...result,
          explanation: {
            ...result.explanation,
            steps: result.explanation.steps.map((step) =>
              step.at ? { ...step, at: remapLocation(step.at, files) } : step,
            ),
          },
        };
}

/** The verdict of an analysis under the trusted policy, with the acceptances in force. */
export function judge(
  analysis: Pick<CheckAnalysis, "findings" | "coverage">,
  inputs: {
    policy: Policy;
    base: object | null;
    head: { files: readonly { path: string }[] };
    changes: Changes | null;
    acceptances: Pick<AcceptanceState, "acceptances">;
  },
): Verdict {
  return decide(analysis.findings, inputs.policy, {
    hasBase: inputs.base !== null,
    acceptances: inputs.acceptances.acceptances,
    coverage: analysis.coverage,
    // Known by blob SHA: a changed file a per-commit limit left unread fails the check closed.
    changedFiles: inputs.changes?.changed ?? inputs.head.files.map((f) => f.path),
  });
}

function failingRoutesOf(verdict: Verdict): string[] {
  const routes = verdict.blocking
    .filter((f) => /^(TCP)?Mapping\//.test(f.resource ?? ""))
    .map((f) => (f.resource ?? "").split("/").slice(1).join("/"));
  return [...new Set(routes)];
}

/** Every environment's rendered files by their path, which is what a rendered location names. */
function renderedFilesByPath(inputs: readonly RenderedInput[]): Map<string, RenderedFile> {
  return new Map(inputs.flatMap((i) => i.files.map((f) => [f.path, f] as const)));
}
