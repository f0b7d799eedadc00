/**
 * The fake GitHub's own tests: it must answer like GitHub (shapes checked against GitHub's published response schemas,
 * status codes, limits) and flag requests GitHub's OpenAPI description does not allow.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { Octokit } from "@octokit/rest";
import { Probot } from "probot";
import tarStream from "tar-stream";
import { schemaWarnings, startFakeGitHub, validateResponse, type FakeGitHub } from "../helpers/fake-github.js";
import { allOperations, matchPath, operation, validateRequest } from "../helpers/fake-github/openapi.js";
import { CODELOAD_TEMPLATE, ROUTES } from "../helpers/fake-github/routes.js";

const FILES = {
  "README.md": "hello\n",
  "deploy/base/svc.yaml": "kind: Service\n",
  "deploy/mapping.yaml": "kind: Mapping\n",
  "deploy.yaml": "a: 1\n",
  ".github/mtls-gate.yml": "x: 1\n",
  "deploy-a.txt": "z\n",
};
/** What `git write-tree` and `git ls-tree -r -t` say about FILES. */
const GIT_TREE = "698831fcd1d56354f19768aad97eef28ac77702b";
const GIT_LS_TREE = [
  "040000 tree ec275ce47b208596d82a8894ba6e102a0f833c69 .github",
  "100644 blob d508cf756344aaf9123c531122a9d2d410c4ecfa .github/mtls-gate.yml",
  "100644 blob ce013625030ba8dba906f756967f9e9ca394464a README.md",
  "100644 blob b68025345d5301abad4d9ec9166f455243a0d746 deploy-a.txt",
  "100644 blob a8926a52d8dcba5c4386945476ab6a2ad008afd4 deploy.yaml",
  "040000 tree 2c6b5be1c2c558d6a2fef781a28e25c5a13a3dec deploy",
  "040000 tree 11f4345a7d36752e37dde701da20c62bf05f7331 deploy/base",
  "100644 blob 4fffa8482c3e834f679b98fddaab47f3c8679d0a deploy/base/svc.yaml",
  "100644 blob 64f3a10fdfaea4808392f3a5db4c41dba32b27df deploy/mapping.yaml",
];

function gitBlobSha(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Runs `body` against a fresh fake and a plain Octokit on it; asserts the test made no request GitHub would refuse. */
async function withFake(
  body: (fake: FakeGitHub, octokit: Octokit) => Promise<void>,
  options: { expectViolations?: boolean } = {},
): Promise<void> {
  const fake = await startFakeGitHub();
  try {
    const octokit = new Octokit({
      baseUrl: fake.url,
      auth: "x",
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await body(fake, octokit);
    if (!options.expectViolations) assert.deepEqual(fake.violations, [], "no request the OpenAPI description refuses");
  } finally {
    await fake.close();
  }
}

/** Asserts a response body has the shape GitHub documents for it. */
function assertShape(template: string, method: string, status: number, data: unknown): void {
  assert.deepEqual(
    validateResponse(template, method, status, data),
    [],
    `${method} ${template} ${status} matches GitHub's response schema`,
  );
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ status: number; data: Record<string, unknown>; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; message: string; response?: { data: unknown } };
    return { status: e.status, message: e.message, data: (e.response?.data ?? {}) as Record<string, unknown> };
  }
  assert.fail("expected the request to fail");
}

async function untar(archive: Buffer): Promise<{ name: string; type: string; data: Buffer }[]> {
  const entries: { name: string; type: string; data: Buffer }[] = [];
  const extract = tarStream.extract();
  extract.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    stream.on("end", () => {
      entries.push({ name: header.name, type: String(header.type), data: Buffer.concat(chunks) });
      next();
    });
  });
  await pipeline(Readable.from([archive]), extract);
  return entries;
}

test("every route of the fake is an operation of GitHub's OpenAPI description, matched back to itself", () => {
  for (const route of ROUTES) {
    if (route.template === CODELOAD_TEMPLATE) continue;
    assert.ok(
      operation(route.template, route.method),
      `${route.method} ${route.template} is in the OpenAPI description`,
    );
    const example = route.template.replace(/\{[^}]+\}/g, (name) => (/_id|number/.test(name) ? "7" : "x"));
    assert.equal(matchPath(example, route.method)?.template, route.template, `${example} matches ${route.template}`);
  }
  // Literal segments beat parameters; encoded slashes stay inside their parameter.
  assert.equal(matchPath("/repos/o/r/pulls/comments", "GET")?.template, "/repos/{owner}/{repo}/pulls/comments");
  assert.deepEqual(matchPath("/repos/o/r/contents/a%2Fb%20c.yaml", "GET")?.params, {
    owner: "o",
    repo: "r",
    path: "a/b c.yaml",
  });
  assert.deepEqual(matchPath("/repos/o/r/contents/a/b.yaml", "GET")?.params.path, "a/b.yaml");
  assert.equal(matchPath("/repos/o/r/definitely-not-an-endpoint", "GET"), null);
});

