import type { Finding, Severity } from "../core/types.js";

/** GitLab's Code Quality severities (those of the Code Climate spec it reads). */
export type GitLabSeverity = "info" | "minor" | "major" | "critical" | "blocker";

/**
 * One violation of GitLab's Code Quality report (`artifacts:reports:codequality`): the fields GitLab documents, with the
 * Code Climate spec's `lines.end`, which GitLab accepts.
 */
export interface GitLabCodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: GitLabSeverity;
  location: { path: string; lines: { begin: number; end: number } };
}

/**
 * error -> critical, warning -> major, notice -> info. `blocker` is not used: whether a finding blocks depends on the
 * policy's `failOn` and, with `--base`, on whether the change introduced it; the pipeline's exit code says that.
 */
export const GITLAB_SEVERITY: Readonly<Record<Severity, GitLabSeverity>> = {
  error: "critical",
  warning: "major",
  notice: "info",
};

/**
 * GitLab's Code Quality report: a JSON array of violations. GitLab compares the merge request's report with the target
 * branch's by fingerprint, so every finding of the analysed tree is listed (with `--base`, pre-existing ones too; GitLab
 * tells new from old itself), and the fingerprint is the finding's, which survives line moves. Suppressed findings
 * (`mtls-gate.io/ignore`) are left out: GitLab has no notion of a suppressed violation and would show them as open.
 */
export function renderGitLabCodeQuality(findings: readonly Finding[]): string {
  const seen = new Map<string, number>();
  const issues = findings
    .filter((finding) => !finding.suppressed)
    .map((finding): GitLabCodeQualityIssue => {
      // GitLab needs fingerprints unique within a report; the same finding twice (one rule, resource and message data
      // at two places) gets its occurrence number.
      const occurrence = (seen.get(finding.fingerprint) ?? 0) + 1;
      seen.set(finding.fingerprint, occurrence);
      const begin = Math.max(1, Math.floor(finding.line));
      return {
        description: finding.message === "" ? finding.ruleId : finding.message,
        check_name: finding.ruleId,
        fingerprint: occurrence === 1 ? finding.fingerprint : `${finding.fingerprint}-${occurrence}`,
        severity: GITLAB_SEVERITY[finding.severity],
        location: { path: finding.file, lines: { begin, end: Math.max(begin, Math.floor(finding.endLine)) } },
      };
    });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
