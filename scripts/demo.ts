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
import { startFakeGitHub, type StoredCheckRun } from "../test/helpers/fake-github.js";
import { exampleRepository } from "../test/app/fixtures.js";
import { issueCommentEvent, pullRequestEvent } from "../test/app/harness.js";
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

async function main(): Promise<void> {
  const commentText = commentArgument(process.argv.slice(2));
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
  await server.load((app) => {
    gate = registerGate(app);
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
  console.log(`\nGitHub API requests made by the app: ${fake.apiCalls().length}`);
  await server.stop();
  await fake.close();
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
