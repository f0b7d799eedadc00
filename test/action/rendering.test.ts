/**
 * The Action renders as the app does (issue 15): its Gate finds helm and kubectl on the runner's PATH, with no
 * variable of its own. Run from the sources (dist/src/action/main.js), not the committed bundle, so the test follows
 * the code it checks; action-yml.test.ts checks that the bundle is what these sources make.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE } from "../../src/render/tools.js";
import { pullRequestEvent } from "../app/harness.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../helpers/fake-github.js";
import { toolEnv } from "../render/tools.js";

const ENTRY = fileURLToPath(new URL("../../src/action/main.js", import.meta.url));
const TOKEN = "ghs_workflowtoken0000000000000000000000";

function chart(prodContext: string): Record<string, string> {
  return {
    "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 1.0.0\n",
    "charts/edge/values.yaml": "tlsContext: upstream\n",
    "charts/edge/values-prod.yaml": `tlsContext: ${prodContext}\n`,
    "charts/edge/templates/tlscontext.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: upstream\n  namespace: edge\nspec:\n  hosts: []\n",
    "charts/edge/templates/mapping.yaml":
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\n  namespace: edge\nspec:\n  prefix: /billing/\n  service: https://billing:443\n  tls: {{ .Values.tlsContext }}\n",
  };
}

describe("the GitHub Action renders with the runner's tools", () => {
  let fake: FakeGitHub;
  let repo: FakeRepo;
  let dir: string;
  let bin: string;

  before(async () => {
    fake = await startFakeGitHub();
    repo = fake.createRepo("acme/charts", { defaultBranch: "main" });
    fake.failNext({ method: "GET", path: /^\/app$/ }, 401, 1000);
    dir = mkdtempSync(join(tmpdir(), "mtls-gate-action-render-"));
    // The runner's PATH: a directory holding helm and kubectl, and nothing naming them in the environment.
    bin = join(dir, "bin");
    mkdirSync(bin);
    const tools = toolEnv();
    symlinkSync(tools[HELM_VARIABLE] ?? "", join(bin, "helm"));
    symlinkSync(tools[KUSTOMIZE_VARIABLE] ?? "", join(bin, "kubectl"));
  });
  after(async () => {
    assert.deepEqual(fake.violations, []);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a pull request editing only values-prod.yaml fails the step on the values key, routes by environment", async () => {
    const base = repo.commit(chart("upstream"), { branch: "main" });
    const head = repo.commitChanges(base, { "charts/edge/values-prod.yaml": "tlsContext: upstrem\n" });
    repo.addPullRequest({ number: 2, headSha: head });
    const payload = structuredClone(
      pullRequestEvent(fake, repo, "opened", { number: 2, headSha: head, baseSha: base }),
    );
    delete payload.installation;
    const eventPath = join(dir, "event.json");
    const summaryPath = join(dir, "summary.md");
    const outputPath = join(dir, "output.txt");
    writeFileSync(eventPath, JSON.stringify(payload));
    writeFileSync(summaryPath, "");
    writeFileSync(outputPath, "");
    const env: Record<string, string> = {
      PATH: bin,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      "INPUT_GITHUB-TOKEN": TOKEN,
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: repo.fullName,
      GITHUB_RUN_ID: "4242",
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
    };
    const child = spawn(process.execPath, [ENTRY], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    assert.equal(code, 1, output);
    const run = repo.checkRuns.find((r) => r.head_sha === head);
    assert.ok(run, output);
    assert.equal(run.conclusion, "failure");
    const typo = run.annotations.filter((a) => a.title === "mapping-tls-context-not-found");
    assert.deepEqual(
      typo.map((a) => [a.path, a.start_line, a.annotation_level]),
      [["charts/edge/values-prod.yaml", 1, "failure"]],
    );
    assert.ok(!run.annotations.some((a) => /^render-/.test(String(a.title))), JSON.stringify(run.annotations));
    assert.match(run.output.summary ?? "", /- Environment `charts\/edge:prod`: 1 route/);
    assert.match(readFileSync(summaryPath, "utf8"), /mapping-tls-context-not-found/);
  });
});
