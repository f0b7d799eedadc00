/** file:// chart dependencies resolved from the repository's files: what is copied where, and what is refused. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  dependencyFiles,
  localDependencies,
  MAX_DEPENDENCY_DEPTH,
  sourceOfChartPath,
} from "../../src/render/chart-dependencies.js";
import type { RepoTree } from "../../src/render/repo.js";

function tree(files: Record<string, string>, outside: string[] = []): RepoTree {
  return {
    files: new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])),
    outside: new Set(outside),
  };
}

const chart = (name: string, ...dependencies: string[]) =>
  `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${dependencies.length > 0 ? "dependencies:\n" : ""}${dependencies
    .map((d) => `  - ${d}\n`)
    .join("")}`;

test("a file:// dependency and its own file:// dependency are copied under charts/, nested; vendored ones are left alone", () => {
  const repo = tree({
    "charts/edge/Chart.yaml": chart(
      "edge",
      "name: common\n    alias: shared\n    repository: file://../../libs/common/",
      "name: vendored\n    repository: https://example.com",
    ),
    "charts/edge/charts/vendored/Chart.yaml": chart("vendored"),
    "libs/common/Chart.yaml": chart("common", "name: base\n    repository: file://./../base"),
    "libs/common/templates/a.yaml": "a",
    "libs/base/Chart.yaml": chart("base"),
    "libs/base/templates/b.yaml": "b",
  });
  const plan = localDependencies(repo, "charts/edge");
  assert.equal(plan.refusal, undefined);
  assert.deepEqual(plan.dependencies, [
    { into: "charts/common", parent: "", names: ["common", "shared"], source: "libs/common" },
    { into: "charts/common/charts/base", parent: "charts/common", names: ["base"], source: "libs/base" },
  ]);
  assert.deepEqual(
    dependencyFiles(repo, plan).map((f) => [f.path, f.from]),
    [
      ["charts/common/Chart.yaml", "libs/common/Chart.yaml"],
      ["charts/common/templates/a.yaml", "libs/common/templates/a.yaml"],
      ["charts/common/charts/base/Chart.yaml", "libs/base/Chart.yaml"],
      ["charts/common/charts/base/templates/b.yaml", "libs/base/templates/b.yaml"],
    ],
  );
  // helm's `# Source:` paths (under the alias too) map back to the dependencies' own directories.
  const source = (rest: string) => sourceOfChartPath("charts/edge", plan.dependencies, rest);
  assert.equal(source("charts/shared/templates/a.yaml").file, "libs/common/templates/a.yaml");
  assert.deepEqual(source("charts/common/charts/base/templates/b.yaml"), {
    file: "libs/base/templates/b.yaml",
    chain: [
      { dir: "charts/edge", keys: [] },
      { dir: "libs/common", keys: ["common"] },
      { dir: "libs/base", keys: ["common", "base"] },
    ],
  });
  assert.equal(source("charts/vendored/templates/v.yaml").file, "charts/edge/charts/vendored/templates/v.yaml");
  assert.equal(source("templates/x.yaml").file, "charts/edge/templates/x.yaml");
});

test("refused: a path out of the tree, an absolute path, a link leaving the tree, no chart there, a cycle, too deep", () => {
  const refusal = (files: Record<string, string>, outside: string[] = []) => {
    const r = localDependencies(tree(files, outside), "charts/edge").refusal;
    return r && [r.messageId, r.reference, r.file, r.line, r.limit];
  };
  const edge = (repository: string) => ({
    "charts/edge/Chart.yaml": chart("edge", `name: dep\n    repository: ${repository}`),
  });
  assert.deepEqual(refusal(edge("file://../../..")), [
    "outside-repository",
    "file://../../..",
    "charts/edge/Chart.yaml",
    6,
    undefined,
  ]);
  assert.deepEqual(refusal(edge("file:///srv/charts/dep"))?.[0], "outside-repository");
  assert.deepEqual(
    refusal({ ...edge("file://../dep"), "charts/dep/Chart.yaml": chart("dep") }, ["charts/dep/templates/leak.yaml"]),
    ["outside-repository", "charts/dep/templates/leak.yaml", "charts/edge/Chart.yaml", 6, undefined],
  );
  assert.deepEqual(refusal(edge("file://../dep"))?.[0], "chart-dependency-not-found");
  assert.deepEqual(refusal(edge("file://.."))?.slice(0, 1), ["chart-dependency-not-found"]);
  assert.deepEqual(
    refusal({
      ...edge("file://../dep"),
      "charts/dep/Chart.yaml": chart("dep", "name: edge\n    repository: file://../edge"),
    }),
    ["chart-dependency-limit", "file://../edge", "charts/dep/Chart.yaml", 6, "a cycle"],
  );
  // A chain one level deeper than followed: edge -> d1 -> … -> d(MAX+1).
  const chain: Record<string, string> = { ...edge("file://../d1") };
  for (let i = 1; i <= MAX_DEPENDENCY_DEPTH + 1; i++)
    chain[`charts/d${i}/Chart.yaml`] = chart(`d${i}`, `name: d${i + 1}\n    repository: file://../d${i + 1}`);
  chain[`charts/d${MAX_DEPENDENCY_DEPTH + 1}/Chart.yaml`] = chart(`d${MAX_DEPENDENCY_DEPTH + 1}`);
  assert.deepEqual(refusal(chain)?.slice(0, 2).concat(refusal(chain)?.[4]), [
    "chart-dependency-limit",
    `file://../d${MAX_DEPENDENCY_DEPTH + 1}`,
    `${MAX_DEPENDENCY_DEPTH} levels of file:// dependencies`,
  ]);
  // Not a file:// dependency and not vendored: refused as before.
  assert.deepEqual(refusal(edge("https://charts.example.com"))?.[0], "chart-dependency-not-vendored");
});

test("an apiVersion v1 chart's requirements.yaml declares its dependencies (as helm reads them); a v2 chart's is ignored", () => {
  const requirements = "dependencies:\n  - name: common\n    repository: file://../../libs/common\n";
  const v1 = tree({
    "charts/edge/Chart.yaml": "apiVersion: v1\nname: edge\nversion: 1.0.0\n",
    "charts/edge/requirements.yaml": requirements,
    "libs/common/Chart.yaml": chart("common"),
  });
  assert.deepEqual(localDependencies(v1, "charts/edge").dependencies, [
    { into: "charts/common", parent: "", names: ["common"], source: "libs/common" },
  ]);
  // A refusal names the file and line that declare the dependency: requirements.yaml's.
  const escaping = tree({
    "charts/edge/Chart.yaml": "apiVersion: v1\nname: edge\nversion: 1.0.0\n",
    "charts/edge/requirements.yaml": requirements.replace("../../libs/common", "../../../etc"),
  });
  assert.deepEqual(
    (({ messageId, file, line }) => ({ messageId, file, line }))(
      localDependencies(escaping, "charts/edge").refusal ?? { messageId: "", file: "", line: 0 },
    ),
    { messageId: "outside-repository", file: "charts/edge/requirements.yaml", line: 3 },
  );
  const v2 = tree({
    "charts/edge/Chart.yaml": chart("edge"),
    "charts/edge/requirements.yaml": requirements,
    "libs/common/Chart.yaml": chart("common"),
  });
  assert.deepEqual(localDependencies(v2, "charts/edge").dependencies, []);
});
