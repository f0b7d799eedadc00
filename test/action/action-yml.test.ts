/**
 * action.yml runs what the Action's tests run, and the README's CI workflow files are valid YAML that say what the Action
 * and the CLI actually do.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
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
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { description?: string; value: string }>;
    runs: { using: string; steps: Step[] };
  };
  const steps = action.runs.steps;

  it("is a composite action that installs and builds in its own directory, then runs the Action's entry with the token", () => {
    assert.equal(action.runs.using, "composite");
    assert.equal(action.inputs["github-token"]?.default, "${{ github.token }}");
    const build = steps.find((s) => s.run?.includes("npm ci"));
    assert.ok(build?.run?.includes("npm run build"));
    assert.equal(build?.["working-directory"], "${{ github.action_path }}");
    const gate = steps.find((s) => s.id === "gate");
    assert.equal(gate?.run, "node dist/src/action/main.js");
    assert.equal(gate?.["working-directory"], "${{ github.action_path }}");
    assert.deepEqual(gate?.env, { GITHUB_TOKEN: "${{ inputs.github-token }}" });
    assert.ok(existsSync(join(ROOT, "dist/src/action/main.js")), "npm run build produces the entry");
    assert.ok(steps.indexOf(build as Step) < steps.indexOf(gate as Step));
  });

  it("declares a shell for every script, and puts no expression inside one", () => {
    for (const step of steps.filter((s) => s.run !== undefined)) {
      assert.equal(step.shell, "bash");
      assert.doesNotMatch(step.run ?? "", /\$\{\{/);
    }
  });

  it("maps the outputs the Action writes", () => {
    assert.deepEqual(action.outputs, {
      conclusion: {
        description: action.outputs.conclusion?.description,
        value: "${{ steps.gate.outputs.conclusion }}",
      },
      "check-run-url": {
        description: action.outputs["check-run-url"]?.description,
        value: "${{ steps.gate.outputs.check-run-url }}",
      },
    });
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