test("trees and blobs are real git objects: the SHAs git computes, in git's order, sizes on blobs only", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const sha = repo.commit(FILES);
    assert.equal(repo.branchSha("main"), sha, "the first commit creates the default branch");
    const { data: tree, status } = await octokit.rest.git.getTree({
      owner: "acme",
      repo: "platform",
      tree_sha: sha,
      recursive: "1",
    });
    assertShape("/repos/{owner}/{repo}/git/trees/{tree_sha}", "get", status, tree);
    assert.equal(tree.sha, GIT_TREE);
    assert.equal(tree.truncated, false);
    assert.deepEqual(
      tree.tree.map((e) => `${e.mode} ${e.type} ${e.sha} ${e.path}`),
      GIT_LS_TREE,
    );
    for (const entry of tree.tree)
      assert.equal(entry.size !== undefined, entry.type === "blob", `size only on blobs (${entry.path})`);
    assert.equal(tree.tree.find((e) => e.path === "README.md")?.size, 6);

    // By tree SHA and by branch name too; without `recursive`, only the top level.
    const { data: top } = await octokit.rest.git.getTree({ owner: "acme", repo: "platform", tree_sha: "main" });
    assert.deepEqual(
      top.tree.map((e) => e.path),
      [".github", "README.md", "deploy-a.txt", "deploy.yaml", "deploy"],
    );
    const { data: sub } = await octokit.rest.git.getTree({
      owner: "acme",
      repo: "platform",
      tree_sha: "2c6b5be1c2c558d6a2fef781a28e25c5a13a3dec",
      recursive: "1",
    });
    assert.deepEqual(
      sub.tree.map((e) => e.path),
      ["base", "base/svc.yaml", "mapping.yaml"],
    );

    const { data: blob } = await octokit.rest.git.getBlob({
      owner: "acme",
      repo: "platform",
      file_sha: "ce013625030ba8dba906f756967f9e9ca394464a",
    });
    assertShape("/repos/{owner}/{repo}/git/blobs/{file_sha}", "get", 200, blob);
    assert.equal(blob.encoding, "base64");
    assert.equal(blob.content, "aGVsbG8K\n");
    assert.equal(blob.size, 6);

    // Long and binary content: base64 wrapped every 60 characters, bytes intact.
    const binary = new Uint8Array(300).map((_, i) => (i * 7) % 256);
    const second = repo.commitChanges(sha, { "bin/data.bin": binary }, { branch: "main" });
    const { data: tree2 } = await octokit.rest.git.getTree({
      owner: "acme",
      repo: "platform",
      tree_sha: second,
      recursive: "1",
    });
    const entry = tree2.tree.find((e) => e.path === "bin/data.bin");
    assert.equal(entry?.sha, gitBlobSha(binary));
    const { data: blob2 } = await octokit.rest.git.getBlob({
      owner: "acme",
      repo: "platform",
      file_sha: gitBlobSha(binary),
    });
    const lines = blob2.content.split("\n");
    assert.equal(lines.pop(), "");
    assert.ok(lines.every((line, i) => line.length === 60 || i === lines.length - 1));
    assert.deepEqual(new Uint8Array(Buffer.from(blob2.content, "base64")), binary);

    const missing = await rejection(
      octokit.rest.git.getBlob({ owner: "acme", repo: "platform", file_sha: "0".repeat(40) }),
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.data.message, "Not Found");
    assert.equal(
      (await rejection(octokit.rest.git.getTree({ owner: "acme", repo: "nope", tree_sha: sha }))).status,
      404,
    );
  });
});

test("a recursive tree longer than treeEntryLimit is cut there and says truncated", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const sha = repo.commit(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.yaml`, `n: ${i}\n`])));
    fake.treeEntryLimit = 4;
    const { data } = await octokit.rest.git.getTree({ owner: "acme", repo: "platform", tree_sha: sha, recursive: "1" });
    assert.equal(data.truncated, true);
    assert.equal(data.tree.length, 4);
  });
});

test("tarball: a 302 to codeload, then a gzip'd tar with the GitHub prefix, directories, and the tree's blob SHAs", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const binary = Uint8Array.from([0, 1, 2, 255, 254, 10, 13]);
    const sha = repo.commit({ ...FILES, "bin/x.bin": binary, [`deep/${"d".repeat(120)}/file.yaml`]: "long: path\n" });
    const response = await octokit.rest.repos.downloadTarballArchive({ owner: "acme", repo: "platform", ref: "main" });
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-type"], "application/x-gzip");
    const archive = Buffer.from(response.data as ArrayBuffer);
    const entries = await untar(gunzipSync(archive));

    const prefix = `acme-platform-${sha.slice(0, 7)}/`;
    assert.equal(entries[0]?.name, prefix);
    assert.equal(entries[0]?.type, "directory");
    assert.ok(entries.every((e) => e.name.startsWith(prefix)));
    assert.ok(entries.some((e) => e.name === `${prefix}deploy/base/` && e.type === "directory"));
    assert.ok(
      !entries.some((e) => e.name.includes("pax_global_header")),
      "the pax global header is metadata, not an entry",
    );

    const { data: tree } = await octokit.rest.git.getTree({
      owner: "acme",
      repo: "platform",
      tree_sha: sha,
      recursive: "1",
    });
    const blobs = tree.tree.filter((e) => e.type === "blob");
    const files = entries.filter((e) => e.type === "file");
    assert.equal(files.length, blobs.length);
    for (const blob of blobs) {
      const file = files.find((f) => f.name === prefix + blob.path);
      assert.ok(file, `${blob.path} is in the tarball`);
      assert.equal(gitBlobSha(file.data), blob.sha, `${blob.path}: blob SHA recomputed from the tarball`);
    }
    // The raw archive carries the commit SHA in a pax global header, as `git archive` writes it.
    assert.ok(gunzipSync(archive).subarray(0, 1024).toString("latin1").includes(`52 comment=${sha}\n`));

    // The redirect is a recorded request; the codeload hop is recorded but is not an API call.
    assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.status} ${r.path}`).slice(0, 2), [
      "GET 302 /repos/acme/platform/tarball/main",
      `GET 200 /_codeload/acme/platform/legacy.tar.gz/${sha}`,
    ]);
    assert.equal(fake.apiCalls({ path: /tarball|codeload/ }).length, 1);
    assert.equal(
      (await rejection(octokit.rest.repos.downloadTarballArchive({ owner: "acme", repo: "platform", ref: "nope" })))
        .status,
      404,
    );
  });
});

