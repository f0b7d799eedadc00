/**
 * Registration end to end (issue 17): `npm start` without credentials serves the setup page; its manifest carries the
 * instance's own URLs and the project's homepage; GitHub's redirect with a code makes the app exchange it (against the
 * fake GitHub, the GitHub Enterprise Server way) and write `.env`; the restarted process runs the app with exactly those
 * credentials: a webhook signed with the issued secret is answered with a check run whose rule links are the instance's
 * own docs pages, and a webhook signed otherwise is refused.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { registrationHandler } from "../../src/app/registration.js";
import { startFakeGitHub, type FakeGitHub } from "../helpers/fake-github.js";
import { brokenMappings, exampleRepository } from "./fixtures.js";
import { pullRequestEvent } from "./harness.js";
import { freePort, sendWebhook, startProcess, waitFor, type RunningProcess } from "./processes.js";

const MAIN = fileURLToPath(new URL("../../src/app/main.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { homepage: string };
const APP_YML = parseYaml(readFileSync(join(ROOT, "app.yml"), "utf8")) as Record<string, unknown>;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The setup page's form: where it posts and the manifest it posts (the hidden `manifest` field). */
function form(html: string): { action: string; manifest: Record<string, unknown> } {
  const action = /<form action="([^"]*)" method="post">/.exec(html)?.[1];
  const manifest = /<input type="hidden" name="manifest" value="([^"]*)">/.exec(html)?.[1];
  assert.ok(action !== undefined && manifest !== undefined, `the setup page has the manifest form:\n${html}`);
  return { action: unescapeHtml(action), manifest: JSON.parse(unescapeHtml(manifest)) as Record<string, unknown> };
}

function appEnv(fake: FakeGitHub, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    PORT: String(port),
    HOST: "127.0.0.1",
    GHE_HOST: new URL(fake.url).host,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "json",
    ...extra,
  };
}

async function started(proc: RunningProcess, port: number): Promise<void> {
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/ping`)).ok ? true : undefined), 30_000).catch(() =>
    assert.fail(`the process did not start:\n${proc.output()}`),
  );
}

describe(
  "registration: npm start without credentials, GitHub's manifest flow, then the app with the written credentials",
  { timeout: 180_000 },
  () => {
    let fake: FakeGitHub;
    let cwd: string;
    const processes: RunningProcess[] = [];
    before(async () => {
      fake = await startFakeGitHub();
      cwd = mkdtempSync(join(tmpdir(), "mtls-gate-registration-"));
    });
    after(async () => {
      for (const proc of processes) await proc.stop("SIGKILL");
      await fake?.close();
      rmSync(cwd, { recursive: true, force: true });
    });

    it("registers through the setup page, writes .env, and the restarted app answers a webhook signed with the issued secret", async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const setup = startProcess(process.execPath, [MAIN], { cwd, env: appEnv(fake, port) });
      processes.push(setup);
      await started(setup, port);

      // The root sends the browser to the setup page.
      const root = await fetch(`${base}/`, { redirect: "manual" });
      assert.equal(root.status, 302);
      assert.equal(root.headers.get("location"), "/probot");

      const page = await fetch(`${base}/probot`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.doesNotMatch(html, /example\.invalid/);
      const { action, manifest } = form(html);
      const actionUrl = new URL(action);
      assert.equal(
        `${actionUrl.origin}${actionUrl.pathname}`,
        `${fake.url}/settings/apps/new`,
        "posts to GHE_HOST's app creation page",
      );
      const state = actionUrl.searchParams.get("state") ?? "";
      assert.match(state, /^[0-9a-f]{32}$/);
      assert.deepEqual(manifest, {
        name: APP_YML.name,
        url: PACKAGE.homepage,
        description: APP_YML.description,
        public: false,
        hook_attributes: { url: `${base}/api/github/webhooks`, active: true },
        redirect_url: `${base}/probot/setup`,
        default_events: APP_YML.default_events,
        default_permissions: APP_YML.default_permissions,
      });
      assert.equal(PACKAGE.homepage, "https://github.com/mtls-gate/mtls-gate#readme");

      // The user creates the app on GitHub, which redirects to redirect_url with a code and the state.
      const code = fake.manifestCode(manifest);
      const wrongState = await fetch(`${manifest.redirect_url as string}?code=${code}&state=${"0".repeat(32)}`, {
        redirect: "manual",
      });
      assert.equal(wrongState.status, 400, "a code without this instance's state is refused");
      assert.equal(fake.conversions.length, 0, "and never exchanged");
      const redirect = await fetch(`${manifest.redirect_url as string}?code=${code}&state=${state}`, {
        redirect: "manual",
      });
      assert.equal(redirect.status, 302, await redirect.text());
      assert.equal(redirect.headers.get("location"), "https://github.com/apps/mtls-gate/installations/new");

      const conversions = fake.apiCalls({ path: /^\/app-manifests\// });
      assert.deepEqual(
        conversions.map((r) => ({
          method: r.method,
          path: r.path,
          operationId: r.operationId,
          apiPrefix: r.apiPrefix,
          status: r.status,
        })),
        [
          {
            method: "POST",
            path: `/app-manifests/${code}/conversions`,
            operationId: "apps/create-from-manifest",
            apiPrefix: "/api/v3",
            status: 201,
          },
        ],
      );
      assert.deepEqual(fake.violations, [], "every request is one GitHub's OpenAPI description allows");
      const issued = fake.conversions[0];
      assert.ok(issued);

      const envPath = join(cwd, ".env");
      assert.equal(statSync(envPath).mode & 0o777, 0o600, ".env holds a private key: owner-only");
      const written = parseEnv(readFileSync(envPath, "utf8"));
      assert.deepEqual(written, {
        APP_ID: String(fake.appId),
        PRIVATE_KEY: issued.pem,
        WEBHOOK_SECRET: issued.webhookSecret,
        GITHUB_CLIENT_ID: issued.clientId,
        GITHUB_CLIENT_SECRET: issued.clientSecret,
        MTLS_GATE_PUBLIC_URL: base,
      });
      assert.doesNotMatch(setup.output(), /BEGIN RSA PRIVATE KEY|MII/, "the key is never logged");
      assert.ok(!setup.output().includes(issued.webhookSecret), "nor the webhook secret");

      // A second exchange is refused: the instance is registered.
      const again = await fetch(
        `${manifest.redirect_url as string}?code=${fake.manifestCode(manifest)}&state=${state}`,
        { redirect: "manual" },
      );
      assert.equal(again.status, 409);
      assert.equal(fake.conversions.length, 1);
      await setup.stop();

      // Restarted with the same environment (no credentials in it): the app runs from .env.
      const app = startProcess(process.execPath, [MAIN], { cwd, env: appEnv(fake, port) });
      processes.push(app);
      await started(app, port);
      const repo = fake.createRepo("acme/registered", { installationId: 1 });
      const baseSha = repo.commit(exampleRepository(), { branch: "main" });
      const headSha = repo.commitChanges(baseSha, { "broken.yaml": brokenMappings(1) });
      repo.addPullRequest({ number: 1, headSha });
      const payload = pullRequestEvent(fake, repo, "opened", { number: 1, headSha, baseSha });

      const forged = await sendWebhook(port, "not-the-issued-secret", "pull_request", "forged-1", payload);
      assert.ok(forged.status >= 400, `a webhook signed with another secret is refused (${forged.status})`);
      const delivered = await sendWebhook(port, issued.webhookSecret, "pull_request", "registered-1", payload);
      assert.ok(delivered.status < 300, `the signed webhook is accepted (${delivered.status}):\n${app.output()}`);
      const run = await waitFor(
        () => repo.checkRuns.find((r) => r.head_sha === headSha && r.status === "completed"),
        60_000,
      ).catch(() => assert.fail(`no completed check run:\n${app.output()}`));
      assert.equal(run.name, "mtls-gate");
      assert.equal(run.conclusion, "failure");
      const annotation = run.annotations.find((a) => a.title === "mapping-tls-context-not-found");
      assert.ok(annotation, "the broken Mapping is annotated");
      const docsUrl = `${base}/docs/rules/mapping-tls-context-not-found`;
      assert.ok(
        String(annotation.raw_details).includes(docsUrl),
        `the annotation links the instance's own page: ${String(annotation.raw_details)}`,
      );
      const docsPage = await fetch(docsUrl);
      assert.equal(docsPage.status, 200, "and that page is served");
      assert.match(await docsPage.text(), /<h1>mapping-tls-context-not-found<\/h1>/);
      assert.deepEqual(fake.violations, []);
    });
  },
);

