/**
 * No Docker engine runs here, so this reproduces the Dockerfile's runtime stage outside it: a clean directory with
 * what the image copies, the image's own install command (dev dependencies omitted), its environment and its start
 * command; then `/ping` must answer and a signed webhook must produce a completed check run.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent } from "./harness.js";
import { freePort, sendWebhook, waitFor } from "./processes.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface RuntimeStage {
  env: Record<string, string>;
  installCommands: string[][];
  copies: string[];
  cmd: string[];
  user: string | null;
}

/** The last stage of the Dockerfile: what it copies from the build context, installs, sets and runs. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const lines = dockerfile.replace(/\\\n/g, " ").split("\n");
  const start =
    lines
      .map((l, i) => (/^FROM\s/i.test(l) ? i : -1))
      .filter((i) => i >= 0)
      .at(-1) ?? 0;
  const stage: RuntimeStage = { env: {}, installCommands: [], copies: [], cmd: [], user: null };
  for (const line of lines.slice(start)) {
    const [instruction = "", ...rest] = line.trim().split(/\s+/);
    const args = rest.join(" ");
    switch (instruction.toUpperCase()) {
      case "ENV":
        for (const pair of args.split(/\s+/)) {
          const [key, value] = pair.split("=");
          if (key && value !== undefined) stage.env[key] = value;
        }
        break;
      case "RUN":
        for (const command of args.split("&&").map((c) => c.trim().split(/\s+/)))
          if (command[0] === "npm" && command[1] === "ci") stage.installCommands.push(command);
        break;
      case "COPY":
        if (!args.startsWith("--from")) stage.copies.push(...rest.slice(0, -1));
        break;
      case "CMD":
        stage.cmd = JSON.parse(args) as string[];
        break;
      case "USER":
        stage.user = args;
        break;
    }
  }
  return stage;
}

describe("the Dockerfile's runtime stage, reproduced outside Docker", { timeout: 240_000 }, () => {
  const stage = runtimeStage(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  let dir: string;
  let fake: FakeGitHub;
  let app: ChildProcess | undefined;
  let output = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mtls-gate-image-"));
  });
  after(async () => {
    app?.kill();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs as a non-root user, listens on all interfaces and installs without dev dependencies", () => {
    assert.ok(stage.user && stage.user !== "root", "USER is set to a non-root user");
    assert.equal(stage.env.HOST, "0.0.0.0");
    assert.ok(stage.installCommands.length > 0 && stage.installCommands.every((c) => c.includes("--omit=dev")));
  });

  it("starts from a clean copy, answers /ping and handles a signed webhook", async () => {
    for (const path of [...stage.copies, "dist/src"]) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    for (const [command = "npm", ...args] of stage.installCommands) {
      // Offline first: CI's own `npm ci` has just filled the cache with the same lockfile's packages.
      const result = spawnSync(command, args, {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, npm_config_prefer_offline: "true" },
      });
      assert.equal(result.status, 0, result.stderr);
    }
    assert.throws(
      () => readFileSync(join(dir, "node_modules/typescript/package.json")),
      "dev dependencies are not installed",
    );

    fake = await startFakeGitHub();
    const repo = fake.createRepo("acme/platform", { defaultBranch: "main" });
    const base = repo.commit(exampleRepository(), { branch: "main" });
    const head = repo.commitChanges(base, { "payments/broken.yaml": brokenMappings(1) });
    repo.addPullRequest({ number: 9, headSha: head });

    const port = await freePort();
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const fakeHost = new URL(fake.url).host;
    const [command = "node", ...args] = stage.cmd;
    app = spawn(command, args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        ...stage.env,
        PORT: String(port),
        APP_ID: String(fake.appId),
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: "image-test",
        // GitHub Enterprise Server style configuration: the API lives at <protocol>://<host>/api/v3.
        GHE_HOST: fakeHost,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "info",
      },
    });
    app.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    app.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

    const pong = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/ping`);
      return response.ok ? response.text() : undefined;
    }, 30_000).catch((error: unknown) => assert.fail(`no /ping answer: ${String(error)}\n${output}`));
    assert.equal(pong, "PONG");

    const payload = pullRequestEvent(fake, repo, "opened", { number: 9, headSha: head, baseSha: base });
    const response = await sendWebhook(port, "image-test", "pull_request", "image-test-1", payload);
    assert.ok(response.status < 300, `webhook answered ${response.status}\n${output}`);
    const run = await waitFor(
      async () => repo.checkRuns.find((r) => r.head_sha === head && r.status === "completed"),
      30_000,
    ).catch(() => assert.fail(`no completed check run\n${output}`));
    assert.equal(run.conclusion, "failure");
    assert.ok(run.annotations.some((a) => a.title === "mapping-tls-context-not-found"));
    assert.ok(
      fake.apiCalls().length > 0 && fake.apiCalls().every((r) => r.apiPrefix === "/api/v3"),
      "every API call went to the GHE_HOST address",
    );
    assert.deepEqual(fake.violations, []);
    // The image serves the rule pages its links point at: docs/rules is in it.
    const page = await fetch(`http://127.0.0.1:${port}/docs/rules/mapping-tls-context-not-found`);
    assert.equal(page.status, 200, "the image ships docs/rules");
    assert.match(await page.text(), /<h1>mapping-tls-context-not-found<\/h1>/);
  });
});
