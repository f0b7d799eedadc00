import { analyzeDiff, analyzeTree, manifestScope, type TreeAnalysis } from "../core/analyze.js";
import { decide } from "../core/verdict.js";
import { POLICY_PATH, type Policy } from "../core/policy/policy.js";
import { DEFAULT_LOAD_LIMITS, isManifestPath } from "../core/source/load.js";
import type { LoadLimits } from "../core/limits.js";
import type { RouteView } from "../core/views.js";
import {
  renderCheckRun,
  renderInternalError,
  renderInvalidConfig,
  renderNoManifestChanges,
  renderSuperseded,
  type CheckRunReport,
} from "../report/check-run.js";
import { renderTarballTooLarge } from "../report/tarball-too-large.js";
import { analysisSignal, noteActivity } from "./analysis-limit.js";
import { analyseForCheck, type AnalysisInput, type CheckAnalysis } from "./analysis-pool.js";
import type { BlobCache } from "./blob-cache.js";
import { completeCheckRun, type CheckRunAction } from "./check-run-publisher.js";
import { ACTIONS } from "./check-run-actions.js";
import type { AcceptanceState } from "./commands/acceptances.js";
import type { CheckTarget } from "./check-target.js";
import type { GitHubClient } from "./github-client.js";
import {
  listCommit,
  newReadStats,
  readListing,
  TarballTooLargeError,
  type ReaderOptions,
  type ReadStats,
  type TreeListing,
} from "./github-reader.js";
import { loadTrustedConfig, type ConfigReader } from "./trusted-config.js";
import { failSiblings, reportWithSiblings, siblingRuns, type SiblingRun } from "./head-verdicts.js";

export interface GateSettings {
  cache: BlobCache;
  now: () => Date;
  reader: Omit<ReaderOptions, "cache" | "limits" | "inScope" | "signal">;
  ruleDocsUrl: (ruleId: string) => string;
  /** The analysis limits (`MTLS_GATE_MAX_*`, see src/core/limits.ts). */
  limits: LoadLimits;
  /**
   * Runs the core's analysis: the Gate's thread pool (off the event loop, ended at the job's analysis limit, whose
   * signal it is given); without one, in this thread.
   */
  analyse?: (input: AnalysisInput, signal?: AbortSignal) => Promise<CheckAnalysis>;
}

export const DEFAULT_READER: GateSettings["reader"] = {
  maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes,
  tarballThreshold: 20,
  concurrency: 8,
};

export interface CheckJob extends AnalysisRequest {
  checkRunId: number;
  /** The repository's web address, for file links in the summary. */
  htmlUrl: string;
  /** Acceptances recorded on the pull request(s) by `/mtls-gate accept`. */
  readAcceptances: () => Promise<AcceptanceState>;
  /** The newer head SHA when a push superseded the one this job checks. */
  supersededBy?: () => Promise<string | null>;
  /** This app's id, to find its runs for other pull requests with the same head (null: unknown, none are read). */
  appId?: number | null;
  log: { info: (data: object, message: string) => void; error: (data: object, message: string) => void };
}

/**
 * Analyses and completes one check run. Whatever happens, the run ends completed: an error becomes an `Internal error`
 * failure that says how to re-run, never an in-progress run that hangs or a false green.
 */
export async function runCheck(job: CheckJob, settings: GateSettings): Promise<ReadStats> {
  const stats = newReadStats();
  const { octokit, target, checkRunId } = job;
  let report: CheckRunReport;
  try {
    const before = await job.supersededBy?.();
    report = before
      ? renderSuperseded({ headSha: target.headSha, newerSha: before })
      : await analyse(job, settings, stats);
    // A push during the analysis makes this verdict stale: say so rather than publish it.
    const after = before ? null : await job.supersededBy?.();
    if (after) report = renderSuperseded({ headSha: target.headSha, newerSha: after });
  } catch (error) {
    job.log.error({ err: describeError(error), headSha: target.headSha }, "mtls-gate analysis failed");
    report =
      error instanceof TarballTooLargeError
        ? renderTarballTooLarge({ limit: error.limit, sha: error.sha })
        : renderInternalError({ problem: describeError(error) });
  }
  let siblings: SiblingRun[] = [];
  if (report.conclusion !== "cancelled") {
    try {
      siblings = await siblingRuns(octokit, target.repo, target, job.appId ?? null);
    } catch (error) {
      job.log.error(
        { err: describeError(error), checkRunId },
        "could not read the runs of other pull requests with this head",
      );
    }
  }
  const own = report;
  report = reportWithSiblings(report, target, siblings);
  try {
    await completeCheckRun(octokit, target.repo, checkRunId, report, settings.now, actionsFor(target, report));
    await failSiblings(octokit, target.repo, target, own, siblings, settings.now());
  } catch (error) {
    job.log.error({ err: describeError(error), checkRunId }, "could not publish the check run result");
    // One last attempt with the smallest possible update: a run must never stay in progress.
    await completeCheckRun(
      octokit,
      target.repo,
      checkRunId,
      renderInternalError({ problem: describeError(error) }),
      settings.now,
    );
  }
  job.log.info({ checkRunId, conclusion: report.conclusion, ...stats }, "mtls-gate check completed");
  return stats;
}