describe("registration page: the configured public URL, and what it refuses", () => {
  let server: Server;
  let base: string;
  let cwd: string;
  const lines: string[] = [];
  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), "mtls-gate-registration-unit-"));
    const handle = registrationHandler({
      env: {
        MTLS_GATE_PUBLIC_URL: "https://gate.example.com/mtls/",
        GH_ORG: "acme",
        GHE_HOST: "127.0.0.1:9",
        GHE_PROTOCOL: "http",
      },
      cwd,
      log: (line) => lines.push(line),
      state: "f".repeat(32),
    });
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(cwd, { recursive: true, force: true });
  });

  it("takes its URLs from MTLS_GATE_PUBLIC_URL and posts to the organisation's app page", async () => {
    const { action, manifest } = form(
      await (await fetch(`${base}/probot`, { headers: { host: "attacker.example" } })).text(),
    );
    assert.equal(action, `http://127.0.0.1:9/organizations/acme/settings/apps/new?state=${"f".repeat(32)}`);
    assert.deepEqual(manifest.hook_attributes, {
      url: "https://gate.example.com/mtls/api/github/webhooks",
      active: true,
    });
    assert.equal(manifest.redirect_url, "https://gate.example.com/mtls/probot/setup");
  });

  it("refuses a missing or malformed code and a code without the state, and writes no .env", async () => {
    for (const query of [
      "",
      `?state=${"f".repeat(32)}`,
      `?code=../x&state=${"f".repeat(32)}`,
      "?code=abc",
      "?code=abc&state=0",
    ]) {
      const response = await fetch(`${base}/probot/setup${query}`);
      assert.equal(response.status, 400, query);
    }
    assert.throws(() => statSync(join(cwd, ".env")), /ENOENT/);
  });

  it("refuses to register again when .env already holds credentials", async () => {
    writeFileSync(join(cwd, ".env"), "APP_ID=1\nPRIVATE_KEY_PATH=/nonexistent\n");
    const response = await fetch(`${base}/probot/setup?code=abc&state=${"f".repeat(32)}`);
    assert.equal(response.status, 409);
    rmSync(join(cwd, ".env"));
  });

  it("answers /ping and serves the docs pages while unregistered; anything else is a 404", async () => {
    assert.equal(await (await fetch(`${base}/ping`)).text(), "PONG\n");
    assert.equal((await fetch(`${base}/docs/rules`)).status, 200);
    assert.equal((await fetch(`${base}/api/github/webhooks`, { method: "POST", body: "{}" })).status, 405);
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
  });
});
