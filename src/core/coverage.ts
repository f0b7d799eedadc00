/**
 * What an analysis read: the manifest files in scope, those parsed, those skipped and why, the Kubernetes resources by
 * kind. Plain data computed from what source/load saw; every surface prints it, and `decide` reads it (with
 * `coverage.failOnSkipped`) so that files left unread can block.
 */
import type { SourceDiagnosticKind } from "./diagnostics.js";
import type { SourceDiagnostic } from "./source/load.js";
import type { MessageData } from "./types.js";

/** Why a manifest file in scope was not analysed. */
export const SKIP_REASONS = ["templated", "encrypted", "too-large", "binary", "symlink", "not-yaml", "not-rendered"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** How many skipped files are listed by path (the counts stay whole). */
export const MAX_SKIPPED_FILES_LISTED = 100;

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface Coverage {
  /** Manifest files in scope (`.yaml`/`.yml` under the policy's `paths`, the policy file aside), symlinks included. */
  filesRead: number;
  /** Files read as YAML (with or without Kubernetes objects). */
  filesParsed: number;
  /** Files not analysed, by reason (every reason present, 0 when none). */
  skipped: Record<SkipReason, number>;
  /** The skipped files, in path order, at most MAX_SKIPPED_FILES_LISTED. */
  skippedFiles: SkippedFile[];
  /** Kubernetes objects (documents with `apiVersion` and `kind`) by kind. */
  resources: Record<string, number>;
  /** Files read that hold no Kubernetes object: GitHub workflows, Helm values, other YAML. */
  notKubernetes: number;
  /**
   * With a base: the skipped files the change did not add or edit, the only ones that may soften an absence finding.
   * Absent without a base (every skipped file counts).
   */
  absenceDoubt?: number;
}

/** What the analysis saw of one file, for `computeCoverage`. */
export interface FileOutcome {
  path: string;
  /** Set when the file was not analysed. */
  skipped?: SkipReason;
  /** Whether it was read as YAML (a GitHub workflow is recognised without being parsed). */
  parsed: boolean;
  /** The `kind` of each Kubernetes object it holds. */
  kinds: readonly string[];
}

/** The skip reason a file-level diagnostic means, when it means its file was not read at all. */
const SKIPPING_KINDS: Partial<Record<SourceDiagnosticKind, SkipReason>> = {
  "helm-template": "templated",
  "encrypted-file": "encrypted",
  "binary-file": "binary",
  "file-too-large": "too-large",
  "too-many-files": "too-large",
  "too-many-bytes": "too-large",
  "tarball-too-large": "too-large",
};

/** Diagnostics that leave documents of a file unread: a file with no document read and one of them was not analysed. */
const PARTIAL_KINDS: Partial<Record<SourceDiagnosticKind, SkipReason>> = {
  "too-many-documents": "too-large",
  "too-deep": "too-large",
  "too-many-nodes": "too-large",
  "too-many-aliases": "too-large",
  "too-many-merged-nodes": "too-large",
  "yaml-syntax": "not-yaml",
};

/**
 * Why a file was not analysed, from its diagnostics and how many documents were read of it: a file-level diagnostic
 * (template, encrypted, binary, over a size limit), or no document read and a syntax or size problem.
 */
export function skipReasonOf(diagnostics: readonly SourceDiagnostic[], documents: number): SkipReason | undefined {
  for (const diagnostic of diagnostics) {
    const reason = SKIPPING_KINDS[diagnostic.kind];
    if (reason) return reason;
  }
  if (documents > 0) return undefined;
  for (const diagnostic of diagnostics) {
    const reason = PARTIAL_KINDS[diagnostic.kind];
    if (reason) return reason;
  }
  return undefined;
}

export function emptySkipped(): Record<SkipReason, number> {
  return Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
}

export function computeCoverage(files: readonly FileOutcome[]): Coverage {
  const skipped = emptySkipped();
  const skippedFiles: SkippedFile[] = [];
  const resources: Record<string, number> = {};
  let filesParsed = 0;
  let notKubernetes = 0;
  const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of ordered) {
    if (file.skipped) {
      skipped[file.skipped]++;
      if (skippedFiles.length < MAX_SKIPPED_FILES_LISTED) skippedFiles.push({ path: file.path, reason: file.skipped });
      continue;
    }
    if (file.parsed) filesParsed++;
    if (file.kinds.length === 0) notKubernetes++;
    for (const kind of file.kinds) resources[kind] = (resources[kind] ?? 0) + 1;
  }
  return {
    filesRead: files.length,
    filesParsed,
    skipped,
    skippedFiles,
    resources: Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    notKubernetes,
  };
}