export type Prepared<A extends CheckAnalysis = CheckAnalysis> =
  | { kind: "invalid-config"; report: CheckRunReport }
  | { kind: "no-manifest-changes"; baseSha: string | null }
  | {
      kind: "analysed";
      analysis: A;
      removedRoutes: RouteView[];
      policy: Policy;
      baseSha: string | null;
      hasBase: boolean;
      changes: Changes | null;
      headPaths: string[];
    };

export interface AnalysisRequest {
  octokit: GitHubClient;
  target: CheckTarget;
  readConfig: ConfigReader;
}

/**
 * The trusted policy, the merge base, both trees and the differential analysis: what a check and the comment commands
 * both need. With `skipUnchanged`, a change that touches no manifest is not analysed (nor its blobs read).
 */
export function prepareAnalysis(
  request: AnalysisRequest,
  settings: GateSettings,
  stats: ReadStats,
  skipUnchanged: boolean,
): Promise<Prepared> {
  const analyse = settings.analyse;
  return prepareWith(request, settings, stats, skipUnchanged, (input) =>
    analyse ? analyse(input, analysisSignal()) : Promise.resolve(analyseForCheck(input)),
  );
}

/**
 * The same, with the core's whole analysis (the model and simulation `explain` reads), run in this thread: the comment
 * commands `explain` and `routes` and the "Explain failures" button still analyse on the event loop.
 */
export function prepareFullAnalysis(
  request: AnalysisRequest,
  settings: GateSettings,
  stats: ReadStats,
  skipUnchanged: boolean,
): Promise<Prepared<FullAnalysis>> {
  return prepareWith(request, settings, stats, skipUnchanged, async (input) => {
    const options = { ...input.options, now: new Date(input.options.now) };
    const diff = input.baseFiles ? analyzeDiff(input.baseFiles, input.headFiles, options) : null;
    return { ...(diff ?? analyzeTree(input.headFiles, options)), removedRoutes: diff?.removedRoutes ?? [] };
  });
}

export type FullAnalysis = TreeAnalysis & CheckAnalysis;

async function prepareWith<A extends CheckAnalysis>(
  request: AnalysisRequest,
  settings: GateSettings,
  stats: ReadStats,
  skipUnchanged: boolean,
  analyse: (input: AnalysisInput) => Promise<A>,
): Promise<Prepared<A>> {
  const { octokit, target } = request;
  const config = await loadTrustedConfig(request.readConfig);
  if (!config.valid) return { kind: "invalid-config", report: renderInvalidConfig(config) };
  const policy = config.policy;

  const described = `${target.repo.owner}/${target.repo.repo} at ${target.headSha}`;
  noteActivity(`reading ${described} from GitHub`);
  const baseSha = await baseOf(request);
  const signal = analysisSignal();
  const reader: ReaderOptions = {
    ...settings.reader,
    cache: settings.cache,
    limits: settings.limits,
    inScope: manifestScope(policy),
    ...(signal ? { signal } : {}),
  };
  const headListing = await listCommit(octokit, target.repo, target.headSha, stats);
  const baseListing = baseSha ? await listCommit(octokit, target.repo, baseSha, stats) : null;

  let changes = baseListing ? changedPaths(blobMap(baseListing), blobMap(headListing)) : null;
  if (skipUnchanged && changes && !touchesManifests(changes)) return { kind: "no-manifest-changes", baseSha };

  const head = await readListing(octokit, target.repo, headListing, reader, stats);
  const base = baseListing ? await readListing(octokit, target.repo, baseListing, reader, stats) : null;
  if (base && !changes) {
    // A truncated tree listed nothing: the tarballs tell what changed.
    changes = changedPaths(base.blobs, head.blobs);
    if (skipUnchanged && changes && !touchesManifests(changes)) return { kind: "no-manifest-changes", baseSha };
  }

  const input: AnalysisInput = {
    baseFiles: base?.files ?? null,
    headFiles: head.files,
    options: { policy, now: settings.now().toISOString(), validatePolicyFile: true, limits: settings.limits },
  };
  noteActivity(
    `analysing ${described}: ${head.files.length} file${head.files.length === 1 ? "" : "s"} ` +
      `(${kib(head.files)} KiB)` +
      (base && baseSha ? ` against the merge base ${baseSha} (${base.files.length} files, ${kib(base.files)} KiB)` : ""),
  );
  const analysis = await analyse(input);
  noteActivity(`publishing the verdict on ${described}`);
  return {
    kind: "analysed",
    analysis,
    removedRoutes: analysis.removedRoutes,
    policy,
    baseSha,
    hasBase: base !== null,
    changes,
    headPaths: head.files.map((f) => f.path),
  };
}

