import { carriedFailure, strictness, withSiblingVerdicts, type SiblingVerdict } from "../report/head-verdicts.js";
import type { CheckRunReport } from "../report/check-run.js";
import { ourRuns } from "./check-run-publisher.js";
import { parseExternalId, type CheckTarget } from "./check-target.js";
import type { GitHubClient, RepoRef } from "./github-client.js";

/** A completed run of this app for another pull request whose head is the same commit. */
export interface SiblingRun extends SiblingVerdict {
  id: number;
  /** The run's verdict on its own, before any verdict carried from a sibling. */
  ownConclusion: string;
}

// A run that fails only because a sibling fails says so in a hidden line of its summary (the app's own runs only,
// where no user text can write a comment), so that sibling, once fixed, does not inherit its own failure back.
const OWN = /<!-- mtls-gate:own-conclusion ([a-z_]+) -->/;

export function ownConclusionMarker(conclusion: string): string {
  return `<!-- mtls-gate:own-conclusion ${conclusion} -->`;
}

/** The latest completed run of each other pull request with this head (runs of the same pull request are older verdicts). */
export async function siblingRuns(
  octokit: GitHubClient,
  repo: RepoRef,
  target: CheckTarget,
  appId: number | null,
): Promise<SiblingRun[]> {
  if (target.subject.kind !== "pull_request" || appId === null) return [];
  const own = new Set(target.subject.numbers);
  const latest = new Map<string, SiblingRun>();
  for (const run of await ourRuns(octokit, repo, target.headSha, appId)) {
    const parsed = parseExternalId(run.external_id);
    if (run.status !== "completed" || !run.conclusion || parsed?.kind !== "pull_request") continue;
    if (parsed.numbers.some((n) => own.has(n))) continue;
    const key = parsed.numbers.join(",");
    if (latest.has(key)) continue;
    latest.set(key, {
      id: run.id,
      pullNumbers: parsed.numbers,
      baseSha: parsed.baseSha,
      conclusion: run.conclusion,
      ownConclusion: OWN.exec(run.output.summary ?? "")?.[1] ?? run.conclusion,
      title: run.output.title ?? "",
    });
  }
  return [...latest.values()];
}

/** This run's report with the verdicts of the other pull requests on its head: failing when one of them fails on its own. */
export function reportWithSiblings(
  report: CheckRunReport,
  target: CheckTarget,
  siblings: readonly SiblingRun[],
): CheckRunReport {
  if (target.subject.kind !== "pull_request" || siblings.length === 0) return report;
  const onTheirOwn = siblings.map((s) => ({ ...s, conclusion: s.ownConclusion }));
  const merged = withSiblingVerdicts(report, { pullNumbers: target.subject.numbers }, onTheirOwn);
  return merged.conclusion === report.conclusion
    ? merged
    : { ...merged, summary: `${merged.summary}\n\n${ownConclusionMarker(report.conclusion)}` };
}

/** When this run fails on its own, the other pull requests' passing runs on the same head fail with it. */
export async function failSiblings(
  octokit: GitHubClient,
  repo: RepoRef,
  target: CheckTarget,
  report: CheckRunReport,
  siblings: readonly SiblingRun[],
  now: Date,
): Promise<void> {
  if (target.subject.kind !== "pull_request" || strictness(report.conclusion) < 3) return;
  for (const sibling of siblings) {
    if (strictness(sibling.conclusion) === 3) continue;
    const carried = carriedFailure(sibling, {
      pullNumbers: target.subject.numbers,
      baseSha: target.subject.baseSha,
      title: report.title,
    });
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: sibling.id,
      status: "completed",
      conclusion: "failure",
      completed_at: now.toISOString(),
      output: { title: carried.title, summary: `${carried.summary}\n\n${ownConclusionMarker(sibling.ownConclusion)}` },
    });
  }
}