/** How many files in scope were not analysed. */
export function skippedCount(coverage: Coverage): number {
  return SKIP_REASONS.reduce((sum, reason) => sum + coverage.skipped[reason], 0);
}

/** How many Kubernetes objects were read. */
export function resourceCount(coverage: Coverage): number {
  return Object.values(coverage.resources).reduce((sum, count) => sum + count, 0);
}

/** No Kubernetes manifest was read at all: an empty directory, a wrong path, a chart whose every template was skipped. */
export function foundNoManifests(coverage: Coverage): boolean {
  return resourceCount(coverage) === 0;
}

/**
 * Whether a resource a rule finds missing might be in a file that was not analysed: any file in scope was skipped.
 * Such a rule says "in the analysed files" and reports a notice.
 */
export function absenceUncertain(coverage: Coverage | undefined): boolean {
  return coverage !== undefined && (coverage.absenceDoubt ?? skippedCount(coverage)) > 0;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** "2 templated, 1 encrypted": the reasons with files, in SKIP_REASONS order. */
export function describeSkipped(coverage: Coverage): string {
  return SKIP_REASONS.filter((reason) => coverage.skipped[reason] > 0)
    .map((reason) => `${coverage.skipped[reason]} ${reason}`)
    .join(", ");
}

/**
 * One line for the top of a report when files in scope were not analysed, else undefined:
 * "3 of 12 manifest files could not be analysed (2 templated, 1 encrypted); findings cover the other 9."
 */
export function skippedLine(coverage: Coverage): string | undefined {
  const skipped = skippedCount(coverage);
  if (skipped === 0) return undefined;
  const analysed = coverage.filesRead - skipped;
  return `${skipped} of ${plural(coverage.filesRead, "manifest file")} could not be analysed (${describeSkipped(coverage)}); findings cover the other ${analysed}.`;
}

/** "12 files read, 10 parsed, 2 skipped (2 templated), 1 not Kubernetes; 35 resources (20 Mapping, ...)". */
export function coverageSummary(coverage: Coverage): string {
  const skipped = skippedCount(coverage);
  const kinds = Object.entries(coverage.resources)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
  const resources = resourceCount(coverage);
  return [
    `${plural(coverage.filesRead, "file")} read, ${coverage.filesParsed} parsed`,
    skipped > 0 ? `, ${skipped} skipped (${describeSkipped(coverage)})` : "",
    coverage.notKubernetes > 0 ? `, ${coverage.notKubernetes} not Kubernetes` : "",
    `; ${plural(resources, "resource")}${kinds ? ` (${kinds})` : ""}`,
  ].join("");
}

/** "no manifests found in <path>": what an analysis that read no Kubernetes object says, with its coverage. */
export function noManifestsMessage(path: string, coverage: Coverage): string {
  return `no manifests found in ${path} (${coverageSummary(coverage)})`;
}

/**
 * What a rule that concludes a resource is absent adds to its report: nothing when every file in scope was analysed;
 * else a notice (the resource may be in a skipped file) and display data for `inAnalysedFiles`.
 */
export function absenceQualifier(coverage: Coverage | undefined): { severity?: "notice"; display: MessageData } {
  if (!coverage || !absenceUncertain(coverage)) return { display: {} };
  return { severity: "notice", display: { inAnalysedFiles: true, skippedFiles: coverage.absenceDoubt ?? skippedCount(coverage) } };
}

/** The words an absence message adds when files were skipped: " in the analysed files (2 files in scope were skipped)". */
export function inAnalysedFiles(data: MessageData): string {
  if (data.inAnalysedFiles !== true) return "";
  const skipped = typeof data.skippedFiles === "number" ? data.skippedFiles : 0;
  return ` in the analysed files (${plural(skipped, "manifest file")} in scope could not be analysed and may hold it)`;
}
