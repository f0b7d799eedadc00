/**
 * The attacks of issue 12, each through the real Probot app against the fake GitHub (every request validated against
 * GitHub's OpenAPI description): someone who must not turn the gate green tries to, and the check stays red.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { StoredComment } from "../helpers/fake-github.js";
import { readAcceptances } from "../../src/app/commands/acceptances.js";
import type { GitHubClient } from "../../src/app/github-client.js";
import { exampleRepository } from "./fixtures.js";
import {
  issueCommentEvent,
  NOW,
  pullRequestEvent,
  requestedActionEvent,
  startHarness,
  type Harness,
} from "./harness.js";
import { freePort, sendWebhook, startProcess, waitFor } from "./processes.js";

const BOT = "mtls-gate[bot]";
const MAPPING = "Mapping/payments/upstream-mapping";
/** What the example pull request introduces on the payments Mapping: three errors. */
const INTRODUCED = ["mapping-tls-context-not-found", "mtls-downgrade", "mtls-required"];

/** A marker as the app wrote them before they were signed: anyone could write its base64url JSON. */
function forgedMarker(ruleId: string, by = "maria"): string {
  const payload = { ruleId, resource: MAPPING, reason: "approved", by, at: NOW.toISOString() };
  return `<!-- mtls-gate:accept ${Buffer.from(JSON.stringify(payload)).toString("base64url")} -->`;
}

/** The same in the signed shape, with a signature the attacker made up. */
function badlySignedMarker(ruleId: string): string {
  const payload = {
    ruleId,
    resource: MAPPING,
    reason: "approved",
    by: "maria",
    byId: 1,
    permission: "admin",
    at: NOW.toISOString(),
    fingerprints: [],
    repo: "acme/platform",
    pullNumber: 1,
    commandCommentId: 1,
  };
  return `<!-- mtls-gate:accept ${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${"A".repeat(43)} -->`;
}

const PLANTED = INTRODUCED.map((rule) => `${forgedMarker(rule)} ${badlySignedMarker(rule)}`).join(" ");

/** The example with its typo fixed as base; the head breaks the payments route's TLS reference (three errors). */
function breakingPullRequest(
  h: Harness,
  number: number,
  headChange: (files: Record<string, string>) => void = () => {},
) {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
    "tls: report-context",
    "tls: reports-context",
  );
  const base = h.repo.commit(files, { branch: "main" });
  const changed: Record<string, string> = {
    "payments/mappings.yaml": (files["payments/mappings.yaml"] ?? "").replace(
      "tls: upstream-context",
      "tls: upstream-contxt",
    ),
  };
  headChange(changed);
  const head = h.repo.commitChanges(base, changed);
  h.repo.addPullRequest({ number, headSha: head, fork: true });
  return { base, head, files: { ...files, ...changed } };
}

function lastRunOn(h: Harness, sha: string) {
  const run = h.repo.checkRuns.filter((r) => r.head_sha === sha).at(-1);
  assert.ok(run, `a run on ${sha.slice(0, 7)}`);
  return run;
}

function botReplies(h: Harness, issueNumber: number): StoredComment[] {
  return h.repo.comments.filter((c) => c.issue_number === issueNumber && c.user.login === BOT);
}

async function comment(
  h: Harness,
  issueNumber: number,
  body: string,
  user: string,
  createdAt?: string,
): Promise<StoredComment> {
  const stored = h.repo.addComment(issueNumber, body, { login: user, type: "User" });
  await h.deliver(
    "issue_comment",
    issueCommentEvent(h.fake, h.repo, { id: stored.id, body, user, issueNumber, ...(createdAt ? { createdAt } : {}) }),
  );
  return stored;
}

/** The fork pushes again (a harmless file): a new head whose check reads the acceptances of the conversation. */
async function pushAgain(h: Harness, number: number, previousHead: string, base: string): Promise<string> {
  const head = h.repo.commitChanges(previousHead, { [`notes/push-${number}.txt`]: "again\n" });
  h.repo.setPullRequestHead(number, head);
  await h.deliver(
    "pull_request",
    pullRequestEvent(h.fake, h.repo, "synchronize", { number, headSha: head, baseSha: base, fork: true }),
  );
  return head;
}

