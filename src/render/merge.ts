/**
 * One report from the analyses of several environments: a finding present in several is one finding listing them
 * (same fingerprint at the same source line), routes and hosts keep their environment. A simple merge for the CLI;
 * the environments work (src/core/environments) brings the one the app and the Action share.
 */
import type { TreeAnalysis } from "../core/analyze.js";
import { emptySkipped, MAX_SKIPPED_FILES_LISTED, type Coverage, type SkippedFile } from "../core/coverage.js";
import { sortAndDedupe } from "../core/findings.js";
import type { Finding } from "../core/types.js";

export function mergeAnalyses<T extends TreeAnalysis>(analyses: readonly T[]): T {
  const [first] = analyses;
  if (!first) throw new Error("mergeAnalyses needs at least one analysis");
  if (analyses.length === 1) return first;
  const byKey = new Map<string, Finding>();
  for (const analysis of analyses) {
    for (const finding of analysis.findings) {
      const key = `${finding.fingerprint}@${finding.file}:${finding.line}`;
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, { ...finding, environments: [...(finding.environments ?? [])] });
      else
        for (const env of finding.environments ?? [])
          if (!seen.environments?.includes(env)) seen.environments?.push(env);
    }
  }
  return {
    ...first,
    findings: sortAndDedupe([...byKey.values()]),
    routes: analyses.flatMap((a) => a.routes),
    hosts: analyses.flatMap((a) => a.hosts),
    coverage: mergeCoverage(analyses.map((a) => a.coverage)),
    stats: {
      files: Math.max(...analyses.map((a) => a.stats.files)),
      documents: analyses.reduce((n, a) => n + a.stats.documents, 0),
      resources: analyses.reduce((n, a) => n + a.stats.resources, 0),
      rules: first.stats.rules,
    },
  };
}

/**
 * Each environment read the plain files again: the merged coverage counts a file once (the skipped ones by path) and
 * a kind as often as the environment with the most of it has it.
 */
function mergeCoverage(coverages: readonly Coverage[]): Coverage {
  const skippedByPath = new Map<string, SkippedFile>();
  for (const c of coverages) for (const s of c.skippedFiles) skippedByPath.set(s.path, s);
  const skippedFiles = [...skippedByPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const skipped = emptySkipped();
  for (const s of skippedFiles) skipped[s.reason]++;
  const resources: Record<string, number> = {};
  for (const c of coverages)
    for (const [kind, n] of Object.entries(c.resources)) resources[kind] = Math.max(resources[kind] ?? 0, n);
  return {
    filesRead: Math.max(...coverages.map((c) => c.filesRead)),
    filesParsed: Math.max(...coverages.map((c) => c.filesParsed)),
    skipped,
    skippedFiles: skippedFiles.slice(0, MAX_SKIPPED_FILES_LISTED),
    resources: Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : 1))),
    notKubernetes: Math.max(...coverages.map((c) => c.notKubernetes)),
  };
}
