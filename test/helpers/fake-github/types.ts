/** The public API of the fake GitHub: tests and helpers are written against these types. */
import type { ManifestConversion } from "./http.js";

export type { ManifestConversion } from "./http.js";

export interface RecordedRequest {
  method: string;
  /** The URL path, each segment percent-decoded ("%2F" in a parameter becomes "/"), without the query string. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** The status the fake answered with. */
  status: number;
  /** The OpenAPI operation the request matched ("checks/create"), null for none (or for the codeload hop). */
  operationId: string | null;
  /** "/api/v3" when the request came the GitHub Enterprise Server way (`GHE_HOST`), "" for github.com's layout. */
  apiPrefix: string;
  /** When the request arrived (Date.now()). */
  at: number;
}

export interface FakeGitHubOptions {
  /** Default 4242. */
  appId?: number;
  /** Default "mtls-gate". */
  appSlug?: string;
}

export interface FakeGitHub {
  /** "http://127.0.0.1:PORT", no trailing slash: pass as Octokit's baseUrl. */
  readonly url: string;
  readonly appId: number;
  /** Every request, in order of arrival, including the ones answered with injected failures. */
  readonly requests: RecordedRequest[];
  /** Requests that GitHub's OpenAPI description does not allow, human-readable, each naming method and path. */
  readonly violations: string[];
  /** A recursive tree with more entries than this lists the first ones and says `truncated: true`. Default 100000. */
  treeEntryLimit: number;
  createRepo(fullName: string, options?: { defaultBranch?: string; installationId?: number }): FakeRepo;
  /** Throws if unknown. */
  repo(fullName: string): FakeRepo;
  /** The next `times` (default 1) matching requests are answered with `status` and a GitHub-style JSON error body. */
  failNext(match: { method?: string; path: RegExp }, status: number, times?: number): void;
  /** The next `times` (default 1) matching requests are answered only after `ms` milliseconds (a slow or stalled GitHub). */
  delayNext(match: { method?: string; path: RegExp }, ms: number, times?: number): void;
  /** Drops every pending failNext and delayNext rule: GitHub is well again. */
  clearFailures(): void;
  /** Recorded requests without the installation access-token POST and without the tarball's codeload hop. */
  apiCalls(filter?: { method?: string; path?: RegExp }): RecordedRequest[];
  /**
   * What GitHub does when a user submits a manifest on its "Create GitHub App" page: returns the code it sends to the
   * manifest's redirect_url. `POST /app-manifests/{code}/conversions` then creates the app (id: this fake's appId, so
   * that the app's later calls authenticate here) with a fresh RSA key and webhook secret, once per code.
   */
  manifestCode(manifest: Record<string, unknown>): string;
  /** Apps created from manifest codes, in order, with the credentials handed out. */
  readonly conversions: readonly ManifestConversion[];
  /** Clears requests and violations (repositories and pending failNext rules stay). */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeRepo {
  readonly fullName: string;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  /**
   * Creates a commit whose tree is exactly `files` (path -> content; Uint8Array for binary) and returns its SHA.
   * `parents` defaults to the tip of `branch` when that branch exists, else to none (a root commit). If `branch` is
   * given the branch moves to the new commit; otherwise no ref moves, except that the repository's very first commit
   * also creates the default branch.
   */
  commit(files: Record<string, string | Uint8Array>, options?: { parents?: string[]; branch?: string; message?: string }): string;
  /** A commit whose tree is `parent`'s with `changes` applied (null deletes a path); `parent` is its only parent. */
  commitChanges(parent: string, changes: Record<string, string | Uint8Array | null>, options?: { branch?: string; message?: string }): string;
  /** Throws if the branch does not exist. */
  branchSha(branch: string): string;
  /** Creates or moves a branch; the SHA must be a commit of this repository. */
  setBranch(branch: string, sha: string): void;
  addPullRequest(pr: {
    number: number;
    headSha: string;
    /** Default: the default branch. */
    baseRef?: string;
    /** Default: `pr-<number>`. */
    headRef?: string;
    /** The head repository is a fork, "someone/<name>". */
    fork?: boolean;
    /** Default "open". */
    state?: "open" | "closed";
    /** The author's login, default "octocat". */
    user?: string;
  }): void;
  /** A push to a pull request's branch: its head moves to `headSha`. */
  setPullRequestHead(number: number, headSha: string): void;
  readonly checkRuns: StoredCheckRun[];
  /** Issue comments. */
  readonly comments: StoredComment[];
  setPermission(user: string, permission: Permission): void;
  /** Issues (not pull requests), the app's and anyone's. */
  readonly issues: StoredIssue[];
  /** An issue someone opened (the app's own are created through the API). */
  addIssue(title: string, body: string, user: { login: string; type: "User" | "Bot" }): StoredIssue;
  /** A comment someone wrote on an issue or pull request (as the webhook's `comment` will describe it). */
  addComment(issueNumber: number, body: string, user: { login: string; type: "User" | "Bot" }): StoredComment;
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation received, in order, as sent. */
  annotations: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  started_at: string | null;
  completed_at: string | null;
  /** Successful PATCH requests. */
  updates: number;
}

export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason: string | null;
  user: { login: string; type: "User" | "Bot" };
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Successful PATCH requests. */
  edits: number;
}

export interface StoredComment {
  id: number;
  issue_number: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
  reactions: { content: string; user: string; id: number }[];
}
