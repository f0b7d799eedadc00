/**
 * sameJson (src/core/util/same-json.ts) answers what comparing `JSON.stringify` strings answered, which the diff used
 * to tell a changed route from an unchanged one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeDiff } from "../../src/core/analyze.js";
import { sameJson } from "../../src/core/util/same-json.js";
import { BENCH_NOW } from "../../bench/cert-pool.js";
import { Prng } from "../../bench/generate.js";
import { benchCorpus } from "../helpers/corpora.js";

/** The old answer: the two values' JSON with the ignored top-level keys left out. */
function byStrings(a: unknown, b: unknown, ignore: readonly string[] = []): boolean {
  const strip = (v: unknown) =>
    JSON.stringify(typeof v === "object" && v !== null && !Array.isArray(v) ? { ...v, ...Object.fromEntries(ignore.map((k) => [k, undefined])) } : v);
  return strip(a) === strip(b);
}

/** A random JSON-like value, small enough that two of them are often equal, with undefined keys and items mixed in. */
function value(random: Prng, depth: number): unknown {
  const pick = random.int(0, depth > 2 ? 5 : 8);
  if (pick === 0) return null;
  if (pick === 1) return random.int(0, 2);
  if (pick === 2) return random.int(0, 1) === 0 ? "a" : "b";
  if (pick === 3) return random.int(0, 1) === 0;
  if (pick === 4) return undefined;
  if (pick === 5) return [NaN, Infinity, null, 0][random.int(0, 3)];
  if (pick <= 6) return Array.from({ length: random.int(0, 2) }, () => value(random, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of ["x", "y", "file"]) if (random.int(0, 2) > 0) out[key] = value(random, depth + 1);
  return out;
}

describe("sameJson", () => {
  it("on hand cases: absent and undefined keys, null, NaN, arrays, nesting, ignored keys", () => {
    const cases: [unknown, unknown, boolean, string[]?][] = [
      [{ a: 1 }, { a: 1 }, true],
      [{ a: 1, b: undefined }, { a: 1 }, true],
      [{ a: null }, {}, false],
      [{ a: 1 }, { a: "1" }, false],
      [{ a: NaN }, { a: null }, true],
      [[undefined], [null], true],
      [[1, 2], [2, 1], false],
      [{ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }, false],
      [{ a: [] }, { a: {} }, false],
      [{ a: 1, file: "x" }, { a: 1, file: "y" }, true, ["file"]],
      [{ a: 1, n: { file: "x" } }, { a: 1, n: { file: "y" } }, false, ["file"]],
      [{ a: 1, file: "x" }, { a: 1 }, true, ["file"]],
    ];
    for (const [a, b, same, ignore = []] of cases) {
      assert.equal(sameJson(a, b, new Set(ignore)), same, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      assert.equal(byStrings(a, b, ignore), same, "the case itself agrees with JSON");
    }
  });

  it("agrees with comparing JSON strings on 20,000 generated pairs", () => {
    const random = new Prng(18);
    let equal = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = value(random, 0);
      const b = random.int(0, 2) === 0 ? structuredClone(a) : value(random, 0);
      const expected = byStrings(a, b, ["file"]);
      if (expected) equal++;
      assert.equal(sameJson(a, b, new Set(["file"])), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    assert.ok(equal > 5_000 && equal < 15_000, `both answers are exercised (${equal} equal)`);
  });

  it("marks the same routes changed on the benchmark repository as the strings did", () => {
    const { files, edited } = benchCorpus();
    assert.ok(edited);
    const diff = analyzeDiff(files, edited, { now: BENCH_NOW });
    const changed = diff.routes.filter((r) => r.change === "changed").map((r) => r.mapping);
    assert.ok(changed.length >= 1, "the edit changes a route");
    assert.ok(diff.routes.filter((r) => r.change === "unchanged").length > 10, "most routes are unchanged");
    const base = analyzeDiff([], files, { now: BENCH_NOW }).routes;
    const before = new Map(base.map((r) => [`${r.kind}/${r.mapping}`, r]));
    for (const route of diff.routes) {
      const old = before.get(`${route.kind}/${route.mapping}`);
      if (!old) continue;
      const expected = byStrings(old, route, ["file", "line", "change", "baseMode"]) ? "unchanged" : "changed";
      assert.equal(route.change, expected, route.mapping);
    }
  });
});
