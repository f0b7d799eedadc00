import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { Discovery } from "../../src/core/environments/discover.js";

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false, env: {} });
  return { code, stdout, stderr };
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "mtls-gate-envs-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const repository = {
  "base/kustomization.yaml": "resources:\n  - mapping.yaml\n",
  "base/mapping.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: a\nspec:\n  prefix: /a/\n  service: a\n",
  "overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../../base\n",
  "charts/edge/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 0.1.0\n",
  "charts/edge/values.yaml": "a: 1\n",
  "charts/edge/values-prod.yaml": "a: 2\n",
  "charts/edge/templates/host.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Host\nmetadata:\n  name: {{ .Release.Name }}\n",
  "plain/host.yaml":
    "apiVersion: getambassador.io/v3alpha1\nkind: Host\nmetadata:\n  name: plain\nspec:\n  hostname: x.example.com\n",
  "argocd/app.yaml":
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: other\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: other\n  destination: {namespace: x}\n",
};

test("environments: a table of what was discovered and how, with file:line, and what was not followed", async (t) => {
  const root = tree(repository);
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout, stderr } = await cli(["environments", root]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split("\n");
  assert.match(lines[0] ?? "", /^NAME +KIND +ROOT +VALUES +OPTIONS +PLAIN FILES +DISCOVERED BY$/);
  assert.match(
    stdout,
    /^charts\/edge +helm +charts\/edge +charts\/edge\/values\.yaml +release edge +2 +chart with its default values \(charts\/edge\/Chart\.yaml:1\)$/m,
  );
  assert.match(
    stdout,
    /^charts\/edge:prod +helm +charts\/edge +charts\/edge\/values\.yaml, charts\/edge\/values-prod\.yaml +release edge +2 +chart values file values-prod\.yaml \(charts\/edge\/values-prod\.yaml:1\)$/m,
  );
  assert.match(
    stdout,
    /^overlays\/prod +kustomize +overlays\/prod +- +namespace prod +2 +leaf kustomization .*\(overlays\/prod\/kustomization\.yaml:1\)$/m,
  );
  assert.match(
    stdout,
    /^ {2}argocd\/app\.yaml:4: Argo CD Application other: chart other comes from a Helm repository .* \[remote-chart\]$/m,
  );
});

test("environments --format json: the discovery as data", async (t) => {
  const root = tree({
    ...repository,
    ".github/mtls-gate.yml": "render:\n  environments:\n    - name: prod\n      kustomize: overlays/prod\n",
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout } = await cli(["environments", root, "--format", "json"]);
  assert.equal(code, 0);
  const discovery = JSON.parse(stdout) as Discovery;
  assert.deepEqual(
    discovery.environments.map((e) => [e.name, e.kind, e.root, e.plainFiles, e.discoveredBy]),
    [
      [
        "prod",
        "kustomize",
        "overlays/prod",
        ["argocd/app.yaml", "plain/host.yaml"],
        { how: "policy render.environments", file: ".github/mtls-gate.yml", line: 3 },
      ],
    ],
  );
  assert.equal(discovery.rendering, true);
});

test("environments on a path that does not exist: usage error, exit 2", async () => {
  const { code, stderr } = await cli(["environments", "/nonexistent/mtls-gate"]);
  assert.equal(code, 2);
  assert.match(stderr, /does not exist/);
});

test("--env with a name no environment has: usage error (exit 2) naming the known environments, before any render", async (t) => {
  const root = tree(repository);
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const command of ["analyze", "routes", "environments"]) {
    const { code, stdout, stderr } = await cli([command, root, "--env", "overlays/prod", "--env", "overlays/qa"]);
    assert.equal(code, 2, command);
    assert.equal(stdout, "", command);
    assert.equal(
      stderr,
      'mtls-gate: --env: no environment named "overlays/qa"; known environments: charts/edge, charts/edge:prod, overlays/prod\n',
      command,
    );
  }
});

test("--env on plain YAML: the one environment is the repository", async (t) => {
  const root = tree({ "plain/host.yaml": repository["plain/host.yaml"] });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal((await cli(["analyze", root, "--env", "repository"])).code, 0);
  const wrong = await cli(["analyze", root, "--env", "prod"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /no environment named "prod"; known environments: repository\n$/);
});

test("environments --env lists only the environments named", async (t) => {
  const root = tree(repository);
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout } = await cli(["environments", root, "--env", "charts/edge:prod", "--env", "overlays/prod"]);
  assert.equal(code, 0);
  // The table's rows: from the header to the first blank line.
  const rows = stdout.split("\n\n")[0]?.split("\n").slice(1) ?? [];
  assert.deepEqual(
    rows.map((line) => line.split(/ +/)[0]),
    ["charts/edge:prod", "overlays/prod"],
  );
});

test("a kustomization named Kustomization (no extension) is read and discovered", async (t) => {
  const root = tree({
    "base/Kustomization": "resources:\n  - mapping.yaml\n",
    "base/mapping.yaml": repository["base/mapping.yaml"],
    "overlays/prod/Kustomization": "namespace: prod\nresources:\n  - ../../base\n",
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout } = await cli(["environments", root]);
  assert.equal(code, 0);
  assert.match(
    stdout,
    /^overlays\/prod +kustomize +overlays\/prod +- +namespace prod +0 +leaf kustomization .*\(overlays\/prod\/Kustomization:1\)$/m,
  );
  assert.doesNotMatch(stdout, /^base /m);
});
