/** GitHub's JSON objects (users, repositories, the app, commits, pull requests, check runs, comments) as it renders them. */
import { createHash } from "node:crypto";
import { AUTHOR, type Commit } from "./git.js";
import type { FakeState } from "./http.js";
import type { FakeRepoImpl, PullState } from "./repo.js";
import type { StoredCheckRun, StoredComment } from "./types.js";

export const HTML = "https://github.com";

/** A stable numeric id for a login, so the same user always gets the same id. */
export function userId(login: string): number {
  return createHash("sha1").update(login.toLowerCase()).digest().readUInt32BE(0) % 100_000_000;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");
}

export function user(fake: FakeState, login: string, type: "User" | "Bot" | "Organization" = "User"): Record<string, unknown> {
  const id = userId(login);
  const api = `${fake.url}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type === "Bot" ? "BOT_" : type === "Organization" ? "O_" : "U_", id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: type === "Bot" ? `${HTML}/apps/${login.replace(/\[bot\]$/, "")}` : `${HTML}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function botLogin(fake: FakeState): string {
  return `${fake.appSlug}[bot]`;
}

export function appObject(fake: FakeState): Record<string, unknown> {
  return {
    id: fake.appId,
    client_id: `Iv1.${createHash("sha1").update(String(fake.appId)).digest("hex").slice(0, 16)}`,
    slug: fake.appSlug,
    node_id: nodeId("A_", fake.appId),
    owner: user(fake, `${fake.appSlug}-owner`, "Organization"),
    name: fake.appSlug,
    description: "A fake GitHub App",
    external_url: `https://example.com/${fake.appSlug}`,
    html_url: `${HTML}/apps/${fake.appSlug}`,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    permissions: APP_PERMISSIONS,
    events: ["check_run", "check_suite", "issue_comment", "pull_request", "push"],
    installations_count: new Set(fake.allRepos().map((r) => r.installationId)).size,
  };
}

export const APP_PERMISSIONS = { checks: "write", contents: "read", issues: "write", metadata: "read", pull_requests: "read" };

export function installationObject(fake: FakeState, repo: FakeRepoImpl): Record<string, unknown> {
  const id = repo.installationId;
  return {
    id,
    account: user(fake, repo.owner, "Organization"),
    repository_selection: "selected",
    access_tokens_url: `${fake.url}/app/installations/${id}/access_tokens`,
    repositories_url: `${fake.url}/installation/repositories`,
    html_url: `${HTML}/organizations/${repo.owner}/settings/installations/${id}`,
    app_id: fake.appId,
    app_slug: fake.appSlug,
    target_id: userId(repo.owner),
    target_type: "Organization",
    permissions: APP_PERMISSIONS,
    events: appObject(fake).events,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

interface RepoLike {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  fork: boolean;
  createdAt: string;
}

export function repositoryObject(fake: FakeState, repo: RepoLike, full = false): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const api = `${fake.url}/repos/${fullName}`;
  const html = `${HTML}/${fullName}`;
  const object: Record<string, unknown> = {
    id: repo.id,
    node_id: nodeId("R_", repo.id),
    name: repo.name,
    full_name: fullName,
    private: false,
    owner: user(fake, repo.owner, "Organization"),
    html_url: html,
    description: null,
    fork: repo.fork,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "public",
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
  if (full) {
    Object.assign(object, {
      permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
      network_count: 0,
      subscribers_count: 0,
    });
  }
  return object;
}

export function repoLike(repo: FakeRepoImpl): RepoLike {
  return { id: repo.id, owner: repo.owner, name: repo.name, defaultBranch: repo.defaultBranch, fork: false, createdAt: repo.createdAt };
}

/** The fork a fork pull request comes from: "someone/<name>". */
export function forkLike(repo: FakeRepoImpl): RepoLike {
  return { id: repo.id + 500_000_000, owner: "someone", name: repo.name, defaultBranch: repo.defaultBranch, fork: true, createdAt: repo.createdAt };
}

export function commitObject(fake: FakeState, repo: FakeRepoImpl, commit: Commit): Record<string, unknown> {
  const api = `${fake.url}/repos/${repo.fullName}`;
  const date = new Date(commit.time * 1000).toISOString().replace(/\.000Z$/, "Z");
  const who = { name: AUTHOR.name, email: AUTHOR.email, date };
  return {
    sha: commit.sha,
    node_id: nodeId("C_", commit.sha),
    commit: {
      author: who,
      committer: who,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${HTML}/${repo.fullName}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${HTML}/${repo.fullName}/commit/${sha}` })),
  };
}

export function pullObject(fake: FakeState, repo: FakeRepoImpl, pr: PullState, detailed: boolean): Record<string, unknown> {
  const api = `${fake.url}/repos/${repo.fullName}`;
  const html = `${HTML}/${repo.fullName}/pull/${pr.number}`;
  const headRepo = pr.fork ? forkLike(repo) : repoLike(repo);
  const author = user(fake, pr.user);
  const base = repo.branches.get(pr.baseRef) ?? pr.headSha;
  const closedAt = pr.state === "closed" ? pr.createdAt : null;
  const object: Record<string, unknown> = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("PR_", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: `Pull request #${pr.number}`,
    user: author,
    body: null,
    created_at: pr.createdAt,
    updated_at: pr.createdAt,
    closed_at: closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: false,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    head: {
      label: `${headRepo.owner}:${pr.headRef}`,
      ref: pr.headRef,
      sha: pr.headSha,
      user: user(fake, headRepo.owner, "Organization"),
      repo: repositoryObject(fake, headRepo),
    },
    base: {
      label: `${repo.owner}:${pr.baseRef}`,
      ref: pr.baseRef,
      sha: base,
      user: user(fake, repo.owner, "Organization"),
      repo: repositoryObject(fake, repoLike(repo)),
    },
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: pr.fork ? "CONTRIBUTOR" : "MEMBER",
    auto_merge: null,
    active_lock_reason: null,
  };
  if (detailed) {
    Object.assign(object, {
      merged: false,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: null,
      comments: repo.comments.filter((c) => c.issue_number === pr.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    });
  }
  return object;
}

export function checkRunObject(fake: FakeState, repo: FakeRepoImpl, run: StoredCheckRun, suiteId: number): Record<string, unknown> {
  const api = `${fake.url}/repos/${repo.fullName}`;
  const pulls = [...repo.pulls.values()].filter((pr) => pr.state === "open" && !pr.fork && pr.headSha === run.head_sha);
  const minimalRepo = { id: repo.id, url: api, name: repo.name };
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CR_", run.id),
    head_sha: run.head_sha,
    external_id: run.external_id ?? "",
    url: `${api}/check-runs/${run.id}`,
    html_url: `${HTML}/${repo.fullName}/runs/${run.id}`,
    details_url: run.details_url ?? `${HTML}/apps/${fake.appSlug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: suiteId },
    app: appObject(fake),
    pull_requests: pulls.map((pr) => ({
      url: `${api}/pulls/${pr.number}`,
      id: pr.id,
      number: pr.number,
      head: { ref: pr.headRef, sha: pr.headSha, repo: minimalRepo },
      base: { ref: pr.baseRef, sha: repo.branches.get(pr.baseRef) ?? pr.headSha, repo: minimalRepo },
    })),
  };
}

export function annotationObject(repo: FakeRepoImpl, run: StoredCheckRun, annotation: Record<string, unknown>): Record<string, unknown> {
  const path = String(annotation.path);
  const opt = (key: string) => (annotation[key] === undefined ? null : annotation[key]);
  return {
    path,
    blob_href: `${HTML}/${repo.fullName}/blob/${run.head_sha}/${path.split("/").map(encodeURIComponent).join("/")}`,
    start_line: annotation.start_line,
    start_column: opt("start_column"),
    end_line: annotation.end_line,
    end_column: opt("end_column"),
    annotation_level: annotation.annotation_level,
    title: annotation.title === undefined ? "" : annotation.title,
    message: annotation.message,
    raw_details: annotation.raw_details === undefined ? "" : annotation.raw_details,
  };
}

export const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"] as const;

export function commentObject(fake: FakeState, repo: FakeRepoImpl, comment: StoredComment): Record<string, unknown> {
  const api = `${fake.url}/repos/${repo.fullName}`;
  const times = repo.commentTimes(comment);
  const kind = repo.pulls.has(comment.issue_number) ? "pull" : "issues";
  const counts: Record<string, unknown> = { url: `${api}/issues/comments/${comment.id}/reactions`, total_count: comment.reactions.length };
  for (const content of REACTIONS) counts[content] = comment.reactions.filter((r) => r.content === content).length;
  const isBot = comment.user.type === "Bot";
  return {
    id: comment.id,
    node_id: nodeId("IC_", comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${HTML}/${repo.fullName}/${kind}/${comment.issue_number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: user(fake, comment.user.login, comment.user.type),
    created_at: times.createdAt,
    updated_at: times.updatedAt,
    issue_url: `${api}/issues/${comment.issue_number}`,
    author_association: isBot ? "NONE" : "MEMBER",
    performed_via_github_app: isBot && comment.user.login === botLogin(fake) ? appObject(fake) : null,
    reactions: counts,
  };
}

export function reactionObject(fake: FakeState, reaction: { content: string; user: string; id: number }, createdAt: string): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: nodeId("REA_", reaction.id),
    user: user(fake, reaction.user, reaction.user.endsWith("[bot]") ? "Bot" : "User"),
    content: reaction.content,
    created_at: createdAt,
  };
}
