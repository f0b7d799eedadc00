/**
 * One result from the analyses of several environments. Each environment is a separate simulation (its own cluster);
 * what a person reads is one list: routes and hosts say which environment they are in, and a finding that several
 * environments share (same identity at the same place: the same line of the same source file) is one finding with
 * the list of its environments. Summaries are computed on the merged findings; the verdict is `decide` on them.
 */
import { summarize, type DiffAnalysis, type Summary, type TreeAnalysis } from "../analyze.js";
import { emptySkipped, MAX_SKIPPED_FILES_LISTED, SKIP_REASONS, type Coverage, type SkippedFile } from "../coverage.js";
import { compareFindings } from "../findings.js";
import type { Policy } from "../policy/policy.js";
import { SEVERITY_RANK, type Finding } from "../types.js";
import type { HostView, RouteView } from "../views.js";

export interface EnvironmentResult {
  environment: string;
  analysis: TreeAnalysis | DiffAnalysis;
}

export interface MergedAnalysis {
  /** The environments merged, in the order given. */
  environments: string[];
  /** Every distinct finding once, with `environments` (in the order given), sorted by file and line. */
  findings: Finding[];
  /** Every environment's routes, each with its `environment`; by environment, then as each analysis ordered them. */
  routes: RouteView[];
  hosts: HostView[];
  /** With a base: each environment's removed routes, with their `environment`. */
  removedRoutes?: RouteView[];
  summary: Summary;
  /** What the environments read together (see mergeCoverage). */
  coverage: Coverage;
  policy: Policy;
  /** Each environment's own figures, for surfaces that show them. */
  perEnvironment: { environment: string; summary: Summary; coverage: Coverage; routes: number }[];
}

/** The identity of a finding across environments: its fingerprint at its place. */
function findingKey(finding: Finding): string {
  return `${finding.fingerprint}@${finding.file}:${finding.line}:${finding.column}`;
}

/**
 * Of two copies of one finding, the one that says the most: unsuppressed over suppressed (a suppression that counts in
 * one environment only must not hide it), introduced over pre-existing (the change introduced it somewhere), the higher
 * severity.
 */
function stronger(a: Finding, b: Finding): Finding {
  const rank = (f: Finding) => [f.suppressed ? 0 : 1, f.introduced === true ? 1 : 0, SEVERITY_RANK[f.severity]];
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < x.length; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0) ? a : b;
  return a;
}

export function mergeAnalyses(results: readonly EnvironmentResult[]): MergedAnalysis {
  if (results.length === 0) throw new Error("mergeAnalyses needs at least one environment's analysis");
  const byKey = new Map<string, { finding: Finding; environments: string[] }>();
  for (const { environment, analysis } of results) {
    for (const finding of analysis.findings) {
      const key = findingKey(finding);
      const known = byKey.get(key);
      if (!known) {
        byKey.set(key, { finding, environments: [environment] });
        continue;
      }
      if (!known.environments.includes(environment)) known.environments.push(environment);
      known.finding = stronger(known.finding, finding);
    }
  }
  // Copies: the per-environment findings stay as their analyses made them.
  const findings = [...byKey.values()]
    .map(({ finding, environments }) => ({ ...finding, environments }))
    .sort(compareFindings);

  const routes = results.flatMap(({ environment, analysis }) =>
    analysis.routes.map((route) => ({ ...route, environment })),
  );
  const hosts = results.flatMap(({ environment, analysis }) =>
    analysis.hosts.map((host) => ({ ...host, environment })),
  );
  const diffs = results.filter(
    (r): r is { environment: string; analysis: DiffAnalysis } => "removedRoutes" in r.analysis,
  );
  const merged: MergedAnalysis = {
    environments: results.map((r) => r.environment),
    findings,
    routes,
    hosts,
    summary: summarize(findings),
    coverage: mergeCoverage(results.map((r) => r.analysis.coverage)),
    policy: (results[0] as EnvironmentResult).analysis.policy,
    perEnvironment: results.map(({ environment, analysis }) => ({
      environment,
      summary: summarize(analysis.findings),
      coverage: analysis.coverage,
      routes: analysis.routes.length,
    })),
  };
  if (diffs.length > 0) {
    merged.removedRoutes = diffs.flatMap(({ environment, analysis }) =>
      analysis.removedRoutes.map((route) => ({ ...route, environment })),
    );
  }
  return merged;
}

/**
 * What several environments read together. Environments share files (the plain YAML goes with each), so counts are
 * not added: a file skipped in any environment is skipped once, by path; when an environment's list of skipped files
 * was cut short, the counts are the largest environment's. Files read and resources by kind are the largest
 * environment's (a lower bound of the union, never a double count).
 */
export function mergeCoverage(coverages: readonly Coverage[]): Coverage {
  const listedWhole = (c: Coverage) =>
    c.skippedFiles.length === SKIP_REASONS.reduce((sum, reason) => sum + c.skipped[reason], 0);
  const union = new Map<string, SkippedFile>();
  for (const coverage of coverages)
    for (const file of coverage.skippedFiles) if (!union.has(file.path)) union.set(file.path, file);
  const skippedFiles = [...union.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const skipped = emptySkipped();
  if (coverages.every(listedWhole)) for (const file of skippedFiles) skipped[file.reason]++;
  else for (const reason of SKIP_REASONS) skipped[reason] = Math.max(0, ...coverages.map((c) => c.skipped[reason]));
  const resources: Record<string, number> = {};
  for (const coverage of coverages) {
    for (const [kind, count] of Object.entries(coverage.resources))
      resources[kind] = Math.max(resources[kind] ?? 0, count);
  }
  const merged: Coverage = {
    filesRead: Math.max(0, ...coverages.map((c) => c.filesRead)),
    filesParsed: Math.max(0, ...coverages.map((c) => c.filesParsed)),
    skipped,
    skippedFiles: skippedFiles.slice(0, MAX_SKIPPED_FILES_LISTED),
    resources: Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    notKubernetes: Math.max(0, ...coverages.map((c) => c.notKubernetes)),
  };
  const doubts = coverages.flatMap((c) => (c.absenceDoubt === undefined ? [] : [c.absenceDoubt]));
  if (doubts.length > 0) merged.absenceDoubt = Math.max(...doubts);
  return merged;
}
