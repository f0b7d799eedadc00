/**
 * The rendered analyses of one tree as one TreeAnalysis, for the CLI: a thin adapter over the core's merge
 * (core/environments/merge.ts), which the app and the Action share, so there is one rule for what "the same finding in
 * several environments" means. With one environment the result carries no environment fields at all (the README's
 * contract: "With one environment none of these fields appear").
 */
import type { TreeAnalysis } from "../core/analyze.js";
import { mergeAnalyses as mergeEnvironments } from "../core/environments/merge.js";

/** The name an analysis is merged under: its rendered environment, else the repository as written. */
const nameOf = (analysis: TreeAnalysis): string => analysis.environment ?? "repository";

export function mergeAnalyses<T extends TreeAnalysis>(analyses: readonly T[]): T {
  const [first] = analyses;
  if (!first) throw new Error("mergeAnalyses needs at least one analysis");
  if (analyses.length === 1) {
    // Copies without the fields: the analysis itself stays as the core made it.
    return {
      ...first,
      findings: first.findings.map(({ environments: _environments, ...finding }) => finding),
      routes: first.routes.map(({ environment: _environment, ...route }) => route),
      hosts: first.hosts.map(({ environment: _environment, ...host }) => host),
    };
  }
  const merged = mergeEnvironments(analyses.map((analysis) => ({ environment: nameOf(analysis), analysis })));
  return {
    ...first,
    findings: merged.findings,
    routes: merged.routes,
    hosts: merged.hosts,
    coverage: merged.coverage,
    stats: {
      // Each environment read the same files: the most any read, not the sum.
      files: Math.max(...analyses.map((a) => a.stats.files)),
      documents: analyses.reduce((n, a) => n + a.stats.documents, 0),
      resources: analyses.reduce((n, a) => n + a.stats.resources, 0),
      rules: first.stats.rules,
    },
  };
}
