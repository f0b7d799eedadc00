/**
 * A scan of a repository's default branch (on a push to it, on the `watch.schedule`, or when the dashboard's re-scan
 * box is ticked): the check's stages (read, evaluate, render, publish) on the branch's head alone, published as the
 * `mtls-gate` check run on that commit, then the metrics and the dashboard issue. A scan whose commit and trusted
 * configuration are those of the last one reuses its result: an idle repository costs the ref and the configuration.
 */
import { createHash } from "node:crypto";
import type { RouteMode } from "../../core/types.js";
import { renderCheckReport } from "../../report/check-report.js";
import { needsAttention, renderDashboard } from "../../report/dashboard.js";
import { analysisSignal, guardClient, withinAnalysisLimit } from "../analysis-limit.js";
import { completeCheckRun, openCheckRun } from "../check-run-publisher.js";
import { externalIdFor, type CheckTarget } from "../check-target.js";
import type { GitHubClient, RepoRef } from "../github-client.js";
import type { AppMetrics } from "../metrics.js";
import type { Evaluation } from "../stages/evaluate.js";
import { readInputs } from "../stages/read-inputs.js";
import { runStages, type StageSettings } from "../stages/run-stages.js";
import { readTrustedConfig } from "../trusted-config.js";
import {
  bodyDigest,
  dashboardMarker,
  syncDashboard,
  type AppIdentity,
  type DashboardChange,
} from "./dashboard-issue.js";
import type { ScanRecord, ScanState, ScanSummary } from "./scan-state.js";

export interface ScanRequest {
  installationId: number;
  repo: RepoRef;
  /** Known from the event or the installation's repository list; else asked for. */
  defaultBranch?: string;
  /** The branch's head when the event says (a push); else read from the branch. */
  headSha?: string;
  htmlUrl?: string;
  /** Analyse even when nothing changed (the dashboard's re-scan box). */
  force?: boolean;
}

export interface ScanDeps {
  settings: StageSettings;
  auth: (installationId: number) => Promise<GitHubClient>;
  identity: () => Promise<AppIdentity>;
  /** Signs the dashboard marker. */
  markerKey: Buffer;
  state: ScanState;
  metrics: AppMetrics;
  analysisTimeoutMs: number;
  log: { info: (data: object, message: string) => void; error: (data: object, message: string) => void };
}

export interface ScanOutcome {
  repository: string;
  sha: string;
  reused: boolean;
  checkRunId: number | null;
  dashboard: DashboardChange;
}

const MODES: readonly RouteMode[] = ["mtls", "tls", "plaintext"];

