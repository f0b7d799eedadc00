import { createHmac, timingSafeEqual } from "node:crypto";
import type { GitHubClient, RepoRef } from "../github-client.js";
import type { Permission } from "./permission.js";

/**
 * A finding a person with the right permission accepted for one pull request, with their reason. It is bound to what
 * was reviewed: the repository, the pull request, and the fingerprints of the findings it was given for.
 */
export interface Acceptance {
  ruleId: string;
  resource: string;
  reason: string;
  /** The acceptor's login and GitHub user id, as GitHub named them in the command's webhook. */
  by: string;
  byId: number;
  /** The permission the acceptor held when accepting (checked against `commands.acceptErrors` for errors). */
  permission: Permission;
  /** ISO 8601. */
  at: string;
  /** The findings it covers; a finding whose identity changed needs a new acceptance. */
  fingerprints: string[];
  /** `owner/name`, lower case. */
  repo: string;
  pullNumber: number;
  /** The comment that ran the command: a command is carried out once, however often its webhook arrives. */
  commandCommentId: number;
}

/** A signed record found in the app's own comments. */
export interface MarkerRecord {
  kind: "accept" | "revoke";
  acceptance: Acceptance;
}

export interface BotComment {
  id: number;
  body: string;
}

/** Who the app is, to find its own comments by id, never by the login text anyone could imitate. */
export interface BotIdentity {
  appId: number | null;
}

/** The acceptances in force on the pull requests of a check, or why none can count. */
export interface AcceptanceState {
  acceptances: Acceptance[];
  /** Commands already carried out (their comment ids): a replayed `accept` is not run again. */
  handledCommands: Set<number>;
  /** Set when the comments could not be read whole: then no acceptance counts (fail closed). */
  problem: string | null;
}

// Acceptances live in hidden markers of the app's own replies, so they survive restarts and replicas without a
// database. Every marker is signed (HMAC-SHA256 over its JSON, with a key only the app holds) and only counts in a
// comment the app itself wrote (matched by app id): text a reply echoes from a manifest or a comment can neither forge
// nor replay one. The JSON is base64url-encoded so no field can end the HTML comment early.
const MARKER = /<!-- mtls-gate:(accept|revoke) ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43}) -->/g;
const REPLY_TO = /<!-- mtls-gate:reply-to (\d+) -->/;
/** 30,000 comments: far past any honest conversation; a longer one is not read (and no acceptance counts). */
export const MAX_COMMENT_PAGES = 300;
const PERMISSIONS: readonly Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];

/**
 * The key markers are signed with: derived from `MTLS_GATE_MARKER_SECRET` when set, else from the app's private key
 * (which only the app holds), so no separate secret is needed. Derivation keeps the private key itself out of the HMAC.
 */
export function markerKey(secret: string | Buffer): Buffer {
  return createHmac("sha256", secret).update("mtls-gate acceptance markers v1").digest();
}

export function acceptanceMarker(kind: "accept" | "revoke", acceptance: Acceptance, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(acceptance)).toString("base64url");
  return `<!-- mtls-gate:${kind} ${payload}.${sign(key, kind, payload)} -->`;
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

/** Where the markers must say they belong: a marker copied from another repository or pull request does not count. */
export interface MarkerScope {
  repo: RepoRef;
  pullNumber: number;
}

/** The signed markers of the app's comments that name this repository and pull request, in comment order. */
export function markersIn(comments: readonly BotComment[], key: Buffer, scope: MarkerScope): MarkerRecord[] {
  const records: MarkerRecord[] = [];
  for (const comment of comments) {
    for (const match of comment.body.matchAll(MARKER)) {
      const kind = match[1] as "accept" | "revoke";
      const payload = match[2] ?? "";
      if (!verify(key, kind, payload, match[3] ?? "")) continue;
      const acceptance = decode(payload);
      if (!acceptance || acceptance.repo !== repoName(scope.repo) || acceptance.pullNumber !== scope.pullNumber)
        continue;
      records.push({ kind, acceptance });
    }
  }
  return records;
}

/** The acceptances in force after replaying every verified accept and revoke marker in comment order. */
export function acceptancesFrom(records: readonly MarkerRecord[]): Acceptance[] {
  const active = new Map<string, Acceptance>();
  for (const { kind, acceptance } of records) {
    const key = acceptanceKey(acceptance.ruleId, acceptance.resource);
    if (kind === "accept") active.set(key, acceptance);
    else active.delete(key);
  }
  return [...active.values()];
}

export function repoName(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}

function sign(key: Buffer, kind: string, payload: string): string {
  return createHmac("sha256", key).update(`mtls-gate:${kind}\u0000${payload}`).digest("base64url");
}

function verify(key: Buffer, kind: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(sign(key, kind, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function decode(encoded: string): Acceptance | null {
  try {
    const value = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Partial<Acceptance>;
    const texts = [value.ruleId, value.resource, value.reason, value.by, value.at, value.repo];
    const numbers = [value.byId, value.pullNumber, value.commandCommentId];
    if (!texts.every((f) => typeof f === "string") || !numbers.every((n) => Number.isSafeInteger(n))) return null;
    if (!Array.isArray(value.fingerprints) || !value.fingerprints.every((f) => typeof f === "string")) return null;
    if (!PERMISSIONS.includes(value.permission as Permission)) return null;
    return value as Acceptance;
  } catch {
    return null;
  }
}

/**
 * The app's own comments on an issue or pull request, oldest first: every page, identified by the app id GitHub
 * records on comments an app wrote (`performed_via_github_app`). `complete` is false when the listing is longer than
 * the app reads.
 */
export async function readBotComments(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  identity: BotIdentity,
): Promise<{ comments: BotComment[]; complete: boolean }> {
  const mine: BotComment[] = [];
  if (identity.appId === null) return { comments: mine, complete: false };
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const { data } = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: issueNumber,
      per_page: 100,
      page,
    });
    for (const comment of data) {
      if (comment.performed_via_github_app?.id === identity.appId && comment.body)
        mine.push({ id: comment.id, body: comment.body });
    }
    if (data.length < 100) return { comments: mine, complete: true };
  }
  return { comments: mine, complete: false };
}

/**
 * The acceptances recorded on pull requests. Fail closed: when a conversation cannot be read whole (too long, or the
 * app's identity is unknown), no acceptance counts and `problem` says why.
 */
export async function readAcceptances(
  octokit: GitHubClient,
  repo: RepoRef,
  issueNumbers: readonly number[],
  identity: BotIdentity,
  key: Buffer,
): Promise<AcceptanceState> {
  const state: AcceptanceState = { acceptances: [], handledCommands: new Set(), problem: null };
  for (const number of issueNumbers) {
    const { comments, complete } = await readBotComments(octokit, repo, number, identity);
    if (!complete) {
      const why =
        identity.appId === null
          ? "GitHub did not tell the app its own identity, so its comments cannot be recognised"
          : `pull request #${number} has more than ${(MAX_COMMENT_PAGES * 100).toLocaleString("en-US")} comments, more than the app reads`;
      return { acceptances: [], handledCommands: state.handledCommands, problem: `no acceptance counts: ${why}` };
    }
    const records = markersIn(comments, key, { repo, pullNumber: number });
    for (const record of records) state.handledCommands.add(record.acceptance.commandCommentId);
    state.acceptances.push(...acceptancesFrom(records));
  }
  return state;
}
