/**
 * The analysis thread's parsed-file cache: least recently used out first within its byte budget, and, used as the
 * parser's store, a re-check after a one-file push parses that one file.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsedCacheBytes, ParsedFileCache } from "../../src/app/blob-cache.js";
import { analyzeDiff } from "../../src/core/analyze.js";
import { FileParser } from "../../src/core/source/file-parser.js";
import type { ParsedFile } from "../../src/core/source/load.js";
import { BENCH_NOW } from "../../bench/cert-pool.js";
import { benchCorpus } from "../helpers/corpora.js";
import { editOneFile } from "../../bench/generate.js";

const parsed = (): ParsedFile => ({ documents: [], diagnostics: [] });

describe("ParsedFileCache", () => {
  it("evicts the least recently used entries once over its budget, and never keeps an entry over it", () => {
    const cache = new ParsedFileCache(100);
    const a = parsed();
    cache.set("a", a, 40);
    cache.set("b", parsed(), 40);
    assert.equal(cache.get("a"), a, "a is now the most recently used");
    cache.set("c", parsed(), 40);
    assert.deepEqual(
      [cache.get("a") !== undefined, cache.get("b") !== undefined, cache.get("c") !== undefined],
      [true, false, true],
    );
    assert.equal(cache.bytes, 80);
    cache.set("huge", parsed(), 101);
    assert.equal(cache.get("huge"), undefined);
    assert.equal(cache.size, 2);
  });

  it("MTLS_GATE_CACHE_MB: 256 MiB by default, 0 turns it off, anything else not a whole number is refused", () => {
    assert.equal(parsedCacheBytes({}), 256 * 2 ** 20);
    assert.equal(parsedCacheBytes({ MTLS_GATE_CACHE_MB: "0" }), 0);
    assert.equal(parsedCacheBytes({ MTLS_GATE_CACHE_MB: "64" }), 64 * 2 ** 20);
    assert.throws(() => parsedCacheBytes({ MTLS_GATE_CACHE_MB: "-1" }), /MTLS_GATE_CACHE_MB/);
    assert.throws(() => parsedCacheBytes({ MTLS_GATE_CACHE_MB: "lots" }), /MTLS_GATE_CACHE_MB/);
  });

  it("as the parser's store: the check after a one-file push parses only the pushed file, with the same result", () => {
    const { files, edited } = benchCorpus();
    assert.ok(edited);
    const changed = edited.find((f, i) => f.text !== files[i]?.text);
    assert.ok(changed);
    const original = files.find((f) => f.path === changed.path);
    assert.ok(original);
    // The push keeps the typo and reverts the timeout: the file differs from both earlier versions.
    const pushed = edited.map((f) => (f === changed ? editOneFile(original, "tls-typo") : f));
    const parser = new FileParser(new ParsedFileCache(256 * 2 ** 20));
    analyzeDiff(files, edited, { now: BENCH_NOW, parser });
    const cold = parser.parses;
    const push = analyzeDiff(files, pushed, { now: BENCH_NOW, parser });
    assert.equal(parser.parses - cold, 1, "only the pushed file is parsed again");
    const fresh = analyzeDiff(files, pushed, { now: BENCH_NOW, parser: new FileParser() });
    assert.equal(JSON.stringify(push.findings), JSON.stringify(fresh.findings));
    assert.equal(JSON.stringify(push.routes), JSON.stringify(fresh.routes));
  });
});
