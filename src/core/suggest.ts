/**
 * "Did you mean …?" suggestions by edit distance, for unknown task types, fields, task ids and
 * variables. Bounded work: a candidate is compared only while it can still beat the best one (the
 * length difference is a lower bound, and the distance is computed in a band of that width with an
 * early exit), and words too long to be typos get no suggestion. Callers with many unknown words
 * (a file full of bad references) also limit how many they ask about.
 */

/** Longer words are not checked: no one mistypes a 100-character id, and the cost grows with it. */
const MAX_WORD_LENGTH = 64;

/** Levenshtein distance (case-insensitive), small inputs only. */
export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Math.max(a.length, b.length));
}

/**
 * The case-insensitive Levenshtein distance when it is at most `max`, else `max + 1`; only the band
 * of width `max` around the diagonal is computed, and it stops once a row exceeds `max`.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  return banded(a.toLowerCase(), b.toLowerCase(), max);
}

// Two rows reused across calls (grown on demand): no allocation per comparison.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

function banded(x: string, y: string, max: number): number {
  const n = x.length;
  const m = y.length;
  const big = max + 1;
  if (Math.abs(n - m) > max) return big;
  if (rowA.length <= m) {
    rowA = new Int32Array(m + 1);
    rowB = new Int32Array(m + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= m; j++) prev[j] = j <= max ? j : big;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(m, i + max);
    // Cells outside the band count as too far.
    cur[0] = i <= max ? i : big;
    if (from > 1) cur[from - 1] = big;
    if (to < m) cur[to + 1] = big;
    let rowMin = cur[0] as number;
    const xc = x.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = xc === y.charCodeAt(j - 1) ? 0 : 1;
      let d = (prev[j - 1] as number) + cost;
      const up = (prev[j] as number) + 1;
      const left = (cur[j - 1] as number) + 1;
      if (up < d) d = up;
      if (left < d) d = left;
      if (d > big) d = big;
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m] as number;
  return d > max ? big : d;
}

/** The closest candidate when it is close enough to be a likely typo, else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_WORD_LENGTH) return undefined;
  // A third of the word's length (at least 2 edits) separates typos from different words.
  const limit = Math.max(2, Math.floor(word.length / 3));
  const x = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    // The first candidate at the smallest distance wins; a later one must be strictly closer.
    if (Math.abs(c.length - x.length) >= bestDistance) continue;
    const d = banded(x, c.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
