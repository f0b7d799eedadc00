/**
 * `npm run demo`: the real app behind Probot's real HTTP server, a local fake of GitHub holding the example repository,
 * and one signed pull_request webhook; prints the check run the way GitHub shows it. No credentials, no network.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { registerGate } from "../src/app/index.js";
import type { Gate } from "../src/app/gate.js";
import { startFakeGitHub, type StoredCheckRun } from "../test/helpers/fake-github.js";
import { exampleRepository } from "../test/app/fixtures.js";
import { pullRequestEvent } from "../test/app/harness.js";

const WEBHOOK_SECRET = "demo-secret";

async function main(): Promise<void> {
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

  const body = JSON.stringify(pullRequestEvent(fake, repo, "opened", { number: 42, headSha: head, baseSha: base }));
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "demo-delivery-1",
      "x-hub-signature-256": `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  console.log(`POST /api/github/webhooks (pull_request.opened, PR #42) -> ${response.status}`);
  await gate?.jobs.idle();

  const run = repo.checkRuns.find((r) => r.head_sha === head);
  console.log(run ? renderRun(run) : "No check run was created.");
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