test("compare: merge base by walking parents, ahead/behind, files from the merge base, commits paginated", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const base = repo.commit({ "a.yaml": "a: 1\nb: 2\n", "gone.yaml": "x: 1\n", "same.yaml": "s: 1\n" });
    const f1 = repo.commitChanges(base, { "a.yaml": "a: 1\nb: 3\nc: 4\n" }, { branch: "feature" });
    const f2 = repo.commitChanges(f1, { "gone.yaml": null, "new.yaml": "n: 1\n" }, { branch: "feature" });
    const m1 = repo.commitChanges(base, { "main-only.yaml": "m: 1\n" }, { branch: "main" });

    const { data, status } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "platform",
      basehead: `${m1}...${f2}`,
    });
    assertShape("/repos/{owner}/{repo}/compare/{basehead}", "get", status, data);
    assert.equal(data.merge_base_commit.sha, base);
    assert.equal(data.base_commit.sha, m1);
    assert.equal(data.status, "diverged");
    assert.equal(data.ahead_by, 2);
    assert.equal(data.behind_by, 1);
    assert.equal(data.total_commits, 2);
    assert.deepEqual(
      data.commits.map((c) => c.sha),
      [f1, f2],
    );
    assert.deepEqual(
      data.commits[1]?.parents.map((p) => p.sha),
      [f1],
    );
    // main-only.yaml is not in the diff: files are merge base -> head.
    assert.deepEqual(
      data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions, f.changes]),
      [
        ["a.yaml", "modified", 2, 1, 3],
        ["gone.yaml", "removed", 0, 1, 1],
        ["new.yaml", "added", 1, 0, 1],
      ],
    );
    assert.equal(data.files?.find((f) => f.filename === "new.yaml")?.sha, gitBlobSha(Buffer.from("n: 1\n")));

    // Branch names work too, and per_page/page page through the commits (with a Link header); files only on page 1.
    const page1 = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "platform",
      basehead: "main...feature",
      per_page: 1,
    });
    assert.deepEqual(
      page1.data.commits.map((c) => c.sha),
      [f1],
    );
    assert.match(page1.headers.link ?? "", /[?&]page=2[^>]*>; rel="next"/);
    assert.equal(page1.data.files?.length, 3);
    const page2 = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "platform",
      basehead: "main...feature",
      per_page: 1,
      page: 2,
    });
    assert.deepEqual(
      page2.data.commits.map((c) => c.sha),
      [f2],
    );
    assert.equal(page2.data.files, undefined);

    const ahead = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "platform",
      basehead: `${base}...${f2}`,
    });
    assert.equal(ahead.data.status, "ahead");
    assert.equal(ahead.data.behind_by, 0);
    const same = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "platform",
      basehead: `${f2}...${f2}`,
    });
    assert.equal(same.data.status, "identical");
    assert.deepEqual(same.data.files, []);

    const unrelated = repo.commit({ "other.yaml": "o: 1\n" });
    const none = await rejection(
      octokit.rest.repos.compareCommitsWithBasehead({
        owner: "acme",
        repo: "platform",
        basehead: `${unrelated}...${f2}`,
      }),
    );
    assert.equal(none.status, 404);
    assert.match(String(none.data.message), /No common ancestor/);
    assert.equal(
      (
        await rejection(
          octokit.rest.repos.compareCommitsWithBasehead({ owner: "acme", repo: "platform", basehead: `main...nope` }),
        )
      ).status,
      404,
    );
  });
});

test("contents: raw with the raw media type, base64 JSON otherwise, directories listed, 404 when missing", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const first = repo.commit(FILES);
    repo.commitChanges(first, { ".github/mtls-gate.yml": "x: 2\n" }, { branch: "main" });
    const params = { owner: "acme", repo: "platform", path: ".github/mtls-gate.yml" };

    const raw = await octokit.rest.repos.getContent({ ...params, mediaType: { format: "raw" } });
    assert.equal(raw.data as unknown, "x: 2\n");
    assert.equal(raw.headers["content-type"], "application/vnd.github.raw; charset=utf-8");

    const { data, status } = await octokit.rest.repos.getContent({ ...params, ref: first });
    assertShape("/repos/{owner}/{repo}/contents/{path}", "get", status, data);
    assert.ok(!Array.isArray(data) && data.type === "file");
    assert.equal(Buffer.from(data.content ?? "", "base64").toString(), "x: 1\n");
    assert.equal(data.encoding, "base64");
    assert.equal(data.sha, gitBlobSha(Buffer.from("x: 1\n")));
    assert.equal(data.name, "mtls-gate.yml");
    assert.equal(data.path, ".github/mtls-gate.yml");
    assert.equal(data.size, 5);

    const dir = await octokit.rest.repos.getContent({ owner: "acme", repo: "platform", path: "deploy" });
    assertShape("/repos/{owner}/{repo}/contents/{path}", "get", 200, dir.data);
    assert.ok(Array.isArray(dir.data));
    assert.deepEqual(
      dir.data.map((e) => [e.name, e.type]),
      [
        ["base", "dir"],
        ["mapping.yaml", "file"],
      ],
    );

    const missing = await rejection(
      octokit.rest.repos.getContent({ ...params, path: ".github/nope.yml", mediaType: { format: "raw" } }),
    );
    assert.equal(missing.status, 404);
    assert.equal((await rejection(octokit.rest.repos.getContent({ ...params, ref: "no-such-branch" }))).status, 404);
  });
});

