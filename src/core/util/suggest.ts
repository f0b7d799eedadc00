/** "Did you mean": the closest candidate by edit distance, after ignoring case, `_` and `-`. */
export function closest(word: string, candidates: Iterable<string>, maxDistance = 3): string | undefined {
  const normal = normalise(word);
  const limit = Math.min(maxDistance, Math.max(1, Math.floor(normal.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const other = normalise(candidate);
    // Lengths further apart than the limit are at least that far apart: such a candidate could never be the answer,
    // and skipping its edit distance keeps a resource of 100,000 unknown keys from costing minutes.
    if (Math.abs(other.length - normal.length) > limit) continue;
    // Only whether a candidate is within the limit, and nearer than the best so far, matters: the distance may stop
    // counting past that (boundedDistance), which the bench's thousands of misspelt references pay for otherwise.
    const distance = other === normal ? 0 : boundedDistance(normal, other, Math.min(limit, bestDistance));
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, "");
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters, as in `secert`, costs one. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let value = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
      }
      row[j] = value;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] ?? 0;
}

/**
 * `editDistance(a, b)` when it is at most `bound`, else `bound + 1`: the same recurrence over three rows of a typed
 * array, stopped as soon as a whole row is past the bound (a row's minimum never decreases further down).
 */
export function boundedDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  const cols = b.length + 1;
  let before = new Int32Array(cols);
  let above = new Int32Array(cols);
  let row = new Int32Array(cols);
  for (let j = 0; j < cols; j++) above[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let smallest = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] as number) + 1);
      row[j] = value;
      if (value < smallest) smallest = value;
    }
    if (smallest > bound) return bound + 1;
    [before, above, row] = [above, row, before];
  }
  return Math.min(above[cols - 1] as number, bound + 1);
}

/** Up to `count` candidates nearest to `word` (substring matches first), for "did you mean one of" replies. */
export function closestMatches(word: string, candidates: Iterable<string>, count = 5): string[] {
  const normal = normalise(word);
  const scored = [...new Set(candidates)].map((candidate) => {
    const other = normalise(candidate);
    const score = other.includes(normal) || normal.includes(other) ? 0 : editDistance(normal, other);
    return { candidate, score };
  });
  const limit = Math.max(3, Math.floor(normal.length / 2));
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, count)
    .map((s) => s.candidate);
}
