/**
 * `analyzeDiff` parses each distinct file once: a file the change left alone is the same path and bytes in base and
 * head, and one parse serves both trees. The result must be what parsing each tree on its own gives.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff, type DiffAnalysis } from "../../src/core/analyze.js";
import { FileParser } from "../../src/core/source/file-parser.js";
import { blockOutlineCounts, setBlockOutlines } from "../../src/core/source/yaml-document.js";
import { BENCH_NOW } from "../../bench/cert-pool.js";
import { benchCorpus, fixtureCorpora } from "../helpers/corpora.js";
import type { SourceFile } from "../../src/core/types.js";

/** A parser that keeps nothing: every file of both trees parsed on its own, as before sharing. */
const unshared = () => new FileParser({ get: () => undefined, set: () => undefined });

/** What a diff answers, as the reports serialise it (the model and simulation are internal). */
function observable(diff: DiffAnalysis): string {
  return JSON.stringify({
    findings: diff.findings,
    routes: diff.routes,
    hosts: diff.hosts,
    redirects: diff.redirects,
    removedRoutes: diff.removedRoutes,
    coverage: diff.coverage,
    stats: diff.stats,
    base: { findings: diff.base.findings, routes: diff.base.routes },
  });
}

const manifests = (files: readonly SourceFile[]) =>
  files.filter((f) => /\.ya?ml$/i.test(f.path) && f.path !== ".github/mtls-gate.yml");

describe("shared parsing in analyzeDiff", () => {
  it("on the benchmark repository after a one-file edit: the same result, and the unchanged files parsed once", () => {
    const { files, edited } = benchCorpus();
    assert.ok(edited);
    const shared = new FileParser();
    const alone = unshared();
    const sharedDiff = analyzeDiff(files, edited, { now: BENCH_NOW, parser: shared });
    const aloneDiff = analyzeDiff(files, edited, { now: BENCH_NOW, parser: alone });
    assert.equal(observable(sharedDiff), observable(aloneDiff));
    assert.ok(
      sharedDiff.findings.some((f) => f.introduced),
      "the edit introduces a finding, so the trees differ",
    );
    const count = manifests(files).length;
    assert.equal(alone.parses, 2 * count, "without sharing, every file of both trees is parsed");
    assert.equal(shared.parses, count + 1, "with sharing, each distinct file once: the edited file twice");
    assert.equal(shared.hits, count - 1);
  });

  it("the parser analyzeDiff makes itself shares too: a file present identically in both trees is parsed once", () => {
    const text =
      "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: a\nspec:\n  prefix: /a/\n  service: a\n";
    const parser = new FileParser();
    analyzeDiff([{ path: "a.yaml", text }], [{ path: "a.yaml", text }], { now: BENCH_NOW, parser });
    assert.equal(parser.parses, 1);
    // The same bytes at another path are another file: its locations name that path.
    analyzeDiff([{ path: "a.yaml", text }], [{ path: "b.yaml", text }], { now: BENCH_NOW, parser });
    assert.equal(parser.parses, 2);
  });

  it("a re-check with the same parser (the app's, after a push) outlines only the edited file's documents again", () => {
    const { files, edited } = benchCorpus();
    assert.ok(edited);
    const changed = edited.filter((file) => files.find((f) => f.path === file.path)?.text !== file.text);
    assert.equal(changed.length, 1);
    const parser = new FileParser();
    analyzeDiff(files, files, { now: BENCH_NOW, parser });
    setBlockOutlines(true);
    const recheck = analyzeDiff(files, edited, { now: BENCH_NOW, parser });
    const documents = (changed[0]?.text.match(/^---/gm)?.length ?? 0) + 1;
    // Positions asked before are remembered by the parsed documents, which the parser keeps between checks.
    assert.ok(blockOutlineCounts().outlined <= documents, `${JSON.stringify(blockOutlineCounts())} for ${documents} edited documents`);
    assert.equal(observable(recheck), observable(analyzeDiff(files, edited, { now: BENCH_NOW, parser: unshared() })));
  });

  for (const corpus of fixtureCorpora()) {
    it(`fixture ${corpus.name}: a diff against itself and against an empty base matches parsing alone`, () => {
      for (const base of [corpus.files, []]) {
        const shared = analyzeDiff(base, corpus.files, { now: BENCH_NOW, parser: new FileParser() });
        const alone = analyzeDiff(base, corpus.files, { now: BENCH_NOW, parser: unshared() });
        assert.equal(observable(shared), observable(alone));
      }
    });
  }
});
