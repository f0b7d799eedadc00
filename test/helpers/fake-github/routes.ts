/** The route table: every endpoint the fake answers, by method and OpenAPI path template. */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { checkRunRoutes } from "./check-runs.js";
import { issueRoutes } from "./issues.js";
import { countLineChanges, type Commit } from "./git.js";
import {
  intParam,
  json,
  notFound,
  paginate,
  repoOf,
  route,
  validationFailed,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import {
  APP_PERMISSIONS,
  HTML,
  REACTIONS,
  appObject,
  botLogin,
  commentObject,
  commitObject,
  installationObject,
  pullObject,
  reactionObject,
  repoLike,
  repositoryObject,
  user,
} from "./objects.js";
import type { FakeRepoImpl } from "./repo.js";
import { buildTarball } from "./tarball.js";
import type { Permission, StoredComment } from "./types.js";

/** The path of the fake's stand-in for codeload.github.com, where tarball downloads are redirected. */
export const CODELOAD_PREFIX = "/_codeload/";
export const CODELOAD_TEMPLATE = "/_codeload/{owner}/{repo}/legacy.tar.gz/{ref}";

/** The contents API returns the content of files up to this size; larger ones only raw. */
const CONTENTS_JSON_MAX_BYTES = 1024 * 1024;
/** GitHub's limit on an issue comment's body. */
export const MAX_COMMENT_CHARS = 65536;
/** The compare API lists at most this many commits without pagination, and this many files. */
const COMPARE_MAX_COMMITS = 250;
const COMPARE_MAX_FILES = 300;

/** base64, wrapped every 60 characters with a trailing newline, as the blob and contents APIs send it. */
export function wrappedBase64(data: Buffer): string {
  const b64 = data.toString("base64");
  let out = "";
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

function commitOrNotFound(ctx: Ctx, repo: FakeRepoImpl, ref: string): Commit {
  const sha = repo.resolveCommit(ref);
  if (!sha) throw notFound(ctx);
  return repo.store.commit(sha);
}

// ---------------------------------------------------------------------------------------------------------------------
// The app and its installations

function installationRepos(ctx: Ctx, installationId: number): FakeRepoImpl[] {
  const repos = ctx.fake.allRepos().filter((r) => r.installationId === installationId);
  if (repos.length === 0) throw notFound(ctx);
  return repos;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function createAccessToken(ctx: Ctx): Reply {
  const installationId = intParam(ctx, "installation_id");
  const repos = installationRepos(ctx, installationId);
  const body = (typeof ctx.body === "object" && ctx.body !== null ? ctx.body : {}) as { permissions?: unknown };
  const token = `ghs_${randomBytes(18).toString("hex")}`;
  // `GET /installation/repositories` answers by the token's installation.
  ctx.fake.rememberToken(token, installationId);
  return json(201, {
    token,
    expires_at: isoSeconds(Date.now() + 60 * 60 * 1000),
    permissions: body.permissions ?? APP_PERMISSIONS,
    repository_selection: "selected",
    repositories: repos.map((r) => repositoryObject(ctx.fake, repoLike(r))),
  });
}

function getInstallation(ctx: Ctx): Reply {
  const [repo] = installationRepos(ctx, intParam(ctx, "installation_id"));
  return json(200, installationObject(ctx.fake, repo as FakeRepoImpl));
}

/**
 * The manifest flow's last step: the code GitHub sent to the redirect_url becomes the app and its credentials. No
 * authentication (the code is the secret); an unknown or used code is a 404, as on GitHub.
 */
function convertManifest(ctx: Ctx): Reply {
  const code = ctx.params.code ?? "";
  const manifest = ctx.fake.takeManifestCode(code);
  if (!manifest) throw notFound(ctx);
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const app = appObject(ctx.fake);
  const name = typeof manifest.name === "string" ? manifest.name : ctx.fake.appSlug;
  const conversion = {
    code,
    manifest,
    id: ctx.fake.appId,
    slug: ctx.fake.appSlug,
    pem: privateKey,
    webhookSecret: randomBytes(20).toString("hex"),
    clientId: String(app.client_id),
    clientSecret: randomBytes(20).toString("hex"),
  };
  ctx.fake.recordConversion(conversion);
  return json(201, {
    ...app,
    name,
    description: typeof manifest.description === "string" ? manifest.description : null,
    external_url: typeof manifest.url === "string" ? manifest.url : app.external_url,
    client_secret: conversion.clientSecret,
    webhook_secret: conversion.webhookSecret,
    pem: conversion.pem,
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Git data

function getTree(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const ref = ctx.params.tree_sha ?? "";
  const object = repo.store.get(ref.toLowerCase());
  let treeSha: string;
  if (object?.type === "tree") treeSha = object.sha;
  else if (object?.type === "blob") throw notFound(ctx);
  else treeSha = commitOrNotFound(ctx, repo, ref).tree;
  // Any value of `recursive`, even "0" or "false", asks for the whole tree.
  const entries = repo.store.walk(treeSha, ctx.query.recursive !== undefined);
  const limit = ctx.fake.treeEntryLimit;
  const api = `${ctx.fake.url}/repos/${repo.fullName}/git`;
  return json(200, {
    sha: treeSha,
    url: `${api}/trees/${treeSha}`,
    tree: entries.slice(0, limit).map((e) =>
      e.type === "blob"
        ? { path: e.path, mode: e.mode, type: e.type, sha: e.sha, size: e.size, url: `${api}/blobs/${e.sha}` }
        : { path: e.path, mode: e.mode, type: e.type, sha: e.sha, url: `${api}/trees/${e.sha}` },
    ),
    truncated: entries.length > limit,
  });
}

function getBlob(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const object = repo.store.get((ctx.params.file_sha ?? "").toLowerCase());
  if (object?.type !== "blob") throw notFound(ctx);
  return json(200, {
    sha: object.sha,
    node_id: Buffer.from(`0:B_${repo.id}:${object.sha}`).toString("base64").replace(/=+$/, ""),
    size: object.data.length,
    url: `${ctx.fake.url}/repos/${repo.fullName}/git/blobs/${object.sha}`,
    content: wrappedBase64(object.data),
    encoding: "base64",
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Archives

function tarballRedirect(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const commit = commitOrNotFound(ctx, repo, ctx.params.ref ?? "");
  return {
    status: 302,
    raw: Buffer.alloc(0),
    contentType: "text/html;charset=utf-8",
    headers: { location: `${ctx.fake.url}${CODELOAD_PREFIX}${repo.owner}/${repo.name}/legacy.tar.gz/${commit.sha}` },
  };
}

async function codeload(ctx: Ctx): Promise<Reply> {
  const repo = ctx.fake.findRepo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  const sha = repo?.resolveCommit(ctx.params.ref ?? "");
  if (!repo || !sha) return { status: 404, raw: Buffer.from("404: Not Found"), contentType: "text/plain; charset=utf-8" };
  const prefix = `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`;
  return {
    status: 200,
    raw: await buildTarball(repo.store, sha, prefix),
    contentType: "application/x-gzip",
    headers: { "content-disposition": `attachment; filename=${prefix}.tar.gz`, etag: `"${sha}"` },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Commits

function compare(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const basehead = ctx.params.basehead ?? "";
  const split = /^(.+?)(\.\.\.?)(.+)$/.exec(basehead);
  if (!split) throw notFound(ctx);
  const side = (ref: string): Commit => {
    const colon = ref.indexOf(":");
    if (colon >= 0) {
      // "owner:branch": only this repository's own branches exist here.
      if (ref.slice(0, colon).toLowerCase() !== repo.owner.toLowerCase()) throw notFound(ctx);
      ref = ref.slice(colon + 1);
    }
    return commitOrNotFound(ctx, repo, ref);
  };
  const base = side(split[1] as string);
  const head = side(split[3] as string);
  const mergeBaseSha = repo.store.mergeBase(base.sha, head.sha);
  if (!mergeBaseSha) throw notFound(ctx, `No common ancestor between ${split[1]} and ${split[3]}.`);
  const mergeBase = repo.store.commit(mergeBaseSha);
  const ofBase = repo.store.ancestors(base.sha);
  const ofHead = repo.store.ancestors(head.sha);
  const ahead = [...ofHead].filter((sha) => !ofBase.has(sha)).map((sha) => repo.store.commit(sha));
  const behindBy = [...ofBase].filter((sha) => !ofHead.has(sha)).length;
  ahead.sort((a, b) => a.seq - b.seq);
  const status = ahead.length === 0 && behindBy === 0 ? "identical" : behindBy === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";

  const paged = ctx.query.per_page !== undefined || ctx.query.page !== undefined;
  // Unpaginated: the newest 250 commits. Paginated: pages of commits, oldest first, and the files on page 1 only.
  const page = paged ? paginate(ctx, ahead) : { items: ahead.slice(-COMPARE_MAX_COMMITS), headers: {} };
  const firstPage = !paged || (ctx.query.page ?? "1") === "1";
  const api = `${ctx.fake.url}/repos/${repo.fullName}`;
  const html = `${HTML}/${repo.fullName}`;
  const body: Record<string, unknown> = {
    url: `${api}/compare/${basehead}`,
    html_url: `${html}/compare/${basehead}`,
    permalink_url: `${html}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
    diff_url: `${html}/compare/${basehead}.diff`,
    patch_url: `${html}/compare/${basehead}.patch`,
    base_commit: commitObject(ctx.fake, repo, base),
    merge_base_commit: commitObject(ctx.fake, repo, mergeBase),
    status,
    ahead_by: ahead.length,
    behind_by: behindBy,
    total_commits: ahead.length,
    commits: page.items.map((c) => commitObject(ctx.fake, repo, c)),
  };
  if (firstPage) body.files = diffFiles(ctx, repo, mergeBase.tree, head.tree, head.sha).slice(0, COMPARE_MAX_FILES);
  return json(200, body, page.headers);
}

function diffFiles(ctx: Ctx, repo: FakeRepoImpl, fromTree: string, toTree: string, headSha: string): Record<string, unknown>[] {
  const before = repo.store.flatten(fromTree);
  const after = repo.store.flatten(toTree);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const files: Record<string, unknown>[] = [];
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    const status = a === undefined ? "added" : b === undefined ? "removed" : "modified";
    const oldData = a === undefined ? null : repo.store.blob(a).data;
    const newData = b === undefined ? null : repo.store.blob(b).data;
    const { additions, deletions } = countLineChanges(oldData, newData);
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    // No `patch`: GitHub leaves it out of large diffs too, and a made-up one would mislead.
    files.push({
      sha: b ?? a,
      filename: path,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${HTML}/${repo.fullName}/blob/${headSha}/${encoded}`,
      raw_url: `${HTML}/${repo.fullName}/raw/${headSha}/${encoded}`,
      contents_url: `${ctx.fake.url}/repos/${repo.fullName}/contents/${encoded}?ref=${headSha}`,
    });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------------------
// Contents

function wantsRaw(ctx: Ctx): boolean {
  const accept = String(ctx.headers.accept ?? "");
  return /application\/vnd\.github(?:\.v3)?\.raw(?!\+)/.test(accept);
}

function getContent(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const ref = ctx.query.ref ?? repo.defaultBranch;
  const commit = commitOrNotFound(ctx, repo, ref);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const entries = repo.store.walk(commit.tree, true);
  const api = `${ctx.fake.url}/repos/${repo.fullName}`;
  const describe = (e: { path: string; type: "blob" | "tree"; sha: string; size?: number }) => {
    const encoded = e.path.split("/").map(encodeURIComponent).join("/");
    const self = `${api}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
    const git = `${api}/git/${e.type === "blob" ? "blobs" : "trees"}/${e.sha}`;
    const html = `${HTML}/${repo.fullName}/${e.type === "blob" ? "blob" : "tree"}/${ref}/${encoded}`;
    return {
      name: e.path.split("/").pop(),
      path: e.path,
      sha: e.sha,
      size: e.size ?? 0,
      url: self,
      html_url: html,
      git_url: git,
      download_url: e.type === "blob" ? `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${encoded}` : null,
      type: e.type === "blob" ? "file" : "dir",
      _links: { self, git, html },
    };
  };
  const file = entries.find((e) => e.path === path);
  if (file?.type === "blob") {
    const data = repo.store.blob(file.sha).data;
    if (wantsRaw(ctx)) return { status: 200, raw: data, contentType: "application/vnd.github.raw; charset=utf-8" };
    const small = data.length <= CONTENTS_JSON_MAX_BYTES;
    return json(200, { ...describe(file), content: small ? wrappedBase64(data) : "", encoding: small ? "base64" : "none" });
  }
  const prefix = path === "" ? "" : `${path}/`;
  if (path !== "" && file?.type !== "tree") throw notFound(ctx);
  const children = entries.filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes("/"));
  return json(200, children.map(describe));
}

// ---------------------------------------------------------------------------------------------------------------------
// Pull requests

function listPulls(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const state = ctx.query.state ?? "open";
  let pulls = [...repo.pulls.values()].filter((pr) => state === "all" || pr.state === state);
  if (ctx.query.base !== undefined) pulls = pulls.filter((pr) => pr.baseRef === ctx.query.base);
  if (ctx.query.head !== undefined) {
    const [owner, ref] = (ctx.query.head.includes(":") ? ctx.query.head : `${repo.owner}:${ctx.query.head}`).split(":");
    pulls = pulls.filter((pr) => pr.headRef === ref && (pr.fork ? "someone" : repo.owner).toLowerCase() === owner?.toLowerCase());
  }
  const sort = ctx.query.sort ?? "created";
  const direction = ctx.query.direction ?? (sort === "created" ? "desc" : "asc");
  pulls.sort((a, b) => (a.createdAt === b.createdAt ? a.number - b.number : a.createdAt < b.createdAt ? -1 : 1));
  if (direction === "desc") pulls.reverse();
  const page = paginate(ctx, pulls);
  return json(
    200,
    page.items.map((pr) => pullObject(ctx.fake, repo, pr, false)),
    page.headers,
  );
}

function getPull(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const pr = repo.pulls.get(intParam(ctx, "pull_number"));
  if (!pr) throw notFound(ctx);
  return json(200, pullObject(ctx.fake, repo, pr, true));
}

// ---------------------------------------------------------------------------------------------------------------------
// Issue comments and reactions

function issueExists(repo: FakeRepoImpl, number: number): boolean {
  return repo.pulls.has(number) || repo.issues.some((i) => i.number === number) || repo.comments.some((c) => c.issue_number === number);
}

function commentBody(ctx: Ctx): string {
  const body = (ctx.body as { body?: unknown } | undefined)?.body;
  if (typeof body !== "string") throw validationFailed(ctx, [{ resource: "IssueComment", field: "body", code: "missing_field" }]);
  if ([...body].length > MAX_COMMENT_CHARS) {
    throw validationFailed(ctx, [
      { resource: "IssueComment", field: "data", code: "unprocessable", message: `Body is too long (maximum is ${MAX_COMMENT_CHARS} characters)` },
    ]);
  }
  return body;
}

function findComment(ctx: Ctx, repo: FakeRepoImpl): StoredComment {
  const id = intParam(ctx, "comment_id");
  const comment = repo.comments.find((c) => c.id === id);
  if (!comment) throw notFound(ctx);
  return comment;
}

function listComments(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const number = intParam(ctx, "issue_number");
  if (!issueExists(repo, number)) throw notFound(ctx);
  const since = ctx.query.since !== undefined ? Date.parse(ctx.query.since) : Number.NaN;
  const comments = repo.comments
    .filter((c) => c.issue_number === number)
    .filter((c) => Number.isNaN(since) || Date.parse(repo.commentTimes(c).updatedAt) >= since)
    .sort((a, b) => a.id - b.id);
  const page = paginate(ctx, comments);
  return json(
    200,
    page.items.map((c) => commentObject(ctx.fake, repo, c)),
    page.headers,
  );
}

function createComment(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const number = intParam(ctx, "issue_number");
  if (!issueExists(repo, number)) throw notFound(ctx);
  const comment: StoredComment = {
    id: ctx.fake.nextId("comment"),
    issue_number: number,
    body: commentBody(ctx),
    user: { login: botLogin(ctx.fake), type: "Bot" },
    reactions: [],
  };
  repo.comments.push(comment);
  return json(201, commentObject(ctx.fake, repo, comment));
}

function getComment(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  return json(200, commentObject(ctx.fake, repo, findComment(ctx, repo)));
}

function updateComment(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const comment = findComment(ctx, repo);
  comment.body = commentBody(ctx);
  repo.commentTimes(comment).updatedAt = ctx.fake.now();
  return json(200, commentObject(ctx.fake, repo, comment));
}

function deleteComment(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const comment = findComment(ctx, repo);
  repo.comments.splice(repo.comments.indexOf(comment), 1);
  return { status: 204 };
}

const reactionTimes = new WeakMap<object, string>();

function reactionReply(ctx: Ctx, status: number, reaction: StoredComment["reactions"][number]): Reply {
  let createdAt = reactionTimes.get(reaction);
  if (!createdAt) {
    createdAt = ctx.fake.now();
    reactionTimes.set(reaction, createdAt);
  }
  return json(status, reactionObject(ctx.fake, reaction, createdAt));
}

function listReactions(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const comment = findComment(ctx, repo);
  const content = ctx.query.content;
  const page = paginate(
    ctx,
    comment.reactions.filter((r) => content === undefined || r.content === content),
  );
  return json(
    200,
    page.items.map((r) => reactionReply(ctx, 200, r).json),
    page.headers,
  );
}

function createReaction(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const comment = findComment(ctx, repo);
  const content = (ctx.body as { content?: unknown } | undefined)?.content;
  if (typeof content !== "string" || !(REACTIONS as readonly string[]).includes(content)) {
    throw validationFailed(ctx, [{ resource: "Reaction", field: "content", code: "invalid" }]);
  }
  const login = botLogin(ctx.fake);
  const existing = comment.reactions.find((r) => r.content === content && r.user === login);
  if (existing) return reactionReply(ctx, 200, existing);
  const reaction = { content, user: login, id: ctx.fake.nextId("reaction") };
  comment.reactions.push(reaction);
  return reactionReply(ctx, 201, reaction);
}

function deleteReaction(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const comment = findComment(ctx, repo);
  const id = intParam(ctx, "reaction_id");
  const index = comment.reactions.findIndex((r) => r.id === id);
  if (index < 0) throw notFound(ctx);
  comment.reactions.splice(index, 1);
  return { status: 204 };
}

// ---------------------------------------------------------------------------------------------------------------------
// Collaborators

/** GitHub's legacy `permission` field knows only admin, write, read and none; `role_name` has the real role. */
const LEGACY_PERMISSION: Record<Permission, string> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" };

function collaboratorPermission(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const login = ctx.params.username ?? "";
  const role = repo.permissions.get(login.toLowerCase()) ?? "none";
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
  return json(200, {
    permission: LEGACY_PERMISSION[role],
    role_name: role,
    user: {
      ...user(ctx.fake, login),
      permissions: { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 },
      role_name: role,
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------------

export const ROUTES: Route[] = [
  route("POST", "/app/installations/{installation_id}/access_tokens", createAccessToken),
  route("GET", "/app/installations/{installation_id}", getInstallation),
  route("GET", "/app", (ctx) => json(200, appObject(ctx.fake))),
  route("POST", "/app-manifests/{code}/conversions", convertManifest),
  route("GET", "/repos/{owner}/{repo}/installation", (ctx) => json(200, installationObject(ctx.fake, repoOf(ctx)))),
  route("GET", "/repos/{owner}/{repo}", (ctx) => json(200, repositoryObject(ctx.fake, repoLike(repoOf(ctx)), true))),
  route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}", getTree),
  route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", getBlob),
  route("GET", "/repos/{owner}/{repo}/tarball/{ref}", tarballRedirect),
  route("GET", CODELOAD_TEMPLATE, codeload),
  route("GET", "/repos/{owner}/{repo}/compare/{basehead}", compare),
  route("GET", "/repos/{owner}/{repo}/contents/{path}", getContent),
  route("GET", "/repos/{owner}/{repo}/pulls", listPulls),
  route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", getPull),
  ...checkRunRoutes,
  ...issueRoutes,
  route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", listComments),
  route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", createComment),
  route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", getComment),
  route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", updateComment),
  route("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", deleteComment),
  route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", listReactions),
  route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", createReaction),
  route("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}", deleteReaction),
  route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", collaboratorPermission),
];

export function findRoute(method: string, template: string): Route | undefined {
  return ROUTES.find((r) => r.method === method && r.template === template);
}