test("Probot's installation auth and config loader: token POST, raw config, the org's .github repository as fallback", async () => {
  await withFake(async (fake) => {
    const repo = fake.createRepo("acme/platform", { installationId: 77 });
    repo.commit({ ".github/mtls-gate.yml": "rules:\n  a: off\n" });
    fake.createRepo("acme/service", { installationId: 77 }).commit({ "x.yaml": "x: 1\n" });
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const probot = new Probot({ appId: fake.appId, privateKey, baseUrl: fake.url, logLevel: "fatal" });
    const octokit = await probot.auth(77);

    const own = await octokit.config.get({ owner: "acme", repo: "platform", path: ".github/mtls-gate.yml" });
    assert.deepEqual(own.config, { rules: { a: "off" } });
    // No config in acme/service and no acme/.github repository: nothing, and no error.
    const none = await octokit.config.get({ owner: "acme", repo: "service", path: ".github/mtls-gate.yml" });
    assert.deepEqual(none.config, {});
    assert.deepEqual(
      none.files.map((f) => `${f.owner}/${f.repo} ${String(f.config)}`),
      ["acme/service null", "acme/.github null"],
    );
    const org = fake.createRepo("acme/.github", { installationId: 77 });
    org.commit({ ".github/mtls-gate.yml": "rules:\n  b: warn\n" });
    const inherited = await octokit.config.get({ owner: "acme", repo: "service", path: ".github/mtls-gate.yml" });
    assert.deepEqual(inherited.config, { rules: { b: "warn" } });

    const tokenPosts = fake.requests.filter(
      (r) => r.method === "POST" && r.path === "/app/installations/77/access_tokens",
    );
    assert.equal(tokenPosts.length, 1, "one token, cached");
    assert.equal(tokenPosts[0]?.status, 201);
    assert.equal(tokenPosts[0]?.operationId, "apps/create-installation-access-token");
    assert.ok(fake.apiCalls().every((r) => !r.path.includes("access_tokens")));
    assert.deepEqual(
      fake.apiCalls().map((r) => `${r.status} ${r.path}`),
      [
        "200 /repos/acme/platform/contents/.github/mtls-gate.yml",
        "404 /repos/acme/service/contents/.github/mtls-gate.yml",
        "404 /repos/acme/.github/contents/.github/mtls-gate.yml",
        "404 /repos/acme/service/contents/.github/mtls-gate.yml",
        "200 /repos/acme/.github/contents/.github/mtls-gate.yml",
      ],
    );
    // An installation nobody has is a 404, as on GitHub.
    assert.equal(
      (await rejection(probot.auth(999).then((o) => o.rest.repos.get({ owner: "acme", repo: "platform" })))).status,
      404,
    );
  });
});

test("app, installation, repository and collaborator permission look like GitHub's", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform", { installationId: 9, defaultBranch: "trunk" });
    repo.setPermission("alice", "maintain");
    const app = await octokit.rest.apps.getAuthenticated();
    assertShape("/app", "get", app.status, app.data);
    assert.equal(app.data?.id, 4242);
    assert.equal(app.data?.slug, "mtls-gate");
    const installation = await octokit.rest.apps.getRepoInstallation({ owner: "acme", repo: "platform" });
    assertShape("/repos/{owner}/{repo}/installation", "get", installation.status, installation.data);
    assert.equal(installation.data.id, 9);
    assert.equal(installation.data.app_id, 4242);
    const token = await octokit.rest.apps.createInstallationAccessToken({ installation_id: 9 });
    assertShape("/app/installations/{installation_id}/access_tokens", "post", token.status, token.data);
    assert.equal(token.status, 201);
    const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "platform" });
    assertShape("/repos/{owner}/{repo}", "get", 200, data);
    assert.equal(data.default_branch, "trunk");
    assert.equal(data.full_name, "acme/platform");
    assert.equal(data.owner.login, "acme");
    assert.equal(typeof data.private, "boolean");

    const alice = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: "acme",
      repo: "platform",
      username: "alice",
    });
    assertShape("/repos/{owner}/{repo}/collaborators/{username}/permission", "get", 200, alice.data);
    assert.equal(alice.data.permission, "write", "the legacy field has no maintain");
    assert.equal(alice.data.role_name, "maintain");
    const bob = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: "acme",
      repo: "platform",
      username: "bob",
    });
    assert.equal(bob.data.permission, "none");
  });
});

