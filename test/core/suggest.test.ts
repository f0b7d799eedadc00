import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundedDistance, closest, editDistance } from "../../src/core/util/suggest.js";

/** closest() as it was written before its distance stopped counting at the bound: exact distances throughout. */
function closestExact(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  const normal = (w: string) => w.toLowerCase().replace(/[-_]/g, "");
  const limit = Math.min(maxDistance, Math.max(1, Math.floor(normal(word).length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    if (Math.abs(normal(candidate).length - normal(word).length) > limit) continue;
    const distance = editDistance(normal(word), normal(candidate));
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

describe("suggestions", () => {
  let state = 11;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const word = () => Array.from({ length: 1 + random(14) }, () => "abcde-_xy"[random(9)]).join("");
  const near = (w: string) => {
    const chars = [...w];
    for (let edits = random(4); edits > 0; edits--) {
      const at = random(chars.length + 1);
      const kind = random(4);
      if (kind === 0) chars.splice(at, 0, "abcxy"[random(5)] as string);
      else if (kind === 1) chars.splice(at, 1);
      else if (kind === 2) chars[at] = "abcxy"[random(5)] as string;
      else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string];
    }
    return chars.join("");
  };

  it("boundedDistance is the edit distance up to the bound, and the bound plus one past it", () => {
    for (let n = 0; n < 5000; n++) {
      const a = word();
      const b = random(2) === 0 ? near(a) : word();
      const bound = random(5);
      assert.equal(boundedDistance(a, b, bound), Math.min(editDistance(a, b), bound + 1), `${a} ${b} ${bound}`);
    }
  });

  it("closest() answers what exact distances answer", () => {
    for (let n = 0; n < 2000; n++) {
      const target = word();
      const candidates = Array.from({ length: 1 + random(12) }, () => (random(2) === 0 ? near(target) : word()));
      assert.equal(
        closest(target, candidates),
        closestExact(target, candidates),
        `${target} in ${candidates.join(",")}`,
      );
    }
  });
});
