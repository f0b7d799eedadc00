/**
 * `npm run demo`: the real app behind Probot's real HTTP server, a local fake of GitHub holding the example repository,
 * and one signed pull_request webhook; prints the check run the way GitHub shows it. No credentials, no network.
 */
import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { registerGate } from "../src/app/index.js";
import type { Gate } from "../src/app/gate.js";
import { metricsHandler } from "../src/app/metrics.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo, type StoredCheckRun } from "../test/helpers/fake-github.js";
import { exampleRepository } from "../test/app/fixtures.js";
import { examplePayload, issueCommentEvent, pullRequestEvent, repositoryPayload } from "../test/app/harness.js";
import { sendWebhook } from "../test/app/processes.js";

const WEBHOOK_SECRET = "demo-secret";
const COMMENTER = "demo-user";

/** `npm run demo -- --comment "/mtls-gate explain upstream-mapping"`: also post that comment and print the reply. */
function commentArgument(argv: readonly string[]): string | null {
  const index = argv.indexOf("--comment");
  if (index < 0) return null;
  const value = argv[index + 1];
  if (!value) throw new Error('--comment needs the comment text, e.g. --comment "/mtls-gate routes"');
  return value;
}

/**
 * `npm run demo -- --watch`: also push to the default branch, with the app's clock set 10 days before the example's
 * client certificates expire, and print the dashboard issue the scan opens and an excerpt of `GET /metrics`.
 */
const WATCH_CLOCK = new Date("2040-07-22T12:00:00Z");
const METRICS_TOKEN = "demo-metrics-token";

async function main(): Promise<void> {
  const commentText = commentArgument(process.argv.slice(2));
  const watch = process.argv.includes("--watch");
  const fake = await startFakeGitHub();
  const repo = fake.createRepo("acme/platform", { defaultBranch: "main" });
  const files = exampleRepository();
  const base = repo.commit(files, { branch: "main" });
  // The pull request: someone renames the context the payments route uses, and misses the Mapping.
  const head = repo.commitChanges(base, {
    "payments/tlscontext.yaml": (files["payments/tlscontext.yaml"] ?? "").replace("name: upstream-context", "name: payments-upstream"),
  });
  repo.addPullRequest({ number: 42, headSha: head });

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const log = pino({ level: "warn" });
  let gate: Gate | undefined;
  const server = new Server({
    Probot: Probot.defaults({ appId: fake.appId, privateKey, secret: WEBHOOK_SECRET, baseUrl: fake.url, log }),
    host: "127.0.0.1",
    port: 0,
    log,
  });
  await server.load((app, options) => {
    gate = registerGate(app, watch ? { now: () => WATCH_CLOCK } : {});
    if (watch) options?.addHandler?.(metricsHandler(gate.metrics, METRICS_TOKEN));
  });
  const http = await server.start();
  const port = (http.address() as AddressInfo).port;

  const send = async (event: string, delivery: string, payload: object) => {
    const { status } = await sendWebhook(port, WEBHOOK_SECRET, event, delivery, payload);
    await gate?.idle();
    return status;
  };
  const status = await send("pull_request", "demo-delivery-1", pullRequestEvent(fake, repo, "opened", { number: 42, headSha: head, baseSha: base }));
  console.log(`POST /api/github/webhooks (pull_request.opened, PR #42) -> ${status}`);

  const run = repo.checkRuns.find((r) => r.head_sha === head);
  console.log(run ? renderRun(run) : "No check run was created.");
  if (commentText !== null) {
    repo.setPermission(COMMENTER, "write");
    const comment = repo.addComment(42, commentText, { login: COMMENTER, type: "User" });
    const commentStatus = await send("issue_comment", "demo-delivery-2", issueCommentEvent(fake, repo, { id: comment.id, body: commentText, user: COMMENTER, issueNumber: 42, createdAt: new Date().toISOString() }));
    console.log(`\n@${COMMENTER} commented on PR #42: ${JSON.stringify(commentText)} -> ${commentStatus}`);
    const replies = repo.comments.filter((c) => c.issue_number === 42 && c.user.type === "Bot");
    for (const reply of replies) console.log(`\n@${reply.user.login} replied:\n\n${reply.body.replace(/\n*<!-- mtls-gate:[^>]*-->/g, "")}`);
    console.log(`\nReactions on the comment: ${comment.reactions.map((r) => r.content).join(", ") || "(none)"}`);
    const rerun = repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
    if (rerun && rerun !== run) console.log(`\nThe check ran again: ${rerun.status} / ${rerun.conclusion ?? "-"} (${rerun.output.title ?? ""})`);
  }
  if (watch) await showWatch(send, port, fake, repo, head);
  console.log(`\nGitHub API requests made by the app: ${fake.apiCalls().length}`);
  await server.stop();
  await fake.close();
}

async function showWatch(
  send: (event: string, delivery: string, payload: object) => Promise<number>,
  port: number,
  fake: FakeGitHub,
  repo: FakeRepo,
  head: string,
): Promise<void> {
  // The pull request merges: the default branch moves to its head and GitHub sends the push.
  const before = repo.branchSha("main");
  repo.setBranch("main", head);
  const payload = { ...examplePayload("push", ""), ref: "refs/heads/main", before, after: head, created: false, deleted: false, forced: false, base_ref: null, commits: [], head_commit: null, repository: repositoryPayload(repo, fake.url), installation: { id: 1 } };
  const status = await send("push", "demo-delivery-3", payload);
  console.log(`\nPOST /api/github/webhooks (push to main, clock set to ${WATCH_CLOCK.toISOString()}) -> ${status}`);
  const scan = repo.checkRuns.filter((r) => r.head_sha === head).at(-1);
  if (scan) console.log(`Scan of main: check run ${scan.status} / ${scan.conclusion ?? "-"} (${scan.output.title ?? ""})`);
  for (const issue of repo.issues) console.log(`\nIssue #${issue.number} "${issue.title}" (${issue.state}) by ${issue.user.login}:\n\n${issue.body}`);
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  console.log(`\nGET /metrics -> ${response.status} (excerpt)\n`);
  console.log(text.split("\n").filter((line) => /^mtls_gate_(certificate|routes|blocking|checks_total|queue|github)/.test(line)).join("\n"));
}

function renderRun(run: StoredCheckRun): string {
  const lines = [
    "",
    `Check run "${run.name}" on ${run.head_sha.slice(0, 7)}: ${run.status} / ${run.conclusion ?? "-"}`,
    "",
    `## ${run.output.title ?? ""}`,
    "",
    run.output.summary ?? "",
    "",
    `Annotations (${run.annotations.length}):`,
  ];
  for (const a of run.annotations) {
    lines.push(`  ${String(a.path)}:${String(a.start_line)}  ${String(a.annotation_level).padEnd(7)}  ${String(a.title)}`);
    lines.push(`      ${String(a.message)}`);
  }
  return lines.join("\n");
}

await main();