describe("attacks on the gate (issue 12)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.repo.setPermission("alice", "write");
    h.repo.setPermission("maria", "maintain");
    h.repo.setPermission("mallory", "read");
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, [], "every request matches GitHub's OpenAPI description");
    await h.close();
  });

  it("a marker planted in a fork's Mapping prefix and echoed by /mtls-gate routes accepts nothing", async () => {
    const { base, head } = breakingPullRequest(h, 41, (changed) => {
      changed["payments/mappings.yaml"] = (changed["payments/mappings.yaml"] ?? "").replace(
        "prefix: /upstream/",
        `prefix: "/upstream/ ${PLANTED}"`,
      );
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 41, headSha: head, baseSha: base, fork: true }),
    );
    assert.equal(lastRunOn(h, head).conclusion, "failure");

    await comment(h, 41, "/mtls-gate routes", "alice");
    assert.match(botReplies(h, 41).at(-1)?.body ?? "", /upstream-mapping/, "the route is listed");
    const next = await pushAgain(h, 41, head, base);
    const run = lastRunOn(h, next);
    assert.equal(run.conclusion, "failure", "the planted markers accept nothing");
    assert.doesNotMatch(run.output.summary ?? "", /Accepted findings/);
  });

  it("a marker planted in a prefix and echoed by the Show routes button accepts nothing", async () => {
    const { base, head } = breakingPullRequest(h, 42, (changed) => {
      changed["payments/mappings.yaml"] = (changed["payments/mappings.yaml"] ?? "").replace(
        "prefix: /upstream/",
        `prefix: "/upstream/ ${PLANTED}"`,
      );
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 42, headSha: head, baseSha: base, fork: true }),
    );
    const run = lastRunOn(h, head);
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
    assert.match(botReplies(h, 42).at(-1)?.body ?? "", /upstream-mapping/, "the button posted the routes");
    const next = await pushAgain(h, 42, head, base);
    assert.equal(lastRunOn(h, next).conclusion, "failure");
  });

  it("a writer cannot accept errors (maintain needed) through a marker echoed by /mtls-gate explain", async () => {
    const { base, head } = breakingPullRequest(h, 43);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 43, headSha: head, baseSha: base, fork: true }),
    );
    await comment(h, 43, `/mtls-gate explain ${PLANTED}`, "alice");
    assert.equal(botReplies(h, 43).length, 1, "explain answered");
    await comment(h, 43, "/mtls-gate recheck", "alice");
    const run = lastRunOn(h, head);
    assert.equal(run.conclusion, "failure");
    assert.doesNotMatch(run.output.summary ?? "", /Accepted findings/);
  });

  it("a marker written by someone else than the app, even a correctly shaped one, is not read", async () => {
    const { base, head } = breakingPullRequest(h, 44);
    // A person's comment that copies a genuine signed marker from the app's reply on another pull request.
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 44, headSha: head, baseSha: base, fork: true }),
    );
    for (const rule of INTRODUCED)
      await comment(h, 44, `/mtls-gate accept ${rule} ${MAPPING} -- reviewed with the owners`, "maria");
    assert.equal(lastRunOn(h, head).conclusion, "success", "genuine acceptances by a maintainer count");
    const genuine = botReplies(h, 44)
      .map((c) => c.body.match(/<!-- mtls-gate:accept [^ ]+ -->/)?.[0] ?? "")
      .join("\n");

    const other = breakingPullRequest(h, 45);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 45, headSha: other.head, baseSha: other.base, fork: true }),
    );
    h.repo.addComment(45, `copied:\n${genuine}`, { login: "mallory", type: "User" });
    // Even in a comment the app wrote, a marker for another pull request does not count here.
    h.repo.addComment(45, genuine, { login: BOT, type: "Bot" });
    await comment(h, 45, "/mtls-gate recheck", "alice");
    assert.equal(lastRunOn(h, other.head).conclusion, "failure");
  });

  it("an acceptance covers the finding that was reviewed: a changed finding on the same resource needs a new one", async () => {
    const { base, head } = breakingPullRequest(h, 46);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 46, headSha: head, baseSha: base, fork: true }),
    );
    for (const rule of INTRODUCED) await comment(h, 46, `/mtls-gate accept ${rule} ${MAPPING} -- reviewed`, "maria");
    assert.equal(lastRunOn(h, head).conclusion, "success");
    // The author then points the Mapping at another missing context: same rule, same resource, another finding.
    const files = exampleRepository();
    const next = h.repo.commitChanges(head, {
      "payments/mappings.yaml": (files["payments/mappings.yaml"] ?? "").replace(
        "tls: upstream-context",
        "tls: attacker-context",
      ),
    });
    h.repo.setPullRequestHead(46, next);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "synchronize", { number: 46, headSha: next, baseSha: base, fork: true }),
    );
    const run = lastRunOn(h, next);
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.summary ?? "", /no longer matches a finding/);
  });

  it("a revoke after 3,000 padding comments is read: every comment page counts", async () => {
    const { base, head } = breakingPullRequest(h, 47);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 47, headSha: head, baseSha: base, fork: true }),
    );
    for (const rule of INTRODUCED) await comment(h, 47, `/mtls-gate accept ${rule} ${MAPPING} -- reviewed`, "maria");
    assert.equal(lastRunOn(h, head).conclusion, "success");
    for (let i = 0; i < 3_050; i++) h.repo.addComment(47, `padding ${i}`, { login: "mallory", type: "User" });
    await comment(h, 47, `/mtls-gate revoke mtls-required ${MAPPING}`, "maria");
    assert.match(botReplies(h, 47).at(-1)?.body ?? "", /Revoked the acceptance/);
    const run = lastRunOn(h, head);
    assert.equal(run.conclusion, "failure", "the revoke at the end of the conversation counts");
    assert.match(run.output.summary ?? "", /### Accepted findings \(2\)/);
  });

  it("a redelivered or replayed accept does not undo a later revoke", async () => {
    const { base, head } = breakingPullRequest(h, 48);
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 48, headSha: head, baseSha: base, fork: true }),
    );
    const accepts: StoredComment[] = [];
    for (const rule of INTRODUCED)
      accepts.push(await comment(h, 48, `/mtls-gate accept ${rule} ${MAPPING} -- reviewed`, "maria"));
    await comment(h, 48, `/mtls-gate revoke mtls-required ${MAPPING}`, "maria");
    assert.equal(lastRunOn(h, head).conclusion, "failure");
    const repliesBefore = botReplies(h, 48).map((c) => c.body);

    const accept = accepts.at(-1);
    assert.ok(accept);
    const runsBefore = h.repo.checkRuns.length;
    const writesBefore = h.fake.apiCalls({ method: "PATCH" }).length + h.fake.apiCalls({ method: "POST" }).length;
    const payload = issueCommentEvent(h.fake, h.repo, {
      id: accept.id,
      body: accept.body,
      user: "maria",
      issueNumber: 48,
    });
    await h.deliver("issue_comment", payload);
    // The same comment an hour later (a replay of a captured, validly signed delivery).
    const late = issueCommentEvent(h.fake, h.repo, {
      id: accept.id,
      body: accept.body,
      user: "maria",
      issueNumber: 48,
      createdAt: new Date(NOW.getTime() - 3_600_000).toISOString(),
    });
    await h.deliver("issue_comment", late);
    assert.equal(h.repo.checkRuns.length, runsBefore, "the accept was not carried out again: no re-check started");
    assert.equal(
      h.fake.apiCalls({ method: "PATCH" }).length + h.fake.apiCalls({ method: "POST" }).length,
      writesBefore + 1,
      "one write: the eyes reaction of the redelivery, then nothing",
    );
    await comment(h, 48, "/mtls-gate recheck", "alice");
    assert.equal(lastRunOn(h, head).conclusion, "failure", "the revoke stands");
    assert.deepEqual(
      botReplies(h, 48)
        .map((c) => c.body)
        .slice(0, repliesBefore.length),
      repliesBefore,
      "the earlier replies (and their markers) are untouched",
    );
  });

  it("a suppression a fork's pull request adds to its own Mapping does not clear the errors it introduces", async () => {
    const { base, head } = breakingPullRequest(h, 51, (changed) => {
      changed["payments/mappings.yaml"] = (changed["payments/mappings.yaml"] ?? "").replace(
        "  name: upstream-mapping\n",
        `  name: upstream-mapping\n  annotations:\n    mtls-gate.io/ignore: "${INTRODUCED.join(",")} -- trust me"\n`,
      );
    });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 51, headSha: head, baseSha: base, fork: true }),
    );
    const run = lastRunOn(h, head);
    assert.equal(run.conclusion, "failure", "the pull request cannot switch its own gate off");
    const annotations = h.repo.checkRuns.find((r) => r.id === run.id)?.annotations ?? [];
    const blocking = annotations
      .filter((a) => a.annotation_level === "failure")
      .map((a) => `${String(a.title)}@${String(a.path)}:${String(a.start_line)}`);
    // The typo is the root cause; the downgrade and the broken requirement are its consequences, on the same annotation.
    assert.deepEqual(blocking, ["mapping-tls-context-not-found@payments/mappings.yaml:13"], "the introduced errors still block, on the tls: line");
    const message = String(annotations.find((a) => a.annotation_level === "failure")?.message);
    assert.match(message, /- mtls-downgrade \(error\)[\s\S]*- mtls-required \(error\)/);
    assert.match(run.output.summary ?? "", /suppression-pending/);
    assert.match(
      run.output.summary ?? "",
      /suppression-not-allowed/,
      "mtls-required enforces require.mtls: never suppressible",
    );
  });

  it("the same head opened against a second base is analysed, and the commit carries the strictest verdict", async () => {
    const files = exampleRepository();
    files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
      "tls: report-context",
      "tls: reports-context",
    );
    const main = h.repo.commit(files, { branch: "main" });
    const broken = (files["payments/mappings.yaml"] ?? "").replace("tls: upstream-context", "tls: upstream-contxt");
    // A stale branch that already has the broken reference: against it, the head introduces nothing.
    const stale = h.repo.commit({ ...files, "payments/mappings.yaml": broken }, { parents: [main], branch: "stale" });
    const head = h.repo.commitChanges(stale, { "notes/readme.txt": "x\n" });
    h.repo.addPullRequest({ number: 49, headSha: head, baseRef: "stale" });
    h.repo.addPullRequest({ number: 50, headSha: head });

    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 49, headSha: head, baseSha: stale, baseRef: "stale" }),
    );
    assert.equal(lastRunOn(h, head).conclusion, "success", "nothing introduced against the stale base");
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number: 50, headSha: head, baseSha: main }),
    );

    const runs = h.repo.checkRuns.filter((r) => r.head_sha === head);
    assert.deepEqual(
      runs.map((r) => r.external_id).sort(),
      [`pr:49@${stale}`, `pr:50@${main}`].sort(),
      "one run per base",
    );
    assert.deepEqual(
      runs.map((r) => r.conclusion),
      ["failure", "failure"],
      "the stale base's passing run fails with the other",
    );
    const mainRun = runs.find((r) => r.external_id === `pr:50@${main}`);
    assert.match(mainRun?.output.summary ?? "", /#49 against `[0-9a-f]{12}`: success/);
    const staleRun = runs.find((r) => r.external_id === `pr:49@${stale}`);
    assert.match(staleRun?.output.summary ?? "", /also the head of #50/);
  });
});

