import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MAX_COMMENT_CHARS } from "../../src/report/comments.js";
import type { StoredComment } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { issueCommentEvent, pullRequestEvent, requestedActionEvent, startHarness, type Harness } from "./harness.js";

const BOT = "mtls-gate[bot]";

/** The example with its pre-existing typo fixed; the pull request breaks the payments route's TLS reference. */
function setUpPullRequest(h: Harness, number: number, change: Record<string, string | null> = {}) {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
    "tls: report-context",
    "tls: reports-context",
  );
  const base = h.repo.commit(files, { branch: "main" });
  const head = h.repo.commitChanges(base, {
    "payments/mappings.yaml": (files["payments/mappings.yaml"] ?? "").replace(
      "tls: upstream-context",
      "tls: upstream-contxt",
    ),
    ...change,
  });
  h.repo.addPullRequest({ number, headSha: head });
  return { base, head };
}

function botReplies(h: Harness, issueNumber: number): StoredComment[] {
  return h.repo.comments.filter((c) => c.issue_number === issueNumber && c.user.login === BOT);
}

let nextCommentId = 0;
/** A person's comment on the pull request: stored in the fake (so reactions land on it) and delivered as a webhook. */
async function comment(
  h: Harness,
  issueNumber: number,
  body: string,
  user = "alice",
  options: { userType?: "User" | "Bot"; onPullRequest?: boolean } = {},
): Promise<StoredComment> {
  const stored = h.repo.addComment(issueNumber, body, { login: user, type: options.userType ?? "User" });
  nextCommentId = stored.id;
  await h.deliver(
    "issue_comment",
    issueCommentEvent(h.fake, h.repo, { id: stored.id, body, user, issueNumber, ...options }),
  );
  return stored;
}

function reactions(c: StoredComment): string[] {
  return c.reactions.map((r) => r.content).sort();
}