export async function runScan(deps: ScanDeps, request: ScanRequest): Promise<ScanOutcome> {
  const { repo } = request;
  const repository = `${repo.owner}/${repo.repo}`;
  const github = await deps.auth(request.installationId);
  let branch = request.defaultBranch;
  let htmlUrl = request.htmlUrl;
  if (!branch || !htmlUrl) {
    const { data } = await github.rest.repos.get({ ...repo });
    branch ??= data.default_branch;
    htmlUrl ??= data.html_url;
  }
  const sha = request.headSha ?? (await github.rest.git.getRef({ ...repo, ref: `heads/${branch}` })).data.object.sha;
  // The configuration is read once: its digest decides reuse, and the analysis is judged by the same text.
  let raw: unknown;
  let readError: unknown = null;
  try {
    raw = await readTrustedConfig(github, repo);
  } catch (error) {
    readError = error;
  }
  const policyKey = readError
    ? null
    : createHash("sha256")
        .update(JSON.stringify(raw ?? null))
        .digest("base64url");
  const last = await deps.state.get(repository);
  if (!request.force && last && policyKey !== null && last.sha === sha && last.policyKey === policyKey) {
    deps.metrics.recordScan(metricsOf(repository, last.summary));
    const dashboard = await refreshDashboard(deps, github, repo, last);
    if (dashboard.record !== last) await deps.state.set(repository, dashboard.record);
    return { repository, sha, reused: true, checkRunId: null, dashboard: dashboard.change };
  }

  const target: CheckTarget = { repo, headSha: sha, subject: { kind: "commit" }, fresh: true };
  const now = deps.settings.now();
  const context = { repo, headSha: sha, subject: target.subject, htmlUrl, ruleDocsUrl: deps.settings.ruleDocsUrl };
  let evaluation: Evaluation | null = null;
  let hasManifests = false;
  let policy: { schedule: ScanRecord["schedule"]; warningDays: number; dashboard: boolean } = {
    schedule: "daily",
    warningDays: 30,
    dashboard: true,
  };
  let checkRunId: number | null = null;
  guardClient(github);
  const limit = await withinAnalysisLimit(deps.analysisTimeoutMs, async () => {
    await runStages(
      { target, log: deps.log },
      {
        readInputs: async (t) => {
          const read = await readInputs(github, t, {
            reader: deps.settings.reader,
            limits: deps.settings.limits,
            skipUnchanged: false,
            acceptances: null,
            readConfig: async () => {
              if (readError) throw readError;
              return raw;
            },
          });
          if (read.kind === "read") {
            const p = read.inputs.policy;
            policy = {
              schedule: p.watch.schedule,
              warningDays: p.certificates.expiryWarningDays,
              dashboard: p.dashboard.enabled,
            };
            hasManifests = read.inputs.head.files.length > 0;
          }
          return read;
        },
        evaluate: async (inputs) => {
          evaluation = await deps.settings.evaluateInThread(
            {
              inputs,
              settings: {
                now: now.toISOString(),
                limits: deps.settings.limits,
                validatePolicyFile: true,
                inventory: true,
              },
            },
            analysisSignal(),
          );
          return evaluation;
        },
        render: (outcome) => renderCheckReport(outcome, context),
        publish: async (report) => {
          // A default branch without manifests gets no run: there is nothing to say about it.
          if (!hasManifests && report.conclusion === "success") return;
          const opened = await openCheckRun(github, repo, sha, {
            externalId: externalIdFor(target.subject),
            fresh: true,
            appId: (await deps.identity()).appId,
            now,
          });
          if ("skip" in opened) return;
          checkRunId = opened.id;
          await completeCheckRun(github, repo, opened.id, report, deps.settings.now, report.actions ?? []);
        },
      },
    );
  });
  if (limit.outcome === "timed-out")
    throw new Error(`the scan of ${repository} did not finish within the analysis limit`);

  const done = evaluation as Evaluation | null;
  const summary: ScanSummary = {
    certificates: done?.certificates ?? [],
    blocking: (done?.verdict.blocking ?? []).map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      resource: f.resource,
      file: f.file,
      line: f.line,
    })),
    routes: (done?.analysis.routes ?? [])
      .filter((r) => r.rejected === null)
      .map((r) => ({ mapping: r.mapping, mode: r.mode, file: r.file, line: r.line })),
    hasManifests,
  };
  deps.metrics.recordScan(metricsOf(repository, summary));
  let record: ScanRecord = {
    sha,
    branch,
    htmlUrl,
    // An unreadable configuration is never reused: the next scan reads it again.
    policyKey: policyKey ?? "",
    schedule: policy.schedule,
    warningDays: policy.warningDays,
    dashboardEnabled: policy.dashboard,
    summary,
    dashboard: last?.dashboard ?? null,
    scannedAt: now.toISOString(),
  };
  // A re-scan someone asked for by ticking the box reads the issue back, so the box is unticked even if nothing changed.
  const dashboard = await refreshDashboard(deps, github, repo, record, done === null, request.force === true);
  record = dashboard.record;
  await deps.state.set(repository, record);
  deps.log.info(
    { repository, sha, checkRunId, dashboard: dashboard.change },
    "mtls-gate scan of the default branch completed",
  );
  return { repository, sha, reused: false, checkRunId, dashboard: dashboard.change };
}

/** Renders the dashboard for a record and brings the issue in line, unless the issue already shows exactly that. */
async function refreshDashboard(
  deps: ScanDeps,
  github: GitHubClient,
  repo: RepoRef,
  record: ScanRecord,
  failed = false,
  readBack = false,
): Promise<{ record: ScanRecord; change: DashboardChange }> {
  // A failed analysis says nothing about the certificates: the issue stays as it was.
  if (failed || !record.dashboardEnabled) return { record, change: "none" };
  if (!record.summary.hasManifests && !record.dashboard?.number) return { record, change: "none" };
  const now = deps.settings.now();
  const input = {
    repository: `${repo.owner}/${repo.repo}`,
    htmlUrl: record.htmlUrl,
    headSha: record.sha,
    branch: record.branch,
    now,
    warningDays: record.warningDays,
    certificates: record.summary.certificates,
    blocking: record.summary.blocking,
    routes: record.summary.routes,
    marker: dashboardMarker(deps.markerKey, repo),
  };
  const body = renderDashboard(input);
  const attention = needsAttention(input);
  const digest = bodyDigest(body);
  const state = attention ? "open" : "closed";
  if (!readBack && record.dashboard?.bodyDigest === digest && record.dashboard.state === state)
    return { record, change: "unchanged" };
  const known = record.dashboard?.number ? { number: record.dashboard.number } : null;
  const synced = await syncDashboard(github, repo, { body, attention }, await deps.identity(), deps.markerKey, known);
  // No issue and nothing to say: remembered too, so an idle repository's next scan looks for no issue.
  const dashboard = synced.issue
    ? { ...synced.issue, bodyDigest: digest }
    : { number: null, state: "closed" as const, bodyDigest: digest };
  return { record: { ...record, dashboard }, change: synced.change };
}

function metricsOf(repository: string, summary: ScanSummary) {
  const routesByMode = { mtls: 0, tls: 0, plaintext: 0 } as Record<RouteMode, number>;
  for (const route of summary.routes) routesByMode[route.mode]++;
  for (const mode of MODES) routesByMode[mode] ??= 0;
  return { repository, certificates: summary.certificates, routesByMode, blockingFindings: summary.blocking.length };
}
