import { MAX_OUTPUT_CHARS, type CheckRunReport } from "./check-run.js";
import { codeSpan, escapeInline, truncateChars } from "./markdown.js";

/**
 * A check run lives on a commit, not on a pull request: one head opened against two bases shows both runs on both
 * pull requests, and GitHub's required check reads whichever is latest. So the commit carries the strictest verdict
 * of the pull requests it heads, and each run's summary lists them all.
 */

/** The verdict of this app's run for another pull request with the same head. */
export interface SiblingVerdict {
  pullNumbers: readonly number[];
  /** The base branch's commit that run compared against. */
  baseSha: string | null;
  conclusion: string;
  title: string;
}

const STRICTNESS: Readonly<Record<string, number>> = {
  failure: 3,
  timed_out: 3,
  action_required: 3,
  cancelled: 1,
  neutral: 0,
  skipped: 0,
  success: 0,
};

export function strictness(conclusion: string): number {
  return STRICTNESS[conclusion] ?? 3;
}

/** This run's report, failing when another pull request with this head fails, and listing every pull request's verdict. */
export function withSiblingVerdicts(
  report: CheckRunReport,
  own: { pullNumbers: readonly number[] },
  siblings: readonly SiblingVerdict[],
): CheckRunReport {
  if (siblings.length === 0) return report;
  const failing = siblings.filter((s) => strictness(s.conclusion) === 3);
  const carried = failing.length > 0 && strictness(report.conclusion) < 3;
  const section = [
    "### Other pull requests with this head commit",
    "",
    "A check run belongs to the commit, so the commit carries the strictest verdict of the pull requests it heads.",
    "",
    `- ${pulls(own.pullNumbers)} (this run): ${report.conclusion}${carried ? ` on its own, failure as carried from ${pulls(failing.flatMap((s) => s.pullNumbers))}` : ""}`,
    ...siblings.map(
      (s) =>
        `- ${pulls(s.pullNumbers)} against ${s.baseSha ? codeSpan(s.baseSha.slice(0, 12)) : "its base"}: ${s.conclusion}: ${escapeInline(s.title, 200)}`,
    ),
  ].join("\n");
  const summary = truncateChars(`${section}\n\n${report.summary}`, MAX_OUTPUT_CHARS);
  if (!carried) return { ...report, summary };
  return {
    ...report,
    conclusion: "failure",
    title: truncateChars(
      `Fails on ${pulls(failing.flatMap((s) => s.pullNumbers))} with this head · ${report.title}`,
      255,
    ),
    summary,
  };
}

/**
 * What a sibling run that passed becomes when this pull request fails on the same head: a failure that points here.
 * Its annotations stay; only the conclusion and the text change.
 */
export function carriedFailure(
  sibling: { pullNumbers: readonly number[] },
  failing: { pullNumbers: readonly number[]; baseSha: string | null; title: string },
): CheckRunReport {
  const summary = [
    "### Other pull requests with this head commit",
    "",
    `This commit is also the head of ${pulls(failing.pullNumbers)}${failing.baseSha ? ` (against ${codeSpan(failing.baseSha.slice(0, 12))})` : ""}, where mtls-gate fails: ${escapeInline(failing.title, 200)}.`,
    "",
    `A check run belongs to the commit, so the commit carries the strictest verdict of the pull requests it heads: ${pulls(sibling.pullNumbers)} passed on its own, and this run now fails with the other. Fix the other pull request's findings, or close it, then re-run this check.`,
  ].join("\n");
  return {
    conclusion: "failure",
    title: truncateChars(`Fails on ${pulls(failing.pullNumbers)} with this head`, 255),
    summary,
    annotations: [],
  };
}

function pulls(numbers: readonly number[]): string {
  return numbers.length === 0 ? "another change" : numbers.map((n) => `#${n}`).join(", ");
}
