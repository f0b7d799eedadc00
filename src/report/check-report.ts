/**
 * Stage 3 of a check, `render`: whatever became of a check (evaluated, stopped early, failed, timed out) as the report a
 * check run (or, under the Action without a check run, a workflow job) shows. Pure: one function, every branch of the
 * check's output in one place, so the stages before it only say what happened and the publisher only sends it.
 */
import type { Coverage } from "../core/coverage.js";
import type { Policy } from "../core/policy/policy.js";
import { isManifestPath } from "../core/source/load.js";
import type { Finding } from "../core/types.js";
import type { Verdict } from "../core/verdict.js";
import type { RouteView } from "../core/views.js";
import {
  renderCheckRun,
  renderInternalError,
  renderInvalidConfig,
  renderNoManifestChanges,
  renderSuperseded,
  type AcceptanceView,
  type CheckRunAction,
  type CheckRunReport,
} from "./check-run.js";
import { fencedBlock, truncateChars } from "./markdown.js";
import { renderTarballTooLarge } from "./tarball-too-large.js";
import { renderTimedOut } from "./timed-out.js";

/** What `evaluate` produced, as far as the report reads it. */
export interface EvaluatedCheck {
  analysis: {
    findings: readonly Finding[];
    routes: readonly RouteView[];
    removedRoutes: readonly RouteView[];
    coverage: Coverage;
    /** The environments analysed, when there were several. */
    environments?: readonly string[];
  };
  verdict: Verdict;
}

/** What `readInputs` read, as far as the report reads it. */
export interface ReadCheck {
  policy: Policy;
  base: { sha: string } | null;
  head: { files: readonly { path: string }[] };
  changes: { changed: readonly string[]; deleted: readonly string[] } | null;
  acceptances: { acceptances: readonly AcceptanceView[]; problem: string | null };
}

/** What became of a check. */
export type CheckOutcome =
  | { kind: "evaluated"; inputs: ReadCheck; evaluation: EvaluatedCheck }
  /** The trusted configuration is wrong: nothing passes until it is fixed. */
  | { kind: "invalid-config"; source: string; problems: readonly { path: string; problem: string; line?: number }[] }
  | { kind: "no-manifest-changes"; baseSha: string | null }
  /** A push made this head stale, before or during the check. */
  | { kind: "superseded"; newerSha: string }
  /** Anything went wrong: fail closed, saying what (a description safe to show). */
  | { kind: "failed"; problem: string }
  /** The job passed the analysis limit (`limit` as the title states it, e.g. `60 s`). */
  | { kind: "timed-out"; limit: string; activity: string | null }
  /** A commit's tarball was over the download limit and its tree listing truncated: what was left out cannot be named. */
  | { kind: "tarball-too-large"; limit: number; sha: string };

export interface RenderContext {
  repo: { owner: string; repo: string };
  headSha: string;
  subject:
    | { kind: "pull_request"; numbers: readonly number[] }
    | { kind: "merge_group"; baseRef: string }
    | { kind: "commit" };
  /** The repository's web address, for file links in the summary. */
  htmlUrl: string;
  ruleDocsUrl: (ruleId: string) => string;
  /**
   * Where the report is read: a check run (default; re-run with its button or `/mtls-gate recheck`), or a workflow job
   * that could not write one (the Action on a fork's pull request; re-run the job).
   */
  surface?: "check-run" | "workflow";
}

/** The check run's buttons; identifiers are GitHub's `requested_action.identifier` (at most 20 characters). */
export const CHECK_RUN_BUTTONS = {
  recheck: { label: "Re-check", description: "Run the mtls-gate check again", identifier: "recheck" },
  routes: { label: "Show routes", description: "Post the changed routes on the PR", identifier: "routes" },
  explainFailures: {
    label: "Explain failures",
    description: "Explain each failing route on the PR",
    identifier: "explain-failures",
  },
} as const;

