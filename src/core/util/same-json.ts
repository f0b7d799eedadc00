/**
 * Whether two plain values would serialise to the same JSON, without serialising them: a diff compares every route
 * of the head with the base's, and building two strings per route was a tenth of a re-check at 50,000 resources.
 *
 * JSON's equality, not a deep-equal library's: a key whose value is undefined counts as absent (as
 * `JSON.stringify` drops it), an undefined array item as null. Key order is not compared (JSON strings would differ
 * by it; the views compared here are built by the same code, so their order is the same anyway). Only JSON's values
 * are expected: strings, finite numbers, booleans, null, arrays and plain objects.
 *
 * `ignore`: top-level keys left out of the comparison.
 */
export function sameJson(a: unknown, b: unknown, ignore: ReadonlySet<string> = NO_KEYS): boolean {
  if (a === b) return true;
  // JSON writes NaN and the infinities as null.
  if (typeof a === "number" && !Number.isFinite(a)) return b === null || (typeof b === "number" && !Number.isFinite(b));
  if (typeof b === "number" && !Number.isFinite(b)) return a === null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key) || ignore.has(key) || left[key] === undefined) continue;
    count++;
    if (!sameJson(left[key], right[key])) return false;
  }
  for (const key in right) {
    if (!Object.hasOwn(right, key) || ignore.has(key) || right[key] === undefined) continue;
    count--;
  }
  return count === 0;
}

const NO_KEYS: ReadonlySet<string> = new Set();
