import type { Finding } from "../../core/types.js";
import type { GitHubClient, RepoRef } from "../github-client.js";

/** A finding a person with the right permission accepted for one pull request, with their reason. */
export interface Acceptance {
  ruleId: string;
  resource: string;
  reason: string;
  by: string;
  /** ISO 8601. */
  at: string;
}

export interface BotComment {
  id: number;
  body: string;
}

// Acceptances live in hidden markers of the bot's own replies: they survive restarts and replicas without a database,
// and nobody but the app can write a comment as the app. The JSON is base64url-encoded so no reason can end the
// HTML comment early.
const MARKER = /<!-- mtls-gate:(accept|revoke) ([A-Za-z0-9_-]+) -->/g;
const REPLY_TO = /<!-- mtls-gate:reply-to (\d+) -->/;
const MAX_COMMENT_PAGES = 30;

export function acceptanceMarker(kind: "accept" | "revoke", acceptance: Acceptance): string {
  return `<!-- mtls-gate:${kind} ${Buffer.from(JSON.stringify(acceptance)).toString("base64url")} -->`;
}

export function replyMarker(commandCommentId: number): string {
  return `<!-- mtls-gate:reply-to ${commandCommentId} -->`;
}

export function repliesTo(body: string): number | null {
  const match = REPLY_TO.exec(body);
  return match?.[1] ? Number(match[1]) : null;
}

export function acceptanceKey(ruleId: string, resource: string): string {
  return `${ruleId}\u0000${resource}`;
}

/** The acceptances in force after replaying every accept and revoke marker in comment order. */
export function acceptancesFrom(comments: readonly BotComment[]): Acceptance[] {
  const active = new Map<string, Acceptance>();
  for (const comment of comments) {
    for (const match of comment.body.matchAll(MARKER)) {
      const acceptance = decode(match[2] ?? "");
      if (!acceptance) continue;
      const key = acceptanceKey(acceptance.ruleId, acceptance.resource);
      if (match[1] === "accept") active.set(key, acceptance);
      else active.delete(key);
    }
  }
  return [...active.values()];
}

function decode(encoded: string): Acceptance | null {
  try {
    const value = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Partial<Acceptance>;
    const fields = [value.ruleId, value.resource, value.reason, value.by, value.at];
    return fields.every((f) => typeof f === "string") ? (value as Acceptance) : null;
  } catch {
    return null;
  }
}

/** The app's own comments on an issue or pull request, oldest first. */
export async function readBotComments(octokit: GitHubClient, repo: RepoRef, issueNumber: number, botLogin: string): Promise<BotComment[]> {
  const mine: BotComment[] = [];
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const { data } = await octokit.rest.issues.listComments({ ...repo, issue_number: issueNumber, per_page: 100, page });
    for (const comment of data) if (comment.user?.login === botLogin && comment.body) mine.push({ id: comment.id, body: comment.body });
    if (data.length < 100) break;
  }
  return mine;
}

export async function readAcceptances(octokit: GitHubClient, repo: RepoRef, issueNumbers: readonly number[], botLogin: string): Promise<Acceptance[]> {
  const all: Acceptance[] = [];
  for (const number of issueNumbers) all.push(...acceptancesFrom(await readBotComments(octokit, repo, number, botLogin)));
  return all;
}

/** Whether an acceptance covers a finding: only findings the change introduces can be accepted. */
export function isAccepted(finding: Finding, acceptances: readonly Acceptance[]): boolean {
  return finding.introduced !== false && acceptances.some((a) => a.ruleId === finding.ruleId && a.resource === finding.resource);
}