describe("the trusted policy's _extends", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ repo: "acme/extends" });
    const policies = h.fake.createRepo("acme/policies", { defaultBranch: "main", installationId: 1 });
    policies.commit({ ".github/mtls-gate.yml": "failOn: warning\n" }, { branch: "main" });
    const elsewhere = h.fake.createRepo("mallory/policies", { defaultBranch: "main", installationId: 1 });
    elsewhere.commit(
      { ".github/mtls-gate.yml": "failOn: error\nrules:\n  mapping-tls-context-not-found: off\n" },
      { branch: "main" },
    );
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, []);
    await h.close();
  });

  async function checkWith(number: number, policy: string) {
    const { base, head } = breakingPullRequest(h, number);
    const withPolicy = h.repo.commitChanges(base, { ".github/mtls-gate.yml": policy }, { branch: "main" });
    await h.deliver(
      "pull_request",
      pullRequestEvent(h.fake, h.repo, "opened", { number, headSha: head, baseSha: withPolicy, fork: true }),
    );
    return lastRunOn(h, head);
  }

  it("another owner's file is not honoured: the check fails naming it", async () => {
    const run = await checkWith(61, "_extends: mallory/policies\n");
    assert.equal(run.conclusion, "failure");
    assert.match(run.output.summary ?? "", /_extends names mallory\/policies:\.github\/mtls-gate\.yml, outside acme/);
  });

  it("a file _extends names that does not exist fails the check naming it, instead of being ignored", async () => {
    const run = await checkWith(62, "_extends: gone-policies\n");
    assert.equal(run.conclusion, "failure");
    assert.match(
      run.output.summary ?? "",
      /_extends names acme\/gone-policies:\.github\/mtls-gate\.yml, which cannot be read/,
    );
  });

  it("a file of the same owner is honoured", async () => {
    const run = await checkWith(63, "_extends: policies\n");
    assert.equal(run.conclusion, "failure", "the pull request still breaks a route");
    assert.doesNotMatch(run.output.title ?? "", /configuration/i);
  });
});

