/**
 * The GitHub Action end to end: the committed bundle (dist-action/index.js) as action.yml runs it, with the environment
 * GitHub Actions provides (the event payload in a file, the `github-token` input as INPUT_GITHUB-TOKEN, GITHUB_API_URL
 * pointing at the local GitHub fake, the job summary and output files), on payloads of GitHub's recorded shapes without
 * the `installation` a workflow's event lacks.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { exampleRepository } from "../app/fixtures.js";
import { mergeGroupEvent, pullRequestEvent } from "../app/harness.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";

// What action.yml runs: the committed bundle (test/action/action-yml.test.ts checks it is what the sources make).
const ENTRY = fileURLToPath(new URL("../../../dist-action/index.js", import.meta.url));
const TOKEN = "ghs_workflowtoken0000000000000000000000";

interface ActionResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: string;
  /** Milliseconds from spawning the process to its first byte of output, and to its end. */
  firstOutputMs: number;
  totalMs: number;
}

/** The example repository with its one pre-existing error fixed, so a test can introduce its own. */
function cleanBase(): Record<string, string> {
  const files = exampleRepository();
  files["edge/mappings.yaml"] = (files["edge/mappings.yaml"] ?? "").replace(
    "tls: report-context",
    "tls: reports-context",
  );
  return files;
}

/** A head that breaks the payments route's TLS reference (payments/mappings.yaml line 11). */
function brokenHead(repo: FakeRepo, base: string): string {
  const files = cleanBase();
  files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
    "tls: upstream-context",
    "tls: upstream-contxt",
  );
  return repo.commit(files, { parents: [base] });
}

function cleanHead(repo: FakeRepo, base: string): string {
  const files = cleanBase();
  files["payments/mappings.yaml"] = (files["payments/mappings.yaml"] ?? "").replace(
    "prefix: /payments/healthz",
    "prefix: /payments/health",
  );
  return repo.commit(files, { parents: [base] });
}

/** The payload as a workflow sees it: no `installation`, which only events sent to an app carry. */
function asWorkflowEvent(payload: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(payload);
  delete copy.installation;
  return copy;
}

/** A fork's pull request as GitHub describes it: the head repository is another repository, with an id of its own. */
function forkPullRequestEvent(
  fake: FakeGitHub,
  repo: FakeRepo,
  pr: { number: number; headSha: string; baseSha: string },
): Record<string, unknown> {
  const payload = asWorkflowEvent(pullRequestEvent(fake, repo, "opened", { ...pr, fork: true }));
  const head = (payload.pull_request as { head: { repo: Record<string, unknown> } }).head;
  Object.assign(head.repo, { id: 7_654_321, node_id: "R_kgDOfork" });
  return payload;
}

