/**
 * The loader converts and keeps only the documents the model reads; the others are classified from their parse tree
 * (apiVersion, kind) and set aside. The analysis must not see the difference: findings with file and line, routes,
 * hosts and coverage are byte-identical to converting every document, on the benchmark repository and every fixture.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff, analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { modelReads } from "../../src/core/model/build.js";
import { parseManifestFile } from "../../src/core/source/load.js";
import { BENCH_NOW } from "../../bench/cert-pool.js";
import { benchCorpus, fixtureCorpora, type Corpus } from "../helpers/corpora.js";

function observable(analysis: TreeAnalysis): string {
  return JSON.stringify({
    findings: analysis.findings,
    routes: analysis.routes,
    hosts: analysis.hosts,
    redirects: analysis.redirects,
    installation: analysis.installation,
    coverage: analysis.coverage,
    stats: analysis.stats,
  });
}

function assertSameAnalysis(corpus: Corpus): void {
  const classified = analyzeTree(corpus.files, { now: BENCH_NOW });
  const everything = analyzeTree(corpus.files, { now: BENCH_NOW, documentFilter: null });
  assert.equal(observable(classified), observable(everything));
  if (corpus.edited) {
    const diff = analyzeDiff(corpus.files, corpus.edited, { now: BENCH_NOW });
    const before = analyzeDiff(corpus.files, corpus.edited, { now: BENCH_NOW, documentFilter: null });
    assert.equal(
      JSON.stringify([observable(diff), diff.removedRoutes]),
      JSON.stringify([observable(before), before.removedRoutes]),
    );
  }
}

describe("classified loading", () => {
  it("the benchmark repository: the same analysis and diff, and documents set aside (ConfigMaps, Namespaces)", () => {
    const corpus = benchCorpus();
    assertSameAnalysis(corpus);
    let setAside = 0;
    let kept = 0;
    for (const file of corpus.files.filter((f) => /\.ya?ml$/.test(f.path))) {
      const parsed = parseManifestFile(file, undefined, modelReads);
      kept += parsed.documents.length;
      setAside += (parsed.summary?.documents ?? 0) - parsed.documents.length;
    }
    assert.ok(setAside > 0 && kept > 0, `set aside ${setAside}, kept ${kept}`);
  });

  it("a document the cheap pass cannot be sure of is converted in full (a merge key, an alias, a non-string kind)", () => {
    const cases = [
      "base: &b {kind: Secret, apiVersion: v1}\n<<: *b\nmetadata: {name: s}\ntype: Opaque\n",
      "apiVersion: v1\nkind: ConfigMap\ndata: {a: &x 1, b: *x}\n",
      "apiVersion: v1\nkind: 7\nmetadata: {name: c}\n",
      "? [a]\n: b\napiVersion: v1\nkind: ConfigMap\n",
    ];
    for (const text of cases) {
      const parsed = parseManifestFile({ path: "x.yaml", text }, undefined, modelReads);
      const plain = parseManifestFile({ path: "x.yaml", text });
      assert.equal(parsed.documents.length, plain.documents.length, text);
      assert.deepEqual(parsed.diagnostics, plain.diagnostics, text);
    }
    // Whereas a plain ConfigMap is set aside (counted, not kept).
    const configMap = parseManifestFile(
      { path: "x.yaml", text: "apiVersion: v1\nkind: ConfigMap\ndata: {a: &x 1}\n" },
      undefined,
      modelReads,
    );
    assert.deepEqual([configMap.documents.length, configMap.summary], [0, { documents: 1, kinds: ["ConfigMap"] }]);
  });

  it("a ConfigMap with a duplicate key or a null key is still reported, though set aside", () => {
    for (const text of [
      "apiVersion: v1\nkind: ConfigMap\ndata: {a: 1, a: 2}\n",
      "apiVersion: v1\nkind: ConfigMap\ndata:\n  ~: 1\n",
    ]) {
      const parsed = parseManifestFile({ path: "x.yaml", text }, undefined, modelReads);
      const plain = parseManifestFile({ path: "x.yaml", text });
      assert.equal(parsed.diagnostics.length, 1, text);
      assert.deepEqual(parsed.diagnostics, plain.diagnostics, text);
    }
  });

  for (const corpus of fixtureCorpora()) {
    it(`fixture ${corpus.name}: the same analysis as converting every document`, () => assertSameAnalysis(corpus));
  }
});