test("app manifest conversion: a code converts once into the app and fresh credentials, GitHub's response shape", async () => {
  await withFake(async (fake, octokit) => {
    const manifest = { name: "mtls-gate", url: "https://example.com/home", hook_attributes: { url: "https://gate.example/api/github/webhooks" } };
    const code = fake.manifestCode(manifest);
    const created = await octokit.rest.apps.createFromManifest({ code });
    assert.equal(created.status, 201);
    assertShape("/app-manifests/{code}/conversions", "post", created.status, created.data);
    assert.equal(created.data.id, fake.appId);
    assert.match(created.data.pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(created.data.external_url, "https://example.com/home");
    assert.deepEqual(
      fake.conversions.map((c) => ({ code: c.code, manifest: c.manifest, pem: c.pem, webhookSecret: c.webhookSecret })),
      [{ code, manifest, pem: created.data.pem, webhookSecret: created.data.webhook_secret }],
    );
    assert.equal((await rejection(octokit.rest.apps.createFromManifest({ code }))).status, 404, "a code converts once");
    assert.equal((await rejection(octokit.rest.apps.createFromManifest({ code: "unknown" }))).status, 404);
  });
});

test("pulls: state filter, 30 a page by default, at most 100, RFC 5988 Link headers; base.sha is the base branch's tip", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const base = repo.commit({ "a.yaml": "a: 1\n" });
    const head = repo.commitChanges(base, { "a.yaml": "a: 2\n" });
    for (let n = 1; n <= 75; n++)
      repo.addPullRequest({ number: n, headSha: head, state: n % 5 === 0 ? "closed" : "open" });
    repo.addPullRequest({ number: 200, headSha: head, fork: true, headRef: "patch-1", user: "mallory" });

    const first = await octokit.rest.pulls.list({ owner: "acme", repo: "platform" });
    assertShape("/repos/{owner}/{repo}/pulls", "get", 200, first.data);
    assert.equal(first.data.length, 30);
    assert.equal(first.data[0]?.number, 200, "newest first");
    const link = first.headers.link ?? "";
    assert.match(
      link,
      new RegExp(
        `^<${fake.url}/repos/acme/platform/pulls\\?per_page=30&page=2>; rel="next", <[^>]*page=3>; rel="last"$`,
      ),
    );
    const last = await octokit.rest.pulls.list({ owner: "acme", repo: "platform", page: 3 });
    assert.equal(last.data.length, 1);
    assert.match(last.headers.link ?? "", /rel="prev".*rel="first"/);
    assert.doesNotMatch(last.headers.link ?? "", /rel="next"/);

    const open = await octokit.paginate(octokit.rest.pulls.list, {
      owner: "acme",
      repo: "platform",
      state: "open",
      per_page: 100,
    });
    assert.equal(open.length, 61);
    const all = await octokit.paginate(octokit.rest.pulls.list, {
      owner: "acme",
      repo: "platform",
      state: "all",
      per_page: 7,
    });
    assert.equal(all.length, 76);
    assert.equal(new Set(all.map((p) => p.number)).size, 76);
    const busy = fake.createRepo("acme/busy");
    const busyHead = busy.commit({ "a.yaml": "a: 1\n" });
    for (let n = 1; n <= 120; n++) busy.addPullRequest({ number: n, headSha: busyHead });
    const capped = await octokit.rest.pulls.list({ owner: "acme", repo: "busy", per_page: 500 });
    assert.equal(capped.data.length, 100, "per_page is at most 100");
    assert.match(capped.headers.link ?? "", /per_page=100&page=2>; rel="next"/);
    const closed = await octokit.rest.pulls.list({ owner: "acme", repo: "platform", state: "closed", per_page: 100 });
    assert.ok(closed.data.every((p) => p.state === "closed") && closed.data.length === 15);

    const { data: pr } = await octokit.rest.pulls.get({ owner: "acme", repo: "platform", pull_number: 200 });
    assertShape("/repos/{owner}/{repo}/pulls/{pull_number}", "get", 200, pr);
    assert.equal(pr.head.sha, head);
    assert.equal(pr.head.ref, "patch-1");
    assert.equal(pr.head.repo?.full_name, "someone/platform");
    assert.equal(pr.head.repo?.fork, true);
    assert.equal(pr.base.repo.full_name, "acme/platform");
    assert.equal(pr.base.ref, "main");
    assert.equal(pr.base.sha, base);
    assert.equal(pr.user.login, "mallory");
    assert.equal(pr.draft, false);
    // The base branch moves on: base.sha follows it.
    const moved = repo.commitChanges(base, { "b.yaml": "b: 1\n" }, { branch: "main" });
    assert.equal(
      (await octokit.rest.pulls.get({ owner: "acme", repo: "platform", pull_number: 200 })).data.base.sha,
      moved,
    );
    assert.equal(
      (await rejection(octokit.rest.pulls.get({ owner: "acme", repo: "platform", pull_number: 999 }))).status,
      404,
    );
  });
});

function annotation(line: number, extra: Record<string, unknown> = {}) {
  return {
    path: "a.yaml",
    start_line: line,
    end_line: line,
    annotation_level: "warning" as const,
    message: `finding ${line}`,
    ...extra,
  };
}

