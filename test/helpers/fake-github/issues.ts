/**
 * Issues (list by creator and state, create, get, edit/close/reopen), the installations of the app and the
 * repositories of an installation, and git refs: what the scans of default branches and the dashboard issue use.
 * Issues the app creates are authored by its bot user and carry `performed_via_github_app`; issues tests add on a
 * user's behalf (`FakeRepo.addIssue`) do not.
 */
import { json, notFound, paginate, repoOf, route, validationFailed, type Ctx, type Reply, type Route } from "./http.js";
import { HTML, appObject, botLogin, installationObject, nodeId, repoLike, repositoryObject, user } from "./objects.js";
import type { FakeRepoImpl } from "./repo.js";
import type { StoredIssue } from "./types.js";

/** GitHub's limit on an issue's body. */
const MAX_ISSUE_BODY_CHARS = 65536;

export function issueObject(ctx: Ctx, repo: FakeRepoImpl, issue: StoredIssue): Record<string, unknown> {
  const api = `${ctx.fake.url}/repos/${repo.fullName}`;
  const isApp = issue.user.type === "Bot" && issue.user.login === botLogin(ctx.fake);
  return {
    id: issue.id,
    node_id: nodeId("I_", issue.id),
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `${HTML}/${repo.fullName}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: user(ctx.fake, issue.user.login, issue.user.type),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: repo.comments.filter((c) => c.issue_number === issue.number).length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: null,
    author_association: isApp ? "NONE" : "MEMBER",
    performed_via_github_app: isApp ? appObject(ctx.fake) : null,
    reactions: {
      url: `${api}/issues/${issue.number}/reactions`,
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
  };
}

function findIssue(ctx: Ctx, repo: FakeRepoImpl): StoredIssue {
  const number = Number(ctx.params.issue_number);
  const issue = repo.issues.find((i) => i.number === number);
  if (!issue) throw notFound(ctx);
  return issue;
}

function textField(ctx: Ctx, field: "title" | "body", required: boolean): string | undefined {
  const value = (ctx.body as Record<string, unknown> | undefined)?.[field];
  if (value === undefined || value === null) {
    if (required) throw validationFailed(ctx, [{ resource: "Issue", field, code: "missing_field" }]);
    return undefined;
  }
  if (typeof value !== "string") throw validationFailed(ctx, [{ resource: "Issue", field, code: "invalid" }]);
  if (field === "body" && [...value].length > MAX_ISSUE_BODY_CHARS)
    throw validationFailed(ctx, [
      { resource: "Issue", field, code: "custom", message: "body is too long (maximum is 65536 characters)" },
    ]);
  return value;
}

function listIssues(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const state = ctx.query.state ?? "open";
  let issues = repo.issues.filter((i) => state === "all" || i.state === state);
  if (ctx.query.creator !== undefined)
    issues = issues.filter((i) => i.user.login.toLowerCase() === ctx.query.creator?.toLowerCase());
  const direction = ctx.query.direction ?? "desc";
  issues = [...issues].sort((a, b) => a.number - b.number);
  if (direction === "desc") issues.reverse();
  const page = paginate(ctx, issues);
  return json(
    200,
    page.items.map((i) => issueObject(ctx, repo, i)),
    page.headers,
  );
}

function createIssue(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const title = textField(ctx, "title", true) as string;
  const issue = repo.addIssue(title, textField(ctx, "body", false) ?? "", { login: botLogin(ctx.fake), type: "Bot" });
  return json(201, issueObject(ctx, repo, issue));
}

function getIssue(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  return json(200, issueObject(ctx, repo, findIssue(ctx, repo)));
}

function updateIssue(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const issue = findIssue(ctx, repo);
  const title = textField(ctx, "title", false);
  const body = textField(ctx, "body", false);
  const fields = (ctx.body ?? {}) as { state?: unknown; state_reason?: unknown };
  if (title !== undefined) issue.title = title;
  if (body !== undefined) issue.body = body;
  const now = ctx.fake.now();
  if (fields.state === "closed" && issue.state !== "closed") {
    issue.state = "closed";
    issue.closedAt = now;
    issue.stateReason = typeof fields.state_reason === "string" ? fields.state_reason : "completed";
  } else if (fields.state === "open" && issue.state !== "open") {
    issue.state = "open";
    issue.closedAt = null;
    issue.stateReason = "reopened";
  }
  issue.updatedAt = now;
  issue.edits++;
  return json(200, issueObject(ctx, repo, issue));
}

function listInstallations(ctx: Ctx): Reply {
  const seen = new Map<number, FakeRepoImpl>();
  for (const repo of ctx.fake.allRepos()) if (!seen.has(repo.installationId)) seen.set(repo.installationId, repo);
  const page = paginate(ctx, [...seen.values()]);
  return json(
    200,
    page.items.map((repo) => installationObject(ctx.fake, repo)),
    page.headers,
  );
}

function listInstallationRepos(ctx: Ctx): Reply {
  const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ""))?.[1] ?? "";
  const installationId = ctx.fake.installationOfToken(token);
  if (installationId === undefined) throw notFound(ctx);
  const repos = ctx.fake.allRepos().filter((r) => r.installationId === installationId);
  const page = paginate(ctx, repos);
  return json(
    200,
    {
      total_count: repos.length,
      repository_selection: "selected",
      repositories: page.items.map((r) => repositoryObject(ctx.fake, repoLike(r), true)),
    },
    page.headers,
  );
}

function getRef(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const ref = ctx.params.ref ?? "";
  const branch = /^heads\/(.+)$/.exec(ref)?.[1];
  const sha = branch ? repo.branches.get(branch) : undefined;
  if (!sha) throw notFound(ctx);
  const api = `${ctx.fake.url}/repos/${repo.fullName}`;
  return json(200, {
    ref: `refs/${ref}`,
    node_id: nodeId("REF_", `${repo.id}:${ref}`),
    url: `${api}/git/refs/${ref}`,
    object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
  });
}

export const issueRoutes: Route[] = [
  route("GET", "/app/installations", listInstallations),
  route("GET", "/installation/repositories", listInstallationRepos),
  route("GET", "/repos/{owner}/{repo}/git/ref/{ref}", getRef),
  route("GET", "/repos/{owner}/{repo}/issues", listIssues),
  route("POST", "/repos/{owner}/{repo}/issues", createIssue),
  route("GET", "/repos/{owner}/{repo}/issues/{issue_number}", getIssue),
  route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", updateIssue),
];