describe("the GitHub Action", () => {
  let fake: FakeGitHub;
  let repo: FakeRepo;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeGitHub();
    repo = fake.createRepo("acme/platform", { defaultBranch: "main" });
    // A workflow token is an installation token: GitHub answers GET /app only to the app's own JWT.
    fake.failNext({ method: "GET", path: /^\/app$/ }, 401, 1000);
    dir = mkdtempSync(join(tmpdir(), "mtls-gate-action-"));
  });

  afterEach(async () => {
    assert.deepEqual(fake.violations, [], "every request matches GitHub's OpenAPI description");
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runAction(
    eventName: string,
    payload: Record<string, unknown>,
    extraEnv: Record<string, string> = {},
    nodeArgs: string[] = [],
  ): Promise<ActionResult> {
    const eventPath = join(dir, "event.json");
    const summaryPath = join(dir, "summary.md");
    const outputPath = join(dir, "output.txt");
    writeFileSync(eventPath, JSON.stringify(payload));
    writeFileSync(summaryPath, "");
    writeFileSync(outputPath, "");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: eventPath,
      "INPUT_GITHUB-TOKEN": TOKEN,
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: repo.fullName,
      GITHUB_RUN_ID: "4242",
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      ...extraEnv,
    };
    const started = performance.now();
    let firstOutputMs = Number.NaN;
    const first = () => (firstOutputMs = Number.isNaN(firstOutputMs) ? performance.now() - started : firstOutputMs);
    const child = spawn(process.execPath, [...nodeArgs, ENTRY], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (first(), (stdout += chunk.toString())));
    child.stderr.on("data", (chunk: Buffer) => (first(), (stderr += chunk.toString())));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return {
      code,
      firstOutputMs,
      totalMs: performance.now() - started,
      stdout,
      stderr,
      summary: readFileSync(summaryPath, "utf8"),
      outputs: readFileSync(outputPath, "utf8"),
    };
  }

  function postsToCheckRuns() {
    return fake.apiCalls({ method: "POST", path: /\/check-runs$/ });
  }

  it("same-repository pull request: the mtls-gate check run fails with the annotation on the tls: line, and so does the step", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = brokenHead(repo, base);
    repo.addPullRequest({ number: 2, headSha: head });
    const result = await runAction(
      "pull_request",
      asWorkflowEvent(pullRequestEvent(fake, repo, "opened", { number: 2, headSha: head, baseSha: base })),
    );

    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(repo.checkRuns.length, 1);
    const run = repo.checkRuns[0];
    assert.ok(run);
    assert.deepEqual(
      [run.name, run.head_sha, run.status, run.conclusion, run.external_id],
      ["mtls-gate", head, "completed", "failure", `pr:2@${base}`],
    );
    const broken = run.annotations.find((a) => a.title === "mapping-tls-context-not-found");
    assert.ok(broken, JSON.stringify(run.annotations));
    assert.deepEqual(
      [broken.path, broken.start_line, broken.end_line, broken.annotation_level],
      ["payments/mappings.yaml", 11, 11, "failure"],
    );
    // The check run carries the annotations: the log has no workflow-command copies of them.
    assert.doesNotMatch(result.stdout, /^::error file=/m);
    assert.match(result.outputs, /^conclusion=failure$/m);
    assert.match(result.outputs, /^check-run-url=https:\/\/\S+\/runs\/\d+$/m);
    assert.match(result.summary, /^## ❌ mtls-gate: /m);
    assert.match(result.summary, /mapping-tls-context-not-found/);
  });

  it("same-repository pull request that breaks nothing: success, exit 0", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = cleanHead(repo, base);
    repo.addPullRequest({ number: 1, headSha: head });
    const result = await runAction(
      "pull_request",
      asWorkflowEvent(pullRequestEvent(fake, repo, "synchronize", { number: 1, headSha: head, baseSha: base })),
    );

    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(
      repo.checkRuns.map((r) => [r.head_sha, r.status, r.conclusion]),
      [[head, "completed", "success"]],
    );
    assert.match(result.outputs, /^conclusion=success$/m);

    // Re-running the workflow for the same commit leaves the completed run alone and repeats its verdict.
    const again = await runAction(
      "pull_request",
      asWorkflowEvent(pullRequestEvent(fake, repo, "synchronize", { number: 1, headSha: head, baseSha: base })),
    );
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(repo.checkRuns.length, 1, "no second run for the same commit");
    assert.match(
      again.stdout,
      /^::notice title=mtls-gate::The mtls-gate check run for [0-9a-f]{7} was already completed \(success\)/m,
    );
  });

  it("fork pull request: no check run is attempted; annotations as workflow commands, the job summary, exit 1", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = brokenHead(repo, base);
    repo.addPullRequest({ number: 3, headSha: head, fork: true });
    // What GitHub answers a fork's read-only token that tries to create a check run.
    fake.failNext({ method: "POST", path: /\/check-runs$/ }, 403, 1);
    const result = await runAction(
      "pull_request",
      forkPullRequestEvent(fake, repo, { number: 3, headSha: head, baseSha: base }),
    );

    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(postsToCheckRuns(), [], "a fork's token cannot create check runs: none is attempted");
    assert.deepEqual(repo.checkRuns, []);
    const commands = result.stdout.split("\n").filter((line) => line.startsWith("::"));
    const broken = commands.find((line) => line.includes("title=mapping-tls-context-not-found::"));
    assert.ok(broken, result.stdout);
    assert.match(
      broken,
      /^::error file=payments\/mappings\.yaml,line=11,endLine=11,col=3,endColumn=23,title=mapping-tls-context-not-found::Mapping payments\/upstream-mapping: no TLSContext is named "upstream-contxt".*%0A%0AResource: Mapping\/payments\/upstream-mapping%0AFingerprint: [0-9a-f]{16}(, [0-9a-f]{16})*%0ADocumentation: https:\/\/\S+$/,
    );
    assert.ok(
      commands.every((line) => !/[\r]/.test(line)),
      "one command per line",
    );
    assert.match(commands.at(-1) ?? "", /^::error title=mtls-gate::.+\(details in the job summary\)$/);
    assert.match(result.outputs, /^conclusion=failure$/m);
    assert.match(result.summary, /^## ❌ mtls-gate: /m);
    assert.match(result.summary, /^> \*\*No `mtls-gate` check run\.\*\* This pull request comes from a fork/m);
    assert.match(result.summary, /upstream-contxt/);
  });

  it("same-repository pull request whose token may not write checks (403): falls back to workflow commands and the summary", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = brokenHead(repo, base);
    repo.addPullRequest({ number: 4, headSha: head });
    fake.failNext({ method: "POST", path: /\/check-runs$/ }, 403, 1);
    const result = await runAction(
      "pull_request",
      asWorkflowEvent(pullRequestEvent(fake, repo, "reopened", { number: 4, headSha: head, baseSha: base })),
    );

    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(
      postsToCheckRuns().map((r) => r.status),
      [403],
    );
    assert.deepEqual(repo.checkRuns, []);
    assert.match(
      result.stdout,
      /^::error file=payments\/mappings\.yaml,line=11,endLine=11,col=3,endColumn=\d+,title=mapping-tls-context-not-found::/m,
    );
    assert.match(result.summary, /GitHub refused to create it \(HTTP 403\)/);
  });

  it("fork pull request that breaks nothing: a notice, exit 0", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = cleanHead(repo, base);
    repo.addPullRequest({ number: 5, headSha: head, fork: true });
    const result = await runAction(
      "pull_request",
      forkPullRequestEvent(fake, repo, { number: 5, headSha: head, baseSha: base }),
    );

    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /^::error/m);
    assert.match(result.stdout, /^::notice title=mtls-gate::/m);
    assert.match(result.summary, /^## ✅ mtls-gate: /m);
  });

  it("merge_group on GitHub Enterprise Server: the queue's combined commit is checked against the queue's base", async () => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = brokenHead(repo, base);
    // GITHUB_API_URL as a GitHub Enterprise Server runner sets it.
    const result = await runAction(
      "merge_group",
      asWorkflowEvent(mergeGroupEvent(fake, repo, { headSha: head, baseSha: base })),
      { GITHUB_API_URL: `${fake.url}/api/v3` },
    );

    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(repo.checkRuns.length, 1);
    const run = repo.checkRuns[0];
    assert.ok(run);
    assert.deepEqual([run.head_sha, run.status, run.conclusion], [head, "completed", "failure"]);
    assert.equal(run.external_id, `merge_group:${base}:main:pr:7`);
    assert.ok(run.annotations.some((a) => a.title === "mapping-tls-context-not-found" && a.start_line === 11));
    const calls = fake.apiCalls();
    assert.ok(
      calls.length > 0 && calls.every((r) => r.apiPrefix === "/api/v3"),
      JSON.stringify(calls.map((r) => [r.apiPrefix, r.path])),
    );
  });

  it("an event it does not check is an error, not a pass", async () => {
    const result = await runAction("push", {
      ref: "refs/heads/main",
      repository: { name: repo.name, owner: { login: repo.owner }, html_url: "" },
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stdout,
      /^::error title=mtls-gate::mtls-gate runs on pull_request and merge_group events, not push$/m,
    );
    assert.equal(fake.requests.length, 0);
  });

  it("the token: the `github-token` input (INPUT_GITHUB-TOKEN), else GITHUB_TOKEN, else an error naming the input", async () => {
    const push = { ref: "refs/heads/main", repository: { name: repo.name, owner: { login: repo.owner }, html_url: "" } };
    const none = await runAction("push", push, { "INPUT_GITHUB-TOKEN": "" });
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^::error title=mtls-gate::no token: set the action's `github-token` input/m);
    // Past the token check: the event is the next thing it refuses.
    const fallback = await runAction("push", push, { "INPUT_GITHUB-TOKEN": "", GITHUB_TOKEN: TOKEN });
    assert.equal(fallback.code, 2);
    assert.match(fallback.stdout, /^::error title=mtls-gate::mtls-gate runs on pull_request and merge_group events/m);
  });

  it("the bundle starts in well under 5 s: CPU time to its first output, and a whole failing check against the fake", async (t) => {
    const base = repo.commit(cleanBase(), { branch: "main" });
    const head = brokenHead(repo, base);
    repo.addPullRequest({ number: 3, headSha: head });
    // Wall time on a loaded test machine says little, so the child records its own CPU time (all threads) and uptime
    // when it first writes to stdout: with RUNNER_DEBUG its first line is a debug line from Probot's start.
    const preload = join(dir, "first-output.mjs");
    const timingPath = join(dir, "timing.json");
    writeFileSync(
      preload,
      [
        'import { writeFileSync } from "node:fs";',
        "const write = process.stdout.write.bind(process.stdout);",
        "let done = false;",
        "process.stdout.write = (...args) => {",
        "  if (!done) { done = true; const cpu = process.cpuUsage();",
        `    writeFileSync(${JSON.stringify(timingPath)}, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, uptimeMs: process.uptime() * 1000 })); }`,
        "  return write(...args);",
        "};",
      ].join("\n"),
    );
    const result = await runAction(
      "pull_request",
      asWorkflowEvent(pullRequestEvent(fake, repo, "opened", { number: 3, headSha: head, baseSha: base })),
      { RUNNER_DEBUG: "1" },
      ["--import", preload],
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(repo.checkRuns[0]?.conclusion, "failure");
    const timing = JSON.parse(readFileSync(timingPath, "utf8")) as { cpuMs: number; uptimeMs: number };
    t.diagnostic(
      `first output: ${Math.round(timing.cpuMs)} ms CPU, ${Math.round(timing.uptimeMs)} ms after the process started; ` +
        `whole run ${Math.round(result.totalMs)} ms (wall, this machine's load included)`,
    );
    assert.ok(timing.cpuMs < 5000, `${timing.cpuMs} ms of CPU before the first output`);
  });
});