test("check runs: create and update follow GitHub's rules; updates append annotations", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const sha = repo.commit({ "a.yaml": "a: 1\n" });
    const owner = "acme";
    const name = "platform";

    const tooMany = await rejection(
      octokit.rest.checks.create({
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i + 1)) },
      }),
    );
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.message, /Only 50 annotations are allowed per request/);
    assert.equal(repo.checkRuns.length, 0);
    // GitHub's schema says maxItems 50 too: the request is a violation.
    assert.equal(fake.violations.length, 1, fake.violations.join("\n"));
    assert.match(
      fake.violations[0] ?? "",
      /^POST \/repos\/acme\/platform\/check-runs \(checks\/create\): .*annotations.*50/,
    );
    fake.reset();

    const unknownSha = await rejection(
      octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: "f".repeat(40) }),
    );
    assert.equal(unknownSha.status, 422);
    assert.match(String(unknownSha.data.message), /No commit found for SHA/);
    const noConclusion = await rejection(
      octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: sha, status: "completed" }),
    );
    assert.equal(noConclusion.status, 422);
    const noTitle = await rejection(
      octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        output: { summary: "s" } as never,
      }),
    );
    assert.equal(noTitle.status, 422);
    const longSummary = await rejection(
      octokit.rest.checks.create({
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        output: { title: "t", summary: "x".repeat(65536) },
      }),
    );
    assert.equal(longSummary.status, 422);
    assert.match(longSummary.message, /summary/);
    const columns = await rejection(
      octokit.rest.checks.create({
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        output: {
          title: "t",
          summary: "s",
          annotations: [{ ...annotation(3), end_line: 5, start_column: 1, end_column: 4 }],
        },
      }),
    );
    assert.equal(columns.status, 422);
    assert.match(columns.message, /start_column/);
    const longTitle = await rejection(
      octokit.rest.checks.create({
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        output: { title: "t", summary: "s", annotations: [annotation(1, { title: "x".repeat(256) })] },
      }),
    );
    assert.equal(longTitle.status, 422);
    const actions = await rejection(
      octokit.rest.checks.create({
        owner,
        repo: name,
        name: "mtls-gate",
        head_sha: sha,
        actions: [{ label: "Fix", description: "d".repeat(41), identifier: "fix" }],
      }),
    );
    assert.equal(actions.status, 422);
    assert.equal(repo.checkRuns.length, 0, "nothing was created by a refused request");
    // The summary and maxItems limits are in GitHub's schema; these requests are violations too.
    assert.ok(fake.violations.some((v) => /summary/.test(v)));
    fake.reset();

    const columnsOnOneLine = annotation(4, {
      start_column: 2,
      end_column: 9,
      title: "One line",
      raw_details: "details",
    });
    const created = await octokit.rest.checks.create({
      owner,
      repo: name,
      name: "mtls-gate",
      head_sha: sha,
      status: "in_progress",
      external_id: "job-1",
      started_at: "2026-06-01T00:00:00Z",
      output: {
        title: "Running",
        summary: "In progress",
        annotations: Array.from({ length: 50 }, (_, i) => (i === 3 ? columnsOnOneLine : annotation(i + 1))),
      },
    });
    assert.equal(created.status, 201);
    assertShape("/repos/{owner}/{repo}/check-runs", "post", 201, created.data);
    assert.equal(created.data.status, "in_progress");
    assert.equal(created.data.conclusion, null);
    assert.equal(created.data.external_id, "job-1");
    assert.equal(created.data.started_at, "2026-06-01T00:00:00Z");
    assert.equal(created.data.output.annotations_count, 50);
    assert.equal(created.data.app?.id, fake.appId);
    assert.ok(created.data.id > 2 ** 32, "check run ids are large on github.com");
    const id = created.data.id;

    const updated = await octokit.rest.checks.update({
      owner,
      repo: name,
      check_run_id: id,
      output: { title: "Done", summary: "All good", annotations: [annotation(60), annotation(61)] },
      conclusion: "failure",
    });
    assertShape("/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch", 200, updated.data);
    assert.equal(updated.data.status, "completed", "a conclusion completes the run");
    assert.equal(updated.data.conclusion, "failure");
    assert.ok(updated.data.completed_at);
    assert.equal(updated.data.output.title, "Done");
    assert.equal(updated.data.output.summary, "All good");
    assert.equal(updated.data.output.annotations_count, 52, "annotations are appended");

    const stored = repo.checkRuns[0];
    assert.ok(stored);
    assert.equal(stored.updates, 1);
    assert.equal(stored.annotations.length, 52);
    assert.deepEqual(stored.annotations[3], columnsOnOneLine);
    assert.deepEqual(stored.output, { title: "Done", summary: "All good", text: null });

    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      owner,
      repo: name,
      check_run_id: id,
      per_page: 20,
    });
    assertShape("/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", "get", 200, listed);
    assert.equal(listed.length, 52);
    assert.equal(listed[51]?.start_line, 61);
    assert.equal(listed[3]?.start_column, 2);

    const back = await octokit.rest.checks.update({ owner, repo: name, check_run_id: id, status: "in_progress" });
    assert.equal(back.data.conclusion, null, "re-opening a run clears its conclusion");
    assert.deepEqual(fake.violations, []);
    assert.equal(
      (await rejection(octokit.rest.checks.update({ owner, repo: name, check_run_id: id, status: "completed" })))
        .status,
      422,
    );
    assert.match(fake.violations.join("\n"), /must match a schema in anyOf \(.*'conclusion'/);
    fake.reset();
    assert.equal((await rejection(octokit.rest.checks.get({ owner, repo: name, check_run_id: 12345 }))).status, 404);
    const got = await octokit.rest.checks.get({ owner, repo: name, check_run_id: id });
    assert.equal(got.data.id, id);
  });
});