function kib(files: readonly { text: string; size?: number }[]): number {
  return Math.ceil(files.reduce((sum, f) => sum + (f.size ?? f.text.length), 0) / 1024);
}

async function analyse(job: CheckJob, settings: GateSettings, stats: ReadStats): Promise<CheckRunReport> {
  const prepared = await prepareAnalysis(job, settings, stats, true);
  return reportFor(
    prepared,
    job.target,
    settings,
    job.htmlUrl,
    prepared.kind === "analysed" ? await job.readAcceptances() : NO_ACCEPTANCES,
  );
}

export const NO_ACCEPTANCES: AcceptanceState = { acceptances: [], handledCommands: new Set(), problem: null };

/** The check run's output for a prepared analysis: the verdict uses the trusted policy, minus accepted findings. */
export function reportFor(
  prepared: Prepared,
  target: CheckTarget,
  settings: Pick<GateSettings, "ruleDocsUrl">,
  htmlUrl: string,
  state: AcceptanceState,
): CheckRunReport {
  if (prepared.kind === "invalid-config") return prepared.report;
  if (prepared.kind === "no-manifest-changes")
    return renderNoManifestChanges({ headSha: target.headSha, baseSha: prepared.baseSha });
  const { analysis, policy, changes } = prepared;
  const { acceptances } = state;
  const verdict = decide(analysis.findings, policy, {
    hasBase: prepared.hasBase,
    acceptances,
    coverage: analysis.coverage,
    changedFiles: changes?.changed ?? prepared.headPaths,
  });
  const failing = verdict.blocking;
  return renderCheckRun({
    findings: analysis.findings,
    failing,
    routes: analysis.routes,
    removedRoutes: prepared.removedRoutes,
    policy,
    hasBase: prepared.hasBase,
    changedFiles: changes?.changed ?? prepared.headPaths,
    deletedFiles: (changes?.deleted ?? []).filter(isManifestPath),
    target:
      target.subject.kind === "merge_group"
        ? { kind: "merge_group", baseRef: target.subject.baseRef }
        : { kind: "pull_request", numbers: target.subject.kind === "pull_request" ? target.subject.numbers : [] },
    headSha: target.headSha,
    baseSha: prepared.baseSha,
    ruleDocsUrl: settings.ruleDocsUrl,
    fileUrl: fileUrlFor(htmlUrl, target.headSha),
    acceptances,
    ...(state.problem ? { acceptanceProblem: state.problem } : {}),
    coverage: analysis.coverage,
    coverageBlocking: verdict.coverage?.blocks ? verdict.coverage.reason : null,
  });
}

export function fileUrlFor(htmlUrl: string, sha: string): (path: string, line: number) => string {
  return (path, line) => `${htmlUrl}/blob/${sha}/${path.split("/").map(encodeURIComponent).join("/")}#L${line}`;
}

/** The run's buttons: on a pull request, re-check and show routes, and explain failures when it failed. */
function actionsFor(target: CheckTarget, report: CheckRunReport): CheckRunAction[] {
  if (target.subject.kind !== "pull_request") return [];
  return [ACTIONS.recheck, ACTIONS.routes, ...(report.conclusion === "failure" ? [ACTIONS.explainFailures] : [])];
}

/** What the change is measured against: the merge base for a pull request (as GitHub's diff is), the queue's base. */
async function baseOf({ octokit, target }: AnalysisRequest): Promise<string | null> {
  const { subject } = target;
  if (subject.kind === "merge_group") return subject.baseSha;
  if (subject.kind !== "pull_request") return null;
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    ...target.repo,
    basehead: `${subject.baseSha}...${target.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

function blobMap(listing: TreeListing): Map<string, string> | null {
  return listing.entries ? new Map(listing.entries.map((e) => [e.path, e.sha])) : null;
}

export interface Changes {
  changed: string[];
  deleted: string[];
}

function changedPaths(base: Map<string, string> | null, head: Map<string, string> | null): Changes | null {
  if (!base || !head) return null;
  const changed = [...head].filter(([path, sha]) => base.get(path) !== sha).map(([path]) => path);
  const deleted = [...base.keys()].filter((path) => !head.has(path));
  return { changed, deleted };
}

function touchesManifests(changes: Changes): boolean {
  return [...changes.changed, ...changes.deleted].some((path) => isManifestPath(path) || path === POLICY_PATH);
}

/** A short description safe to show: HTTP failures by status and endpoint, anything else by its error class only. */
export function describeError(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const request = (error as { request?: { method?: string; url?: string } }).request;
  if (typeof status === "number" && request?.url) {
    const path = new URL(request.url).pathname;
    return `GitHub API answered ${status} to ${request.method ?? "a request"} ${path}`;
  }
  // Its message holds only a SHA and the limit, and names the variable that raises it.
  if (error instanceof TarballTooLargeError) return error.message;
  return error instanceof Error ? `${error.name} in the analysis` : "unknown failure";
}