describe("comment commands", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.repo.setPermission("alice", "write");
    h.repo.setPermission("mallory", "read");
    h.repo.setPermission("maria", "maintain");
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, [], "every request matches GitHub's OpenAPI description");
    // No reply, log line or request body carries key material or Secret data.
    const secretValues = Object.entries(exampleRepository())
      .filter(([path]) => /secret/.test(path))
      .flatMap(([, text]) =>
        [...text.matchAll(/^\s+[\w.-]+:\s+([A-Za-z0-9+/=]{40,})\s*$/gm)].map((m) => (m[1] ?? "").slice(0, 32)),
      );
    const everything = [
      ...h.repo.comments.map((c) => c.body),
      ...h.fake.requests.map((r) => JSON.stringify(r.body ?? null)),
      ...h.logs,
    ].join("\n");
    assert.doesNotMatch(everything, /PRIVATE KEY|BEGIN CERTIFICATE/);
    for (const value of secretValues) assert.ok(!everything.includes(value), "no Secret data value leaves the process");
    await h.close();
  });

  it("help: eyes first, one reply with the commands, then rocket", async () => {
    setUpPullRequest(h, 1);
    h.fake.reset();
    const c = await comment(h, 1, "Thanks!\n/mtls-gate help\nmore text");
    const first = h.fake.apiCalls({ method: "POST" })[0];
    assert.match(
      first?.path ?? "",
      new RegExp(`/issues/comments/${c.id}/reactions$`),
      "the eyes reaction is the first thing the app writes",
    );
    assert.deepEqual((first?.body as { content: string }).content, "eyes");
    const replies = botReplies(h, 1);
    assert.equal(replies.length, 1);
    assert.match(replies[0]?.body ?? "", /\/mtls-gate explain <mapping name \| namespace\/name \| prefix>/);
    assert.deepEqual(reactions(c), ["rocket"], "eyes replaced by rocket");
  });

  it("refuses politely, and does nothing, for a user without write permission", async () => {
    setUpPullRequest(h, 2);
    const runsBefore = h.repo.checkRuns.length;
    const c = await comment(h, 2, "/mtls-gate recheck", "mallory");
    assert.match(
      botReplies(h, 2)[0]?.body ?? "",
      /Sorry @mallory, mtls-gate commands need write permission on this repository \(you have read\)/,
    );
    assert.deepEqual(reactions(c), ["confused"]);
    assert.equal(h.repo.checkRuns.length, runsBefore, "no check run started");
    assert.ok(
      h.fake.requests.some((r) => r.path.endsWith("/collaborators/mallory/permission")),
      "permission asked of GitHub, not guessed from author_association",
    );
  });

  it("never answers bots (itself included), edited comments, or issues that are not pull requests", async () => {
    setUpPullRequest(h, 3);
    h.fake.reset();
    await comment(h, 3, "/mtls-gate help", BOT, { userType: "Bot" });
    await comment(h, 3, "/mtls-gate help", "dependabot[bot]", { userType: "Bot" });
    const edited = h.repo.addComment(3, "/mtls-gate help", { login: "alice", type: "User" });
    await h.deliver(
      "issue_comment",
      issueCommentEvent(h.fake, h.repo, { id: edited.id, body: edited.body, user: "alice", issueNumber: 3 }, "edited"),
    );
    await comment(h, 3, "/mtls-gate help", "alice", { onPullRequest: false });
    await comment(h, 3, "> /mtls-gate help\nquoted, not a command");
    assert.deepEqual(
      h.fake.apiCalls({ method: "POST" }).map((r) => r.path),
      [],
      "not a single write",
    );
    assert.equal(botReplies(h, 3).filter((c) => c.body.includes("mtls-gate:reply-to")).length, 0, "no reply");
  });

  it("answers unknown commands and bad arguments with the usage", async () => {
    setUpPullRequest(h, 4);
    const c = await comment(h, 4, "/mtls-gate frobnicate now");
    assert.match(botReplies(h, 4)[0]?.body ?? "", /unknown command "frobnicate"[\s\S]*\/mtls-gate routes \[--all\]/);
    assert.deepEqual(reactions(c), ["confused"]);
    await comment(h, 4, "/mtls-gate accept mapping-tls-context-not-found Mapping/payments/upstream-mapping");
    assert.match(botReplies(h, 4)[1]?.body ?? "", /accept needs a reason after --/);
  });

  it("recheck starts a new check run on the pull request's head", async () => {
    const { base, head } = setUpPullRequest(h, 5);
    await comment(h, 5, "@mtls-gate recheck");
    const runs = h.repo.checkRuns.filter((r) => r.head_sha === head);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.conclusion, "failure");
    assert.equal(runs[0]?.external_id, `pr:5@${base}`);
  });

  it("routes lists the changed route with base -> head mode, --all every route", async () => {
    setUpPullRequest(h, 6);
    await comment(h, 6, "/mtls-gate routes");
    const changed = botReplies(h, 6)[0]?.body ?? "";
    assert.match(changed, /\| payments\/upstream-mapping \| `\/upstream\/` \| http:&#8203;\/\/upstream-service\.payments:80 \| mtls → plaintext ⚠️ downgrade \|/);
    assert.doesNotMatch(changed, /orders\/orders-mapping/);
    await comment(h, 6, "/mtls-gate routes --all");
    const all = botReplies(h, 6)[1]?.body ?? "";
    assert.match(all, /\| orders\/orders-mapping \| `\/orders\/` \| https:&#8203;\/\/orders\.orders:443 \| mtls \| orders\/orders-client-certs \| \d+ \|/);
  });

  it("explain shows the resolution chain and the findings with their fix; unknown names get close matches", async () => {
    setUpPullRequest(h, 7);
    await comment(h, 7, "/mtls-gate explain orders-mapping");
    const chain = botReplies(h, 7)[0]?.body ?? "";
    assert.match(
      chain,
      /1\. \*\*Mapping\*\*: Mapping orders\/orders-mapping for prefix \/orders\/ \(\[orders\/service\.yaml:\d+\]/,
    );
    assert.match(chain, /\*\*TLSContext\*\*: TLSContext orders\/orders-context/);
    assert.match(chain, /\*\*Secret\*\*: Secret orders\/orders-client-certs \(client certificate\)/);
    assert.match(chain, /\*\*Certificate\*\*: .*days left/);
    assert.match(chain, /\*\*CA\*\*: none: the upstream's certificate is not verified/);
    assert.match(chain, /upstream-unverified/);

    await comment(h, 7, "/mtls-gate explain /upstream/");
    const broken = botReplies(h, 7)[1]?.body ?? "";
    assert.match(broken, /no TLSContext is named "upstream-contxt"/);
    assert.match(broken, /mapping-tls-context-not-found/);

    const unknown = await comment(h, 7, "/mtls-gate explain orders-mappin");
    assert.match(
      botReplies(h, 7)[2]?.body ?? "",
      /No route is named `orders-mappin`.*Close matches: `orders\/orders-mapping`/,
    );
    assert.deepEqual(reactions(unknown), ["confused"]);
  });

  it("accept: error findings need maintain; the re-run check no longer blocks and lists who, when and why; revoke undoes it", async () => {
    const { head } = setUpPullRequest(h, 8);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 8, headSha: head, baseSha: h.repo.branchSha("main") }),
    );
    assert.equal(h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1)?.conclusion, "failure");
    const introduced = ["mapping-tls-context-not-found", "mtls-downgrade", "mtls-required"];

    await comment(
      h,
      8,
      "/mtls-gate accept mtls-required Mapping/payments/upstream-mapping -- migrating upstream to the mesh",
      "alice",
    );
    assert.match(botReplies(h, 8).at(-1)?.body ?? "", /need maintain \(to accept an error\) permission/);

    await comment(h, 8, "/mtls-gate accept mtls-required Mapping/payments/nope -- x", "maria");
    assert.match(
      botReplies(h, 8).at(-1)?.body ?? "",
      /No finding `mtls-required` on `Mapping\/payments\/nope`[\s\S]*`mtls-downgrade Mapping\/payments\/upstream-mapping`/,
    );

    for (const rule of introduced)
      await comment(
        h,
        8,
        `/mtls-gate accept ${rule} Mapping/payments/upstream-mapping -- migrating upstream to the mesh (INC-42)`,
        "maria",
      );
    const accepted = h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
    assert.equal(accepted?.conclusion, "success");
    assert.match(accepted?.output.summary ?? "", /### Accepted findings \(3\)/);
    assert.match(
      accepted?.output.summary ?? "",
      /`mtls-required` on Mapping\/payments\/upstream-mapping: accepted by @maria on 2026-06-01T12:00:00\.000Z, covers 1 finding\. Reason: migrating upstream to the mesh \(INC-42\)/,
    );

    // A restarted app (new process, nothing in memory) reads the acceptances back from GitHub.
    const restarted = await startHarness({ fake: h.fake });
    try {
      await restarted.deliver(
        "pull_request",
        pullRequestEvent(h.fake, h.repo, "reopened", { number: 8, headSha: head, baseSha: h.repo.branchSha("main") }),
      );
      await comment(restarted, 8, "/mtls-gate recheck", "alice");
      assert.equal(h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1)?.conclusion, "success");
      await comment(restarted, 8, "/mtls-gate revoke mtls-required Mapping/payments/upstream-mapping", "alice");
      const revoked = h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
      assert.equal(revoked?.conclusion, "failure");
      assert.match(revoked?.output.summary ?? "", /### Accepted findings \(2\)/);
    } finally {
      await restarted.close();
    }
  });

  it("a redelivered command edits its earlier reply instead of adding one", async () => {
    setUpPullRequest(h, 9);
    const c = await comment(h, 9, "/mtls-gate help");
    await h.deliver(
      "issue_comment",
      issueCommentEvent(h.fake, h.repo, { id: c.id, body: c.body, user: "alice", issueNumber: 9 }),
    );
    assert.equal(botReplies(h, 9).length, 1);
  });

  it("keeps a reply inside GitHub's comment size limit, saying it was cut", async () => {
    setUpPullRequest(h, 10, { "payments/many.yaml": brokenMappings(1500) });
    await comment(h, 10, "/mtls-gate routes --all");
    const reply = botReplies(h, 10)[0]?.body ?? "";
    assert.ok(reply.length <= MAX_COMMENT_CHARS, `${reply.length} characters`);
    assert.match(reply, /<details>/);
    assert.match(reply, /cut: the reply was longer than a GitHub comment may be/);
  });

  it("check run buttons: Show routes posts the routes; the clicking user's permission is checked", async () => {
    const { head } = setUpPullRequest(h, 11);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 11, headSha: head, baseSha: h.repo.branchSha("main") }),
    );
    const run = h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
    assert.deepEqual(
      run?.actions.map((a) => a.identifier),
      ["recheck", "routes", "explain-failures"],
    );
    assert.ok(run);
    await h.deliver(
      "check_run",
      requestedActionEvent(
        h.fake,
        h.repo,
        { id: run.id, headSha: head, externalId: run.external_id },
        "routes",
        "alice",
      ),
    );
    assert.match(botReplies(h, 11).at(-1)?.body ?? "", /mtls → plaintext ⚠️ downgrade/);
    await h.deliver(
      "check_run",
      requestedActionEvent(
        h.fake,
        h.repo,
        { id: run.id, headSha: head, externalId: run.external_id },
        "explain-failures",
        "alice",
      ),
    );
    assert.match(botReplies(h, 11).at(-1)?.body ?? "", /\*\*mtls-gate explain\*\* `payments\/upstream-mapping`/);
    await h.deliver(
      "check_run",
      requestedActionEvent(
        h.fake,
        h.repo,
        { id: run.id, headSha: head, externalId: run.external_id },
        "recheck",
        "mallory",
      ),
    );
    assert.match(botReplies(h, 11).at(-1)?.body ?? "", /Sorry @mallory/);
    void nextCommentId;
  });

  it("Explain failures follows the check's own verdict: once the route's findings are accepted, it has nothing to explain", async () => {
    const { head } = setUpPullRequest(h, 12);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 12, headSha: head, baseSha: h.repo.branchSha("main") }),
    );
    for (const rule of ["mapping-tls-context-not-found", "mtls-downgrade", "mtls-required"]) {
      await comment(h, 12, `/mtls-gate accept ${rule} Mapping/payments/upstream-mapping -- migrating (INC-7)`, "maria");
    }
    const run = h.repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
    assert.equal(run?.conclusion, "success");
    assert.ok(run);
    await h.deliver(
      "check_run",
      requestedActionEvent(h.fake, h.repo, { id: run.id, headSha: head, externalId: run.external_id }, "explain-failures", "alice"),
    );
    assert.match(botReplies(h, 12).at(-1)?.body ?? "", /No route carries a blocking finding/);
  });
});