test("check runs for a ref: by check_name, latest or all, newest first, by app", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const sha = repo.commit({ "a.yaml": "a: 1\n" });
    const other = repo.commitChanges(sha, { "a.yaml": "a: 2\n" });
    repo.addPullRequest({ number: 1, headSha: sha });
    const owner = "acme";
    const name = "platform";
    const first = await octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: sha });
    const lint = await octokit.rest.checks.create({
      owner,
      repo: name,
      name: "lint",
      head_sha: sha,
      conclusion: "success",
    });
    const second = await octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: sha });
    await octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: other });
    assert.deepEqual(
      first.data.pull_requests.map((p) => p.number),
      [1],
    );

    const latest = await octokit.rest.checks.listForRef({
      owner,
      repo: name,
      ref: sha,
      check_name: "mtls-gate",
      filter: "latest",
    });
    assertShape("/repos/{owner}/{repo}/commits/{ref}/check-runs", "get", 200, latest.data);
    assert.equal(latest.data.total_count, 1);
    assert.equal(latest.data.check_runs[0]?.id, second.data.id);
    const all = await octokit.rest.checks.listForRef({
      owner,
      repo: name,
      ref: sha,
      check_name: "mtls-gate",
      filter: "all",
    });
    assert.deepEqual(
      all.data.check_runs.map((r) => r.id),
      [second.data.id, first.data.id],
    );
    const byBranch = await octokit.rest.checks.listForRef({ owner, repo: name, ref: "main" });
    assert.deepEqual(
      byBranch.data.check_runs.map((r) => r.id),
      [second.data.id, lint.data.id],
    );
    const completed = await octokit.rest.checks.listForRef({ owner, repo: name, ref: sha, status: "completed" });
    assert.deepEqual(
      completed.data.check_runs.map((r) => r.name),
      ["lint"],
    );
    assert.equal(
      (await octokit.rest.checks.listForRef({ owner, repo: name, ref: sha, app_id: fake.appId })).data.total_count,
      2,
    );
    assert.equal(
      (await octokit.rest.checks.listForRef({ owner, repo: name, ref: sha, app_id: 1 })).data.total_count,
      0,
    );
    assert.equal(first.data.check_suite?.id, second.data.check_suite?.id, "one suite per head SHA");
  });
});

test("issue comments and reactions", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    const sha = repo.commit({ "a.yaml": "a: 1\n" });
    repo.addPullRequest({ number: 5, headSha: sha });
    const owner = "acme";
    const name = "platform";
    const created = await octokit.rest.issues.createComment({ owner, repo: name, issue_number: 5, body: "Hello" });
    assertShape("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post", 201, created.data);
    assert.equal(created.data.user?.login, "mtls-gate[bot]");
    assert.equal(created.data.user?.type, "Bot");
    const tooLong = await rejection(
      octokit.rest.issues.updateComment({ owner, repo: name, comment_id: created.data.id, body: "x".repeat(65537) }),
    );
    assert.equal(tooLong.status, 422);
    await octokit.rest.issues.updateComment({
      owner,
      repo: name,
      comment_id: created.data.id,
      body: "x".repeat(65536),
    });
    assert.equal(repo.comments[0]?.body.length, 65536);

    const r1 = await octokit.rest.reactions.createForIssueComment({
      owner,
      repo: name,
      comment_id: created.data.id,
      content: "eyes",
    });
    assertShape("/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "post", 201, r1.data);
    assert.equal(r1.status, 201);
    const again = await octokit.rest.reactions.createForIssueComment({
      owner,
      repo: name,
      comment_id: created.data.id,
      content: "eyes",
    });
    assert.equal(again.status, 200);
    assert.equal(again.data.id, r1.data.id);
    assert.deepEqual(repo.comments[0]?.reactions, [{ content: "eyes", user: "mtls-gate[bot]", id: r1.data.id }]);
    const deleted = await octokit.rest.reactions.deleteForIssueComment({
      owner,
      repo: name,
      comment_id: created.data.id,
      reaction_id: r1.data.id,
    });
    assert.equal(deleted.status, 204);
    assert.deepEqual(repo.comments[0]?.reactions, []);

    repo.comments.push({
      id: 7,
      issue_number: 5,
      body: "/recheck",
      user: { login: "alice", type: "User" },
      reactions: [],
    });
    const list = await octokit.rest.issues.listComments({ owner, repo: name, issue_number: 5 });
    assertShape("/repos/{owner}/{repo}/issues/{issue_number}/comments", "get", 200, list.data);
    assert.deepEqual(
      list.data.map((c) => c.user?.login),
      ["alice", "mtls-gate[bot]"],
    );
    assert.equal(
      (await rejection(octokit.rest.issues.listComments({ owner, repo: name, issue_number: 6 }))).status,
      404,
    );
  });
});

test("failNext answers the next matching requests with the status and a GitHub-style error body", async () => {
  await withFake(async (fake, octokit) => {
    const repo = fake.createRepo("acme/platform");
    repo.commit({ "a.yaml": "a: 1\n" });
    fake.failNext({ method: "get", path: /^\/repos\/acme\/platform$/ }, 502, 2);
    fake.failNext({ path: /\/pulls$/ }, 403);
    const first = await rejection(octokit.rest.repos.get({ owner: "acme", repo: "platform" }));
    assert.equal(first.status, 502);
    assert.equal(first.data.message, "Server Error");
    assert.equal((await rejection(octokit.rest.repos.get({ owner: "acme", repo: "platform" }))).status, 502);
    assert.equal((await octokit.rest.repos.get({ owner: "acme", repo: "platform" })).status, 200);
    assert.equal((await rejection(octokit.rest.pulls.list({ owner: "acme", repo: "platform" }))).status, 403);
    assert.equal((await octokit.rest.pulls.list({ owner: "acme", repo: "platform" })).status, 200);
    assert.deepEqual(
      fake.apiCalls({ method: "GET" }).map((r) => r.status),
      [502, 502, 200, 403, 200],
    );
    assert.equal(fake.apiCalls({ path: /pulls/ }).length, 2);
    assert.equal(fake.apiCalls({ method: "POST" }).length, 0);
    fake.reset();
    assert.deepEqual(fake.requests, []);
  });
});