describe("acceptances fail closed when the conversation cannot be read whole", () => {
  it("no acceptance counts past the pages the app reads, and the reason is given", async () => {
    let pages = 0;
    const octokit = {
      rest: {
        issues: {
          listComments: () => {
            pages++;
            return Promise.resolve({
              data: Array.from({ length: 100 }, (_, i) => ({
                id: pages * 100 + i,
                body: "x",
                performed_via_github_app: null,
              })),
            });
          },
        },
      },
    } as unknown as GitHubClient;
    const state = await readAcceptances(
      octokit,
      { owner: "acme", repo: "platform" },
      [7],
      { appId: 1 },
      Buffer.alloc(32),
    );
    assert.deepEqual(state.acceptances, []);
    assert.match(state.problem ?? "", /no acceptance counts: pull request #7 has more than 30,000 comments/);
    assert.equal(pages, 300);
  });
});

describe("a forgeable webhook configuration", () => {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const main = fileURLToPath(new URL("../../src/app/main.js", import.meta.url));
  const baseEnv = {
    PATH: process.env.PATH ?? "",
    APP_ID: "1",
    PRIVATE_KEY: privateKey,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };

  for (const [what, secret] of [
    ["unset", undefined],
    ["empty", ""],
    ["Probot's public default", "development"],
  ] as const) {
    it(`production refuses to start when WEBHOOK_SECRET is ${what}`, async () => {
      const port = await freePort();
      const app = startProcess(process.execPath, [main], {
        env: { ...baseEnv, PORT: String(port), ...(secret !== undefined ? { WEBHOOK_SECRET: secret } : {}) },
      });
      const code = await new Promise<number | null>((resolve) => app.child.once("exit", (c) => resolve(c)));
      assert.equal(code, 1);
      assert.match(
        app.output(),
        /^mtls-gate: WEBHOOK_SECRET .* refuses to start, since anyone could forge webhooks\n$/,
      );
    });
  }

  it("with a real secret it serves, and a delivery signed with `development` is refused", async () => {
    const port = await freePort();
    const app = startProcess(process.execPath, [main], {
      env: { ...baseEnv, PORT: String(port), WEBHOOK_SECRET: "a-real-secret" },
    });
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ping`)).ok ? true : undefined), 20_000);
      const forged = await sendWebhook(port, "development", "issue_comment", "forged-1", { action: "created" });
      assert.ok(forged.status >= 400 && forged.status < 500, `refused with ${forged.status}`);
    } finally {
      await app.stop();
    }
  });
});

describe("a base kept between checks (issue 18) turns nothing green", () => {
  let h: Harness;
  let clock = new Date("2026-01-31T23:55:00Z");
  before(async () => {
    // One analysis thread: both checks meet the base summary the first one kept.
    h = await startHarness({ gate: { analysisThreads: 1, now: () => clock } });
  });
  after(async () => {
    assert.deepEqual(h.fake.violations, [], "every request matches GitHub's OpenAPI description");
    await h.close();
  });

  it("a suppression that expired between two checks of one pull request is not carried by the kept base", async () => {
    const mapping = (until: string, tls: string) => `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
  namespace: payments
  annotations:
    mtls-gate.io/ignore: "mapping-tls-context-not-found until ${until} -- billing moves in OPS-7"
spec:
  prefix: /billing/
  service: billing
  ${tls}
`;
    const base = h.repo.commit({ "payments/billing.yaml": mapping("2026-01-31", "timeout_ms: 3000") }, { branch: "main" });
    // The pull request breaks the Mapping's tls: and moves the suppression's date out by a year.
    const first = h.repo.commitChanges(base, { "payments/billing.yaml": mapping("2026-12-31", "tls: client-ctx") });
    h.repo.addPullRequest({ number: 61, headSha: first });
    await h.deliver("pull_request", pullRequestEvent(h.fake, h.repo, "opened", { number: 61, headSha: first, baseSha: base }));
    // On the base suppression's last day the pull request only carries it on: it counts.
    assert.equal(lastRunOn(h, first).conclusion, "success");

    clock = new Date("2026-02-01T00:05:00Z");
    const second = h.repo.commitChanges(first, { "payments/notes.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n" });
    await h.deliver("pull_request", pullRequestEvent(h.fake, h.repo, "synchronize", { number: 61, headSha: second, baseSha: base }));
    const run = lastRunOn(h, second);
    assert.equal(run.conclusion, "failure", "past the base's date the extended suppression is the pull request's own");
    const titles = (h.repo.checkRuns.find((r) => r.id === run.id)?.annotations ?? []).map((a) => String(a.title));
    assert.ok(titles.includes("mapping-tls-context-not-found"), titles.join(", "));
  });
});