/** A pull request's run: re-check and show routes, and explain failures when it fails. Other runs have none. */
export function buttonsFor(subject: RenderContext["subject"], conclusion: string): CheckRunAction[] {
  if (subject.kind !== "pull_request") return [];
  const { recheck, routes, explainFailures } = CHECK_RUN_BUTTONS;
  return [recheck, routes, ...(conclusion === "failure" ? [explainFailures] : [])];
}

export function renderCheckReport(outcome: CheckOutcome, context: RenderContext): CheckRunReport {
  const report = renderOutcome(outcome, context);
  // A run that overran gets no buttons (its failure is about the limit); a workflow job has none to show.
  if (outcome.kind === "timed-out" || context.surface === "workflow") return report;
  const actions = buttonsFor(context.subject, report.conclusion);
  return actions.length > 0 ? { ...report, actions } : report;
}

function renderOutcome(outcome: CheckOutcome, context: RenderContext): CheckRunReport {
  switch (outcome.kind) {
    case "evaluated":
      return renderEvaluated(outcome.inputs, outcome.evaluation, context);
    case "invalid-config":
      return renderInvalidConfig(outcome);
    case "no-manifest-changes":
      return renderNoManifestChanges({ headSha: context.headSha, baseSha: outcome.baseSha });
    case "superseded":
      return renderSuperseded({ headSha: context.headSha, newerSha: outcome.newerSha });
    case "failed":
      return context.surface === "workflow"
        ? renderWorkflowError(outcome.problem)
        : renderInternalError({ problem: outcome.problem });
    case "timed-out":
      return renderTimedOut({
        limit: outcome.limit,
        repository: `${context.repo.owner}/${context.repo.repo}`,
        headSha: context.headSha,
        activity: outcome.activity,
      });
    case "tarball-too-large":
      return renderTarballTooLarge({ limit: outcome.limit, sha: outcome.sha });
  }
}

function renderEvaluated(inputs: ReadCheck, evaluation: EvaluatedCheck, context: RenderContext): CheckRunReport {
  const { analysis, verdict } = evaluation;
  const { subject } = context;
  return renderCheckRun({
    findings: analysis.findings,
    failing: verdict.blocking,
    routes: analysis.routes,
    removedRoutes: analysis.removedRoutes,
    policy: inputs.policy,
    hasBase: inputs.base !== null,
    changedFiles: inputs.changes?.changed ?? inputs.head.files.map((f) => f.path),
    deletedFiles: (inputs.changes?.deleted ?? []).filter(isManifestPath),
    target:
      subject.kind === "merge_group"
        ? { kind: "merge_group", baseRef: subject.baseRef }
        : { kind: "pull_request", numbers: subject.kind === "pull_request" ? subject.numbers : [] },
    headSha: context.headSha,
    baseSha: inputs.base?.sha ?? null,
    ruleDocsUrl: context.ruleDocsUrl,
    fileUrl: fileUrlFor(context.htmlUrl, context.headSha),
    acceptances: inputs.acceptances.acceptances,
    ...(inputs.acceptances.problem ? { acceptanceProblem: inputs.acceptances.problem } : {}),
    coverage: analysis.coverage,
    coverageBlocking: verdict.coverage?.blocks ? verdict.coverage.reason : null,
    ...(analysis.environments ? { environments: analysis.environments } : {}),
  });
}

/** A link to a file's line at a commit, as the summary's tables and the command replies show it. */
export function fileUrlFor(htmlUrl: string, sha: string): (path: string, line: number) => string {
  return (path, line) => `${htmlUrl}/blob/${sha}/${path.split("/").map(encodeURIComponent).join("/")}#L${line}`;
}

/** The failure of a workflow job without a check run: no Re-run button or recheck command to point at. */
function renderWorkflowError(problem: string): CheckRunReport {
  return {
    conclusion: "failure",
    title: "Internal error: the analysis did not complete",
    summary: [
      "❌ **mtls-gate could not complete its analysis.** It cannot vouch for this change, so the check fails until a run completes.",
      "",
      fencedBlock(truncateChars(problem, 4000)),
      "",
      "Re-run this job to try again; the step's log has the details.",
    ].join("\n"),
    annotations: [],
  };
}
