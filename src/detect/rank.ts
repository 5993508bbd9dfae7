/**
 * Ranking helpers for the candidate builder: a word can have a thousand thesaurus originals of which only
 * the best few are inflected and scored, so the best are selected in linear time instead of sorting all.
 */

/**
 * Indices of the `k` largest of `keys`, in the order a stable descending sort would put them (larger key
 * first, equal keys by index). Keys must not be NaN.
 */
export function bestIndices(keys: Float64Array, k: number): Int32Array {
  const n = keys.length;
  let picked: Int32Array;
  if (n <= k) {
    picked = new Int32Array(n);
    for (let i = 0; i < n; i++) picked[i] = i;
  } else {
    const kth = kthLargest(Float64Array.from(keys), k);
    // Every key above the k-th largest, then keys equal to it by index until there are k.
    let above = 0;
    for (let i = 0; i < n; i++) if (keys[i] > kth) above++;
    let equal = k - above;
    picked = new Int32Array(k);
    let j = 0;
    for (let i = 0; i < n; i++) {
      const v = keys[i];
      if (v > kth || (v === kth && equal-- > 0)) picked[j++] = i;
    }
  }
  return picked.sort((a, b) => keys[b] - keys[a] || a - b);
}

/** The k-th largest value (k ≥ 1) of `values`, which it reorders (quickselect, Hoare partition). */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}
