/**
 * action.yml runs what the Action's tests run, and the README's CI workflow files are valid YAML that say what the Action
 * and the CLI actually do.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

type Yaml = Record<string, unknown>;
interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}

function docsBlocks(): Yaml[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  // The README's CI section only: the policy example earlier in the README is YAML too.
  const text = readme.slice(
    readme.indexOf("## Running in CI"),
    readme.indexOf("\n## ", readme.indexOf("## Running in CI") + 1),
  );
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] ?? "") as Yaml);
}

describe("action.yml", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string; deprecationMessage?: string }>;
    outputs: Record<string, { description?: string; value?: string }>;
    runs: { using: string; main: string; steps?: Step[] };
  };

  it("is a JavaScript action on Node 24 that runs the committed bundle: nothing installed or built at run time", () => {
    assert.deepEqual(action.runs, { using: "node24", main: "dist-action/index.js" });
    assert.equal(action.inputs["github-token"]?.default, "${{ github.token }}");
    // `node-version` is a published input: still accepted, and says it is ignored.
    assert.match(action.inputs["node-version"]?.deprecationMessage ?? "", /ignored/);
    assert.ok(existsSync(join(ROOT, "dist-action/index.js")), "the bundle is committed");
  });

  it("the committed bundle is what `npm run build:action` makes from the sources (the CI check)", () => {
    const check = spawnSync(process.execPath, [join(ROOT, "scripts/build-action.mjs"), "--check"], { encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /dist-action\/index\.js matches the sources/);
  });

  it("the bundle needs no node_modules: it starts from a directory of its own", () => {
    const dir = mkdtempSync(join(tmpdir(), "mtls-gate-bundle-"));
    try {
      copyFileSync(join(ROOT, "dist-action/index.js"), join(dir, "index.js"));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
      const run = spawnSync(process.execPath, [join(dir, "index.js")], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stdout, /^::error title=mtls-gate::no token/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its adapter is a build-time dependency (bundled), so the app's production install does not carry it", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      engines: { node: string };
      scripts: Record<string, string>;
    };
    assert.equal(pkg.dependencies["@probot/adapter-github-actions"], undefined);
    assert.ok(pkg.devDependencies["@probot/adapter-github-actions"]);
    assert.ok(pkg.devDependencies.esbuild);
    assert.equal(pkg.scripts["build:action"], "node scripts/build-action.mjs");
    // The CLI still runs on developers' Node 20.19+.
    assert.match(pkg.engines.node, /\^20\.19\.0/);
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    assert.deepEqual(
      // Every stage that starts from an image (the render-tools stage starts from the build stage).
      [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]).filter((image) => image?.includes(":")),
      ["node:24-bookworm-slim", "node:24-bookworm-slim"],
    );
  });

  it("maps no outputs of its own: a JavaScript action's outputs are the ones it writes", () => {
    assert.deepEqual(Object.keys(action.outputs).sort(), ["check-run-url", "conclusion"]);
    for (const output of Object.values(action.outputs)) assert.equal(output.value, undefined);
  });
});

describe("README: Running in CI", () => {
  const [actionWorkflow, sarifWorkflow, gitlab] = docsBlocks();

  it("shows a complete workflow using the Action on pull_request and merge_group, with the permissions it needs", () => {
    assert.ok(actionWorkflow);
    const on = actionWorkflow.on as Yaml;
    assert.ok("pull_request" in on && "merge_group" in on);
    assert.deepEqual(actionWorkflow.permissions, { checks: "write", contents: "read", "pull-requests": "read" });
    const jobs = Object.entries(actionWorkflow.jobs as Record<string, { name?: string; steps: Step[] }>);
    assert.equal(jobs.length, 1);
    const [id, job] = jobs[0] ?? ["", { steps: [] }];
    assert.notEqual(id, "mtls-gate", "the job is not named like the check run");
    assert.notEqual(job.name, "mtls-gate");
    assert.match(
      job.steps.find((s) => s.uses?.startsWith("mtls-gate/mtls-gate@"))?.uses ?? "",
      /^mtls-gate\/mtls-gate@/,
    );
  });

  it("shows the CLI in GitHub Actions uploading SARIF to code scanning", () => {
    assert.ok(sarifWorkflow);
    assert.equal((sarifWorkflow.permissions as Yaml)["security-events"], "write");
    const steps = Object.values(sarifWorkflow.jobs as Record<string, { steps: Step[] }>)[0]?.steps ?? [];
    const analyse = steps.find((s) => s.run?.includes("--format sarif"));
    assert.match(analyse?.run ?? "", /analyze \. "\$@" --format sarif > mtls-gate\.sarif/);
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    assert.equal(upload?.with?.sarif_file, "mtls-gate.sarif");
  });

  it("shows GitLab CI publishing the code quality report the CLI writes", () => {
    assert.ok(gitlab);
    const job = gitlab["mtls-gate"] as {
      script: string[];
      artifacts: { when: string; reports: { codequality: string } };
    };
    assert.equal(job.artifacts.when, "always");
    assert.equal(job.artifacts.reports.codequality, "gl-code-quality-report.json");
    assert.match(job.script.join("\n"), /--format gitlab > gl-code-quality-report\.json/);
  });
});

describe("docs/ci.md, which action.yml and the README refer to", () => {
  const text = readFileSync(join(ROOT, "docs/ci.md"), "utf8");
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] ?? "") as Yaml);

  it("has a valid workflow using the Action, one using the CLI with SARIF, and a GitLab job", () => {
    assert.match(readFileSync(join(ROOT, "action.yml"), "utf8"), /docs\/ci\.md/);
    const [action, sarif, gitlab] = blocks;
    const actionSteps = Object.values((action?.jobs ?? {}) as Record<string, { steps: Step[] }>)[0]?.steps ?? [];
    assert.match(actionSteps[0]?.uses ?? "", /^mtls-gate\/mtls-gate@/);
    assert.deepEqual(action?.permissions, { checks: "write", contents: "read", "pull-requests": "read" });
    const sarifSteps = Object.values((sarif?.jobs ?? {}) as Record<string, { steps: Step[] }>)[0]?.steps ?? [];
    assert.ok(sarifSteps.some((s) => s.run?.includes("--format sarif > mtls-gate.sarif")));
    assert.ok(sarifSteps.some((s) => s.with?.sarif_file === "mtls-gate.sarif"));
    const job = gitlab?.["mtls-gate"] as { artifacts: { reports: { codequality: string } }; script: string[] };
    assert.equal(job.artifacts.reports.codequality, "gl-code-quality-report.json");
    assert.match(job.script.join("\n"), /--format gitlab > gl-code-quality-report\.json/);
  });
});
