/**
 * The render cache: base and head share the renders of the environments a change does not touch (counted at the
 * process runner, with the real kustomize doing every render), and a render is keyed by every file it reads.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SourceFile } from "../../src/core/types.js";
import { analyzeDiffRendered, environmentsOf } from "../../src/render/analyze.js";
import { RenderCache, renderKey, renderRoots } from "../../src/render/cache.js";
import { runTool } from "../../src/render/process.js";
import { walkKustomization } from "../../src/render/refuse.js";
import { DEFAULT_RENDER_OPTIONS, renderEnvironments, type RenderResult } from "../../src/render/render.js";
import { repoTreeFromSources } from "../../src/render/repo.js";
import { renderTools } from "./tools.js";

const MAPPING = `apiVersion: getambassador.io/v3alpha1
kind: Mapping
metadata:
  name: billing
spec:
  prefix: /billing/
  service: https://billing:443
  tls: billing-upstream
---
apiVersion: getambassador.io/v3alpha1
kind: TLSContext
metadata:
  name: billing-upstream
spec:
  secret: billing-client
`;

const patch = (tls: string) =>
  `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: billing\nspec:\n  tls: ${tls}\n`;

const baseFiles: Record<string, string> = {
  "base/kustomization.yaml": "resources:\n  - mapping.yaml\n",
  "base/mapping.yaml": MAPPING,
  ".github/mtls-gate.yml": "externalSecrets: [prod/billing-client, stage/billing-client]\n",
  "overlays/prod/kustomization.yaml":
    "namespace: prod\nresources:\n  - ../../base\npatches:\n  - path: tls-patch.yaml\n",
  "overlays/prod/tls-patch.yaml": patch("billing-upstream"),
  "overlays/stage/kustomization.yaml": "namespace: stage\nresources:\n  - ../../base\n",
};

const sources = (files: Record<string, string>): SourceFile[] =>
  Object.entries(files).map(([path, text]) => ({ path, text }));

function side(files: Record<string, string>) {
  const list = sources(files);
  return { tree: repoTreeFromSources(list), files: list };
}

function counting(): { run: typeof runTool; count: () => number } {
  let spawns = 0;
  return {
    run: (...args) => {
      spawns++;
      return runTool(...args);
    },
    count: () => spawns,
  };
}

test("a diff that changes one of two overlays runs the tool 3 times with a cache (4 without), with the same findings", async () => {
  const head = { ...baseFiles, "overlays/prod/tls-patch.yaml": patch("billing-upstrem") };
  const options = { now: new Date("2026-06-01T00:00:00Z") };

  const uncached = counting();
  const plain = await analyzeDiffRendered(side(baseFiles), side(head), options, {
    ...DEFAULT_RENDER_OPTIONS,
    tools: renderTools(),
    run: uncached.run,
  });
  assert.equal(uncached.count(), 4);

  const cached = counting();
  const cache = new RenderCache<RenderResult>();
  const shared = await analyzeDiffRendered(side(baseFiles), side(head), options, {
    ...DEFAULT_RENDER_OPTIONS,
    tools: renderTools(),
    run: cached.run,
    cache,
  });
  assert.equal(cached.count(), 3, "the unchanged stage overlay is rendered once for base and head");
  assert.equal(cache.stats().hits, 1);

  const broken = shared.findings.find((f) => f.ruleId === "mapping-tls-context-not-found");
  assert.ok(broken, JSON.stringify(shared.findings.map((f) => f.ruleId)));
  assert.equal(broken.file, "overlays/prod/tls-patch.yaml");
  assert.equal(broken.line, 6);
  assert.equal(broken.introduced, true);
  assert.deepEqual(shared.findings, plain.findings);
  assert.deepEqual(shared.routes, plain.routes);
  assert.deepEqual(shared.removedRoutes, plain.removedRoutes);

  // The same pull request checked again (the app keeps its cache per process): nothing is rendered.
  await analyzeDiffRendered(side(baseFiles), side(head), options, {
    ...DEFAULT_RENDER_OPTIONS,
    tools: renderTools(),
    run: cached.run,
    cache,
  });
  assert.equal(cached.count(), 3);
});

test("a render's key covers the files it reads outside its kustomizations' directories, and nothing else", () => {
  const files = {
    ...baseFiles,
    "overlays/prod/kustomization.yaml":
      "namespace: prod\nresources:\n  - ../../base\n  - ../../shared/extra.yaml\npatches:\n  - path: ../../patches/tls.yaml\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - app.conf=../../config/app.conf\n",
    "shared/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    "patches/tls.yaml": patch("billing-upstream"),
    "config/app.conf": "a=1\n",
    "unrelated/notes.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n",
  };
  const tools = renderTools();
  const key = (changed: Record<string, string>) => {
    const tree = repoTreeFromSources(sources({ ...files, ...changed }));
    const env = environmentsOf(tree).find((e) => e.root === "overlays/prod");
    assert.ok(env, "the prod overlay is an environment");
    const roots = renderRoots(tree, env, walkKustomization(tree, env.root).files);
    return renderKey(tree, env, roots, tools, DEFAULT_RENDER_OPTIONS.limits);
  };
  const original = key({});
  assert.equal(key({}), original);
  assert.notEqual(key({ "patches/tls.yaml": patch("other") }), original, "a patch file elsewhere");
  assert.notEqual(key({ "shared/extra.yaml": files["shared/extra.yaml"] + "data: {}\n" }), original, "a file resource");
  assert.notEqual(key({ "config/app.conf": "a=2\n" }), original, "a generator's input after key=");
  assert.notEqual(key({ "base/mapping.yaml": MAPPING.replace("/billing/", "/bill/") }), original, "the base");
  assert.equal(key({ "unrelated/notes.yaml": "kind: Other\n" }), original, "a file the render does not read");
  assert.equal(key({ "overlays/stage/kustomization.yaml": "namespace: other\n" }), original, "another overlay");
});

test("the cache drops the least recently used entries past its byte budget, and never keeps one larger than it", () => {
  const cache = new RenderCache<string>(100);
  cache.set("a", "A", 40);
  cache.set("b", "B", 40);
  assert.equal(cache.get("a"), "A"); // a is now the most recently used
  cache.set("c", "C", 40);
  assert.equal(cache.get("b"), undefined, "b was the least recently used");
  assert.equal(cache.get("a"), "A");
  assert.equal(cache.get("c"), "C");
  assert.deepEqual(cache.stats(), { hits: 3, misses: 1, entries: 2, bytes: 80, evictions: 1 });
  cache.set("huge", "H", 101);
  assert.equal(cache.get("huge"), undefined);
  assert.equal(cache.stats().entries, 2);
  cache.set("a", "A2", 10);
  assert.equal(cache.stats().bytes, 50, "a replaced entry's old size is released");
});

test("a chart's render key covers its file:// dependency's files", () => {
  const files: Record<string, string> = {
    "charts/edge/Chart.yaml":
      "apiVersion: v2\nname: edge\nversion: 1.0.0\ndependencies:\n  - name: common\n    repository: file://../../libs/common\n",
    "libs/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 0.1.0\n",
    "libs/common/templates/x.yaml": "kind: ConfigMap\n",
  };
  const keyOf = (tree: Record<string, string>) => {
    const repo = repoTreeFromSources(sources(tree));
    const env = environmentsOf(repo).find((e) => e.name === "charts/edge");
    assert.ok(env);
    assert.deepEqual(renderRoots(repo, env), ["charts/edge", "libs/common"]);
    return renderKey(repo, env, renderRoots(repo, env), renderTools(), DEFAULT_RENDER_OPTIONS.limits);
  };
  // A change in the dependency is a new render; a change elsewhere is not.
  assert.notEqual(keyOf(files), keyOf({ ...files, "libs/common/templates/x.yaml": "kind: Secret\n" }));
  assert.equal(keyOf(files), keyOf({ ...files, "libs/other/x.yaml": "kind: Secret\n" }));
});

test("an aborted job's renders stop: none starts after the abort, the running tool ends, nothing is cached", async () => {
  const tree = repoTreeFromSources(sources(baseFiles));
  const environments = environmentsOf(tree);
  const cache = new RenderCache<RenderResult>(1 << 20);
  const controller = new AbortController();
  let spawns = 0;
  const started = Date.now();
  // The first render stands for one past the app's analysis limit: a tool that would run 30 s, aborted after 100 ms.
  const run: typeof runTool = (command, args, cwd, env, limits, signal) => {
    spawns++;
    setTimeout(() => controller.abort(new Error("the analysis limit passed")), 100);
    return runTool("/bin/sleep", ["30"], cwd, env, { ...limits, timeoutMs: 60_000 }, signal);
  };
  await assert.rejects(
    renderEnvironments(tree, environments, {
      ...DEFAULT_RENDER_OPTIONS,
      tools: renderTools(),
      run,
      cache,
      signal: controller.signal,
    }),
    /the analysis limit passed/,
  );
  assert.equal(spawns, 1, "no render starts after the abort");
  assert.ok(Date.now() - started < 10_000, `the running tool was ended at the abort (${Date.now() - started} ms)`);
  assert.equal(cache.stats().entries, 0, "an aborted render is no outcome to keep");
});
