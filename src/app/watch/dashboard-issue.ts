/**
 * The dashboard issue on GitHub: found again through the issues list filtered by creator (the app's bot login; the
 * search API's rate limit is far smaller), and only counted when GitHub records the app itself as its author (app id)
 * and its body carries the marker signed for this repository. An issue or comment anyone else writes, marker copied
 * or not, is never the dashboard. Created when something needs attention, edited in place, closed when nothing does,
 * reopened when something does again.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { DASHBOARD_TITLE } from "../../report/dashboard.js";
import type { GitHubClient, RepoRef } from "../github-client.js";

const MARKER = /<!-- mtls-gate:dashboard ([A-Za-z0-9_-]{43}) -->/;
/** 1,000 issues by the app: far past what one repository's dashboard and its history need. */
const MAX_ISSUE_PAGES = 10;

export interface AppIdentity {
  appId: number | null;
  /** The app's bot login (`<slug>[bot]`), what the issues list filters by. */
  login: string | null;
}

export interface DashboardIssue {
  number: number;
  state: "open" | "closed";
  body: string;
}

export function dashboardMarker(key: Buffer, repo: RepoRef): string {
  return `<!-- mtls-gate:dashboard ${sign(key, repo)} -->`;
}

/** Whether a body carries the marker signed for this repository (a marker of another repository does not count). */
export function hasDashboardMarker(body: string | null | undefined, key: Buffer, repo: RepoRef): boolean {
  const given = MARKER.exec(body ?? "")?.[1];
  if (!given) return false;
  const expected = Buffer.from(sign(key, repo));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** An issue the app itself wrote (by app id) with this repository's signed marker. */
export function isDashboard(
  issue: { body?: string | null; performed_via_github_app?: { id?: number | null } | null; pull_request?: unknown },
  identity: Pick<AppIdentity, "appId">,
  key: Buffer,
  repo: RepoRef,
): boolean {
  return (
    identity.appId !== null &&
    issue.pull_request === undefined &&
    issue.performed_via_github_app?.id === identity.appId &&
    hasDashboardMarker(issue.body, key, repo)
  );
}

export async function findDashboard(
  github: GitHubClient,
  repo: RepoRef,
  identity: AppIdentity,
  key: Buffer,
): Promise<DashboardIssue | null> {
  if (identity.appId === null || identity.login === null) return null;
  for (let page = 1; page <= MAX_ISSUE_PAGES; page++) {
    const { data } = await github.rest.issues.listForRepo({
      ...repo,
      creator: identity.login,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: 100,
      page,
    });
    const found = data.find((issue) => isDashboard(issue, identity, key, repo));
    if (found)
      return { number: found.number, state: found.state === "closed" ? "closed" : "open", body: found.body ?? "" };
    if (data.length < 100) return null;
  }
  return null;
}

export type DashboardChange = "created" | "edited" | "closed" | "reopened" | "unchanged" | "none";

export function bodyDigest(body: string): string {
  return createHash("sha256").update(body).digest("base64url");
}

/**
 * Brings the issue in line with the scan: the body, and open exactly when something needs attention. `known` is the
 * issue as the app last left it (no listing needed then); null: look for it.
 */
export async function syncDashboard(
  github: GitHubClient,
  repo: RepoRef,
  desired: { body: string; attention: boolean },
  identity: AppIdentity,
  key: Buffer,
  known: { number: number } | null,
): Promise<{ change: DashboardChange; issue: { number: number; state: "open" | "closed" } | null }> {
  let issue: DashboardIssue | null = null;
  if (known) {
    try {
      const { data } = await github.rest.issues.get({ ...repo, issue_number: known.number });
      // Edited by someone so that it is no longer the app's signed dashboard: looked for (or made) anew.
      if (isDashboard(data, identity, key, repo))
        issue = { number: data.number, state: data.state === "closed" ? "closed" : "open", body: data.body ?? "" };
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status !== 404 && status !== 410) throw error;
    }
  }
  issue ??= await findDashboard(github, repo, identity, key);
  if (!issue) {
    if (!desired.attention) return { change: "none", issue: null };
    const { data } = await github.rest.issues.create({ ...repo, title: DASHBOARD_TITLE, body: desired.body });
    return { change: "created", issue: { number: data.number, state: "open" } };
  }
  const state = desired.attention ? "open" : "closed";
  if (issue.body === desired.body && issue.state === state) return { change: "unchanged", issue };
  await github.rest.issues.update({
    ...repo,
    issue_number: issue.number,
    body: desired.body,
    state,
    ...(state === "closed" ? { state_reason: "completed" as const } : {}),
  });
  const change = issue.state === state ? "edited" : state === "closed" ? "closed" : "reopened";
  return { change, issue: { number: issue.number, state } };
}

function sign(key: Buffer, repo: RepoRef): string {
  return createHmac("sha256", key)
    .update(`mtls-gate:dashboard\u0000${repo.owner}/${repo.repo}`.toLowerCase())
    .digest("base64url");
}
