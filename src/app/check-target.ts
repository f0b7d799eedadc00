import type { GitHubClient, RepoRef } from "./github-client.js";

/** What a check compares: a pull request's head against its base, or a merge queue's combined commit against its base. */
export type CheckSubject =
  | { kind: "pull_request"; numbers: number[]; baseRef: string; baseSha: string }
  /** `numbers`: the pull request the queue is merging, read from its branch name (for its acceptances). */
  | { kind: "merge_group"; baseRef: string; baseSha: string; numbers: number[] }
  /** A commit no open pull request points at (a re-run on a deleted branch): analysed alone. */
  | { kind: "commit" };

export interface CheckTarget {
  repo: RepoRef;
  headSha: string;
  subject: CheckSubject;
  /** Start a new run even when one exists for this SHA (the re-run buttons and commands). */
  fresh: boolean;
}

const MAX_PULL_PAGES = 10;

/** The pull request a merge queue branch merges: `gh-readonly-queue/<base>/pr-<number>-<sha>`. */
export function queuedPullRequest(headRef: string): number[] {
  const match = /\/pr-(\d+)-[0-9a-f]+$/.exec(headRef);
  return match?.[1] ? [Number(match[1])] : [];
}

/**
 * The check run's `external_id`: what it compared, so a re-run of a fork's run (whose payload lists no pull requests)
 * or of a merge-queue run finds its subject again without any state of ours.
 */
export function externalIdFor(subject: CheckSubject): string {
  // The base is part of what was checked: one head against two bases is two verdicts, never one shared by both.
  if (subject.kind === "pull_request") return `pr:${subject.numbers.join(",")}@${subject.baseSha}`;
  if (subject.kind === "merge_group")
    return `merge_group:${subject.baseSha}:${subject.baseRef}${subject.numbers.length > 0 ? `:pr:${subject.numbers.join(",")}` : ""}`;
  return "commit";
}

type ParsedExternalId =
  | { kind: "pull_request"; numbers: number[]; baseSha: string | null }
  | { kind: "merge_group"; baseSha: string; baseRef: string; numbers: number[] }
  | null;

export function parseExternalId(externalId: string | null | undefined): ParsedExternalId {
  if (!externalId) return null;
  // `pr:<n>` without `@<base>`: a run written before the base was recorded.
  const pr = /^pr:(\d+(?:,\d+)*)(?:@([0-9a-f]{40}))?$/.exec(externalId);
  if (pr?.[1]) return { kind: "pull_request", numbers: pr[1].split(",").map(Number), baseSha: pr[2] ?? null };
  const group = /^merge_group:([0-9a-f]{40}):(.+?)(?::pr:(\d+(?:,\d+)*))?$/.exec(externalId);
  if (group?.[1] && group[2])
    return {
      kind: "merge_group",
      baseSha: group[1],
      baseRef: group[2],
      numbers: group[3] ? group[3].split(",").map(Number) : [],
    };
  return null;
}

/**
 * The subject of a re-run for `headSha`: from the event's pull requests, else from the earlier run's external id,
 * else by looking for open pull requests whose head is this SHA (a fork's runs carry no pull requests).
 */
export async function subjectForSha(
  octokit: GitHubClient,
  repo: RepoRef,
  headSha: string,
  hints: { pullNumbers: readonly number[]; externalId: string | null },
): Promise<CheckSubject> {
  const parsed = parseExternalId(hints.externalId);
  if (parsed?.kind === "merge_group") return parsed;
  let numbers = hints.pullNumbers.length > 0 ? [...hints.pullNumbers] : (parsed?.numbers ?? []);
  if (numbers.length === 0) numbers = await openPullRequestsWithHead(octokit, repo, headSha);
  const first = numbers[0];
  if (first === undefined) return { kind: "commit" };
  const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: first });
  return { kind: "pull_request", numbers, baseRef: pull.base.ref, baseSha: pull.base.sha };
}

async function openPullRequestsWithHead(octokit: GitHubClient, repo: RepoRef, headSha: string): Promise<number[]> {
  const numbers: number[] = [];
  for (let page = 1; page <= MAX_PULL_PAGES; page++) {
    const { data } = await octokit.rest.pulls.list({ ...repo, state: "open", per_page: 100, page });
    for (const pull of data) if (pull.head.sha === headSha) numbers.push(pull.number);
    if (numbers.length > 0 || data.length < 100) break;
  }
  return numbers;
}
