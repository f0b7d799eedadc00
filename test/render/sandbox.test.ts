/** The sandbox of a render: the child's environment, the limits, the cap, and the scrubbing of tool messages. */
import assert from "node:assert/strict";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { environmentsOf } from "../../src/render/analyze.js";
import { childEnvironment, runTool, scrubToolMessage } from "../../src/render/process.js";
import { DEFAULT_RENDER_OPTIONS, renderEnvironments } from "../../src/render/render.js";
import { readRepoTree } from "../../src/render/repo.js";
import { renderTools, writeTree } from "./tools.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const SECRETS = {
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----",
  WEBHOOK_SECRET: "hook",
  GITHUB_TOKEN: "ghs_x",
  NPM_TOKEN: "npm_x",
  HTTPS_PROXY: "http://proxy:3128",
  http_proxy: "http://proxy:3128",
  AWS_SECRET_ACCESS_KEY: "aws",
};

test("the child environment is an allowlist: homes and caches in the sandbox, none of the app's variables", () => {
  const saved = { ...process.env };
  Object.assign(process.env, SECRETS);
  try {
    const env = childEnvironment("/tmp/sandbox/home");
    for (const name of Object.keys(SECRETS)) assert.equal(env[name], undefined, name);
    assert.equal(env.PATH, undefined);
    for (const [name, value] of Object.entries(env)) {
      if (/HOME|CACHE|CONFIG|PLUGINS|DATA|KUBECONFIG|REPOSITORY|REGISTRY/.test(name))
        assert.ok(value.startsWith("/tmp/sandbox/home"), `${name}=${value}`);
    }
  } finally {
    for (const name of Object.keys(SECRETS)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test("a process spawned through the render helper sees exactly the allowlisted environment (/usr/bin/env)", async () => {
  Object.assign(process.env, SECRETS);
  try {
    const env = childEnvironment("/tmp/sandbox/home");
    const result = await runTool("/usr/bin/env", [], "/", env, { timeoutMs: 10_000, maxOutputBytes: 1_000_000 });
    assert.equal(result.status, "ok");
    const seen = Object.fromEntries(
      (result.status === "ok" ? result.stdout : "")
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    assert.deepEqual(seen, env);
    for (const value of Object.values(SECRETS))
      assert.ok(!(result.status === "ok" && result.stdout.includes(value)), value);
  } finally {
    for (const name of Object.keys(SECRETS)) delete process.env[name];
  }
});

test("the limits end the process: wall clock and output size", async () => {
  const env = childEnvironment("/tmp/sandbox/home");
  assert.deepEqual(await runTool("/bin/sleep", ["5"], "/", env, { timeoutMs: 100, maxOutputBytes: 1000 }), {
    status: "timeout",
  });
  assert.deepEqual(await runTool("/usr/bin/yes", [], "/", env, { timeoutMs: 10_000, maxOutputBytes: 100_000 }), {
    status: "output-too-large",
  });
});

const chart = {
  "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 1.0.0\n",
  "charts/edge/values-prod.yaml": "x: 1\n",
  "charts/edge/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edge\n",
};

async function renderWith(files: Record<string, string>, overrides: Partial<typeof DEFAULT_RENDER_OPTIONS>) {
  const dir = writeTree(files);
  dirs.push(dir);
  const tree = readRepoTree(dir);
  return renderEnvironments(tree, environmentsOf(tree), {
    ...DEFAULT_RENDER_OPTIONS,
    ...overrides,
    tools: renderTools(),
  });
}

test("a render past its time limit ends as render-failed naming the limit, its files skipped", async () => {
  const [input] = await renderWith(chart, { limits: { timeoutMs: 1, maxOutputBytes: 1_000_000 } });
  assert.ok(input);
  assert.deepEqual(
    input.diagnostics.map((d) => [d.rule, d.messageId, d.identity.limit, d.display.value, d.location.file]),
    [
      ["render-failed", "timeout", "time", "1 ms", "charts/edge/Chart.yaml"],
      ["render-failed", "timeout", "time", "1 ms", "charts/edge/values-prod.yaml"],
    ],
  );
  assert.deepEqual(input.files, []);
  assert.ok(input.unrendered.some((u) => u.path === "charts/edge/templates/cm.yaml"));
});

/** A helm that never finishes: it blocks until the render's limit kills its process group. */
function blockingHelm(): string {
  const dir = writeTree({});
  dirs.push(dir);
  const path = join(dir, "helm");
  // No PATH in the child's environment: the blocking command is named by its absolute path.
  writeFileSync(path, "#!/bin/sh\nexec /bin/sleep 2147483647\n");
  chmodSync(path, 0o755);
  return path;
}

test("the check's render budget: a render that cannot finish is cut at it, the next is not started, each a finding", async () => {
  const dir = writeTree(chart);
  dirs.push(dir);
  const tree = readRepoTree(dir);
  const started = Date.now();
  const [input] = await renderEnvironments(tree, environmentsOf(tree), {
    ...DEFAULT_RENDER_OPTIONS,
    tools: { helm: blockingHelm() },
    // The render's own limit (30 s) is far off: only the budget can end it.
    budget: { deadline: Date.now() + 300, budgetMs: 300 },
  });
  const elapsed = Date.now() - started;
  assert.ok(input);
  assert.deepEqual(
    input.diagnostics.map((d) => [d.rule, d.messageId, d.identity.limit, d.display.value, d.location.file, d.location.line]),
    [
      ["render-failed", "time-budget", "time-budget", "300 ms", "charts/edge/Chart.yaml", 1],
      ["render-failed", "time-budget", "time-budget", "300 ms", "charts/edge/values-prod.yaml", 1],
    ],
  );
  assert.ok(input.unrendered.some((u) => u.path === "charts/edge/templates/cm.yaml"));
  // Ended by the budget, not by the 30 s limit of each render (two of them would be a minute).
  assert.ok(elapsed < DEFAULT_RENDER_OPTIONS.limits.timeoutMs, `${elapsed} ms`);
});

test("a budget longer than a render's own limit leaves the limit's finding as it was", async () => {
  const [input] = await renderWith(chart, {
    limits: { timeoutMs: 1, maxOutputBytes: 1_000_000 },
    budget: { deadline: Date.now() + 60_000, budgetMs: 60_000 },
  });
  assert.deepEqual(
    input?.diagnostics.map((d) => [d.messageId, d.identity.limit, d.display.value]),
    [
      ["timeout", "time", "1 ms"],
      ["timeout", "time", "1 ms"],
    ],
  );
});

test("the output limit and the cap on renders per check each end as a finding", async () => {
  const [tooLarge] = await renderWith(chart, { limits: { timeoutMs: 30_000, maxOutputBytes: 10 } });
  assert.deepEqual(
    tooLarge?.diagnostics.map((d) => [d.messageId, d.identity.limit]),
    [
      ["output-too-large", "output"],
      ["output-too-large", "output"],
    ],
  );
  const capped = await renderWith(chart, { maxRenders: 1 });
  assert.equal(capped.length, 1);
  assert.equal(capped[0]?.environment, "charts/edge");
  assert.deepEqual(
    capped[0]?.diagnostics.map((d) => [d.messageId, d.identity.environment, d.display.value]),
    [["too-many-renders", "charts/edge:prod", 1]],
  );
});

test("a tool's message is shown without the sandbox path or file contents", () => {
  const sandbox = "/tmp/mtls-gate-render-abc/repo";
  const message = scrubToolMessage(
    `Error: map[string]interface {}{"data":map[string]interface {}{"tls.key":"LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQkt"}}: invalid in ${sandbox}/overlays/prod\n`,
    sandbox,
  );
  assert.ok(!message.includes("LS0tLS1"), message);
  assert.ok(!message.includes(sandbox), message);
  assert.match(message, /^Error: …$/);
  assert.equal(
    scrubToolMessage(
      `Error: accumulating resources: open ${sandbox}/base/missing.yaml: no such file or directory`,
      sandbox,
    ),
    "Error: accumulating resources: open base/missing.yaml: no such file or directory",
  );
});