test("delayNext answers the next matching requests late; clearFailures drops pending failures and delays", async () => {
  await withFake(async (fake, octokit) => {
    fake.createRepo("acme/platform");
    fake.delayNext({ method: "GET", path: /^\/repos\/acme\/platform$/ }, 300);
    let started = performance.now();
    await octokit.rest.repos.get({ owner: "acme", repo: "platform" });
    assert.ok(performance.now() - started >= 290, "the first request waited");
    started = performance.now();
    await octokit.rest.repos.get({ owner: "acme", repo: "platform" });
    assert.ok(performance.now() - started < 290, "the second did not");
    fake.failNext({ path: /^\/repos\/acme\/platform$/ }, 502, 5);
    fake.delayNext({ path: /^\/repos\/acme\/platform$/ }, 5000, 5);
    fake.clearFailures();
    started = performance.now();
    assert.equal((await octokit.rest.repos.get({ owner: "acme", repo: "platform" })).status, 200);
    assert.ok(performance.now() - started < 2000);
  });
});

test("requests GitHub's OpenAPI description refuses land in violations (and GitHub's 422 where it would refuse them)", async () => {
  await withFake(
    async (fake, octokit) => {
      const repo = fake.createRepo("acme/platform");
      const sha = repo.commit({ "a.yaml": "a: 1\n" });
      const owner = "acme";
      const name = "platform";

      const badLevel = await rejection(
        octokit.request("POST /repos/{owner}/{repo}/check-runs", {
          owner,
          repo: name,
          name: "mtls-gate",
          head_sha: sha,
          output: { title: "t", summary: "s", annotations: [{ ...annotation(1), annotation_level: "error" as never }] },
        }),
      );
      assert.equal(badLevel.status, 422);
      assert.equal(fake.violations.length, 1, fake.violations.join("\n"));
      assert.match(
        fake.violations[0] ?? "",
        /^POST \/repos\/acme\/platform\/check-runs \(checks\/create\): request body\/output\/annotations\/0\/annotation_level must be equal to one of the allowed values/,
      );

      const { data: run } = await octokit.rest.checks.create({ owner, repo: name, name: "mtls-gate", head_sha: sha });
      fake.reset();
      const badStatus = await rejection(
        octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          owner,
          repo: name,
          check_run_id: run.id,
          status: "done" as never,
        }),
      );
      assert.equal(badStatus.status, 422);
      const where = `PATCH /repos/acme/platform/check-runs/${run.id} (checks/update): `;
      assert.deepEqual(fake.violations, [
        `${where}request body must match a schema in anyOf (body must have required property 'conclusion'; body/status must be equal to one of the allowed values (completed); body/status must be equal to one of the allowed values (queued, in_progress))`,
        `${where}request body/status must be equal to one of the allowed values (queued, in_progress, completed, waiting, requested, pending)`,
      ]);
      fake.reset();

      // A misspelt property, an unknown query parameter, a wrong parameter type, an endpoint GitHub does not have.
      await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner,
        repo: name,
        check_run_id: run.id,
        head_sah: sha,
      });
      await octokit.request("GET /repos/{owner}/{repo}/pulls", { owner, repo: name, sate: "open" });
      await octokit.request("GET /repos/{owner}/{repo}/pulls", {
        owner,
        repo: name,
        per_page: "many" as unknown as number,
      });
      assert.equal(
        (await rejection(octokit.request("GET /repos/{owner}/{repo}/check-suites-of-mine", { owner, repo: name })))
          .status,
        404,
      );
      assert.equal(
        (await rejection(octokit.request("DELETE /repos/{owner}/{repo}/pulls", { owner, repo: name }))).status,
        404,
      );
      assert.equal(fake.violations.length, 5, fake.violations.join("\n"));
      assert.match(fake.violations[0] ?? "", /"head_sah"/);
      assert.match(
        fake.violations[1] ?? "",
        /^GET \/repos\/acme\/platform\/pulls \(pulls\/list\): unknown query parameter "sate"/,
      );
      assert.match(fake.violations[2] ?? "", /per_page must be integer/);
      assert.match(fake.violations[3] ?? "", /^GET \/repos\/acme\/platform\/check-suites-of-mine: unknown endpoint/);
      assert.match(fake.violations[4] ?? "", /^DELETE \/repos\/acme\/platform\/pulls: unknown endpoint/);
      fake.reset();

      // An endpoint GitHub has but the fake does not implement: 404, not a violation.
      assert.equal((await rejection(octokit.rest.repos.listBranches({ owner, repo: name }))).status, 404);
      assert.deepEqual(fake.violations, []);
      assert.equal(fake.requests[0]?.operationId, "repos/list-branches");
    },
    { expectViolations: true },
  );
});

test("every request schema of GitHub's description compiles, or is reported and skipped without crashing", () => {
  let checked = 0;
  for (const { template, method } of allOperations()) {
    const params = Object.fromEntries([...template.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1] as string, "1"]));
    const result = validateRequest(template, method, params, {}, {}, true);
    assert.ok(Array.isArray(result.problems));
    checked++;
  }
  assert.ok(checked > 900, `${checked} operations`);
  const skipped = schemaWarnings().filter((w) => /does not compile/.test(w));
  assert.ok(skipped.length <= 5, `at most a few schemas skipped:\n${skipped.join("\n")}`);
});
