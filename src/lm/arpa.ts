/**
 * ARPA back-off models (as written by KenLM, SRILM, IRSTLM) converted to unspin's binary format. The file is
 * read line by line: `\data\` with `ngram N=count`, then `\N-grams:` sections of
 * `log10prob w1 … wN [log10backoff]`, then `\end\`. Probabilities are taken as they are (`<unk>` is an
 * ordinary word of the vocabulary; words the model lacks cost the usual unknown-word penalty). Where a
 * pruned model lacks the suffix of an n-gram it keeps (itself minus its oldest word), the suffix is added
 * with the probability the model gave it by backing off, so every query answers as the ARPA file does.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UnspinError } from '../errors.js';
import { type LevelData, MAX_ORDER, type ModelData } from './format.js';
import { SPHINX_OOV_LOG_PROB } from './sphinx.js';

function bad(path: string, line: number, what: string): UnspinError {
  return new UnspinError(
    'BAD_MODEL',
    `${path}${line > 0 ? `:${line}` : ''}: not a valid ARPA model (${what})`,
  );
}

/** log10 value of an ARPA field; "-inf" (some toolkits' zero probability) becomes -99. */
function logValue(s: string): number {
  if (s === '-inf' || s === '-Infinity') return -99;
  const v = Number(s);
  return Number.isFinite(v) ? v : Number.NaN;
}

interface RawLevel {
  /** n word ids per n-gram, in reading order (oldest first). */
  words: Uint32Array;
  n: number;
  prob: Float32Array;
  backoff: Float32Array;
  size: number;
}

/** Read an ARPA model into memory in unspin's layout. */
export async function readArpa(path: string): Promise<ModelData> {
  const hash = createHash('sha256');
  const stream = createReadStream(path);
  stream.on('data', (chunk) => hash.update(chunk as Buffer));
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const declared: number[] = [];
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const uniProb: number[] = [];
  const uniBackoff: number[] = [];
  const levels: RawLevel[] = [];
  let state: 'start' | 'data' | 'grams' | 'end' = 'start';
  let n = 0;
  let lineNo = 0;
  const words = new Int32Array(MAX_ORDER);
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (state === 'end') break;
      if (line === '') continue;
      if (state === 'start') {
        if (line === '\\data\\') state = 'data';
        continue;
      }
      const section = /^\\(\d+)-grams:$/.exec(line);
      if (section) {
        const k = Number(section[1]);
        if (k !== n + 1 || k > declared.length) throw bad(path, lineNo, `unexpected section ${line}`);
        if (n >= 1 && (n === 1 ? vocab.length : levels[n - 2].size) !== declared[n - 1]) {
          throw bad(
            path,
            lineNo,
            `${n}-grams: ${declared[n - 1]} declared, ${n === 1 ? vocab.length : levels[n - 2].size} found`,
          );
        }
        n = k;
        if (n >= 2) {
          const c = declared[n - 1];
          levels.push({
            words: new Uint32Array(n * c),
            n,
            prob: new Float32Array(c),
            backoff: new Float32Array(c),
            size: 0,
          });
        }
        state = 'grams';
        continue;
      }
      if (line === '\\end\\') {
        state = 'end';
        continue;
      }
      if (state === 'data') {
        const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(line);
        if (!m || Number(m[1]) !== declared.length + 1) throw bad(path, lineNo, `bad header line "${line}"`);
        declared.push(Number(m[2]));
        if (declared.length > MAX_ORDER) throw bad(path, lineNo, `order above ${MAX_ORDER}`);
        continue;
      }
      const parts = line.split(/\s+/);
      if (parts.length !== n + 1 && parts.length !== n + 2) throw bad(path, lineNo, `expected ${n} words`);
      const p = logValue(parts[0]);
      const bo = parts.length === n + 2 ? logValue(parts[n + 1]) : 0;
      if (Number.isNaN(p) || Number.isNaN(bo)) throw bad(path, lineNo, 'a value is not a number');
      if (n === 1) {
        const w = parts[1];
        if (ids.has(w)) throw bad(path, lineNo, `"${w}" listed twice`);
        ids.set(w, vocab.length);
        vocab.push(w);
        uniProb.push(p);
        uniBackoff.push(bo);
        continue;
      }
      const level = levels[n - 2];
      if (level.size >= declared[n - 1])
        throw bad(path, lineNo, `more ${n}-grams than the ${declared[n - 1]} declared`);
      for (let j = 0; j < n; j++) {
        const id = ids.get(parts[1 + j]);
        if (id === undefined) throw bad(path, lineNo, `"${parts[1 + j]}" is not among the unigrams`);
        words[j] = id;
      }
      level.words.set(words.subarray(0, n), n * level.size);
      level.prob[level.size] = p;
      level.backoff[level.size] = bo;
      level.size++;
    }
  } catch (err) {
    if (err instanceof UnspinError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UnspinError('BAD_MODEL', `cannot read ARPA model ${path} (${code})`);
  } finally {
    stream.destroy();
  }
  if (state === 'start') throw bad(path, 0, 'no \\data\\ section');
  if (state !== 'end') throw bad(path, 0, 'no \\end\\ marker');
  const N = declared.length;
  if (n !== N) throw bad(path, 0, `${N} orders declared, ${n} present`);
  const lastFound = N === 1 ? vocab.length : levels[N - 2].size;
  if (lastFound !== declared[N - 1])
    throw bad(path, 0, `${N}-grams: ${declared[N - 1]} declared, ${lastFound} found`);
  if (!ids.has('<s>') || !ids.has('</s>')) throw bad(path, 0, 'no <s> or </s> among the unigrams');

  const V = vocab.length;
  const sorted = levels.map((l) => sortLevel(path, vocab, l));
  // Pruned models (SRILM) may lack the suffix of a kept n-gram: add it, top down (an added n-gram may lack
  // its own suffix), with its probability filled in below from the back-off path it replaces.
  for (let k = N; k >= 3; k--) {
    const missing = missingSuffixes(sorted[k - 2], sorted[k - 3]);
    if (missing.length > 0) sorted[k - 3] = sortLevel(path, vocab, withEntries(sorted[k - 3], missing));
  }
  const uniChild = new Uint32Array(V + 1);
  const out: LevelData[] = [];
  let parentChild: Uint32Array = uniChild;
  for (let k = 2; k <= N; k++) {
    const level = sorted[k - 2];
    const w = level.words;
    const lower = k === 2 ? undefined : sorted[k - 3];
    const lowerSize = k === 2 ? V : lower!.size;
    const wordsOut = new Uint32Array(level.size);
    let p = 0;
    for (let i = 0; i < level.size; i++) {
      wordsOut[i] = w[k * i];
      let parent: number;
      if (k === 2) parent = w[k * i + 1];
      else {
        // The suffix w2..wk; parents ascend with i, so walk forward through the lower order.
        const lw = lower!.words;
        const m = k - 1;
        let cmp = -1;
        for (; p < lowerSize; p++) {
          cmp = compareTuples(lw, m * p, w, k * i + 1, m);
          if (cmp >= 0) break;
        }
        if (cmp !== 0) throw new Error('suffix closure failed'); // added above
        parent = p;
      }
      if (Number.isNaN(level.prob[i])) {
        // An added suffix: what the model gave it by backing off, P(w | h') + bo(h).
        const lowerProb = k === 2 ? uniProb[parent] : out[k - 3].prob[parent];
        level.prob[i] = lowerProb + contextBackoff(k === 2 ? undefined : lower, w, k * i, k - 1, uniBackoff);
      }
      parentChild[parent + 1]++;
    }
    for (let q = 0; q < lowerSize; q++) parentChild[q + 1] += parentChild[q];
    const data: LevelData = { words: wordsOut, prob: level.prob };
    if (k < N) {
      data.backoff = level.backoff;
      data.child = new Uint32Array(level.size + 1);
      parentChild = data.child;
    }
    out.push(data);
  }
  return {
    order: N,
    vocab,
    header: {
      source: 'ARPA import',
      inputs: [path],
      corpusSha256: hash.digest('hex'),
      tokens: 0,
      sentences: 0,
      oovLogProb: SPHINX_OOV_LOG_PROB,
      discounts: [],
      pruned: { ngrams: new Array(N).fill(0), minCounts: [] },
    },
    uniProb: Float32Array.from(uniProb),
    uniBackoff: Float32Array.from(uniBackoff),
    uniChild,
    levels: out,
  };
}

/** The distinct suffixes (words 2..k) of `level`'s n-grams that `lower` lacks, as (k - 1)-word tuples. */
function missingSuffixes(level: RawLevel, lower: RawLevel): number[][] {
  const k = level.n;
  const m = k - 1;
  const out: number[][] = [];
  let p = 0;
  for (let i = 0; i < level.size; i++) {
    let cmp = -1;
    for (; p < lower.size; p++) {
      cmp = compareTuples(lower.words, m * p, level.words, k * i + 1, m);
      if (cmp >= 0) break;
    }
    if (cmp === 0) continue;
    const tuple = Array.from(level.words.subarray(k * i + 1, k * i + k));
    const last = out[out.length - 1];
    if (!last || last.some((x, j) => x !== tuple[j])) out.push(tuple); // suffixes ascend: repeats are adjacent
  }
  return out;
}

/** `level` plus n-grams with a not-yet-known probability (NaN) and no back-off. */
function withEntries(level: RawLevel, tuples: readonly number[][]): RawLevel {
  const size = level.size + tuples.length;
  const words = new Uint32Array(level.n * size);
  words.set(level.words.subarray(0, level.n * level.size));
  tuples.forEach((t, j) => {
    words.set(t, level.n * (level.size + j));
  });
  const prob = new Float32Array(size).fill(Number.NaN);
  prob.set(level.prob.subarray(0, level.size));
  const backoff = new Float32Array(size);
  backoff.set(level.backoff.subarray(0, level.size));
  return { words, n: level.n, prob, backoff, size };
}

/** Back-off weight of the context w[at .. at+m) (the oldest m words of an n-gram), 0 when it is not stored. */
function contextBackoff(
  lower: RawLevel | undefined,
  w: Uint32Array,
  at: number,
  m: number,
  uniBackoff: ArrayLike<number>,
): number {
  if (m === 1) return uniBackoff[w[at]];
  let a = 0;
  let b = lower!.size - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    const c = compareTuples(lower!.words, m * mid, w, at, m);
    if (c < 0) a = mid + 1;
    else if (c > 0) b = mid - 1;
    else return lower!.backoff[mid];
  }
  return 0;
}

/**
 * Compare the m-word tuples a[ai ..] and b[bi ..] in reverse-trie order: the newest word most significant.
 */
function compareTuples(a: Uint32Array, ai: number, b: Uint32Array, bi: number, m: number): number {
  for (let j = m - 1; j >= 0; j--) {
    const x = a[ai + j];
    const y = b[bi + j];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * A level's entries in reverse-trie order (newest word most significant, oldest least), by an LSD radix
 * sort over the word columns (a stable counting sort per column, oldest first); a repeated n-gram is an
 * error.
 */
function sortLevel(path: string, vocab: readonly string[], level: RawLevel): RawLevel {
  const { n, size } = level;
  const V = vocab.length;
  let order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  let next = new Uint32Array(size);
  const buckets = new Uint32Array(V + 1);
  for (let col = 0; col < n; col++) {
    buckets.fill(0);
    for (let i = 0; i < size; i++) buckets[level.words[n * i + col] + 1]++;
    for (let v = 0; v < V; v++) buckets[v + 1] += buckets[v];
    for (let i = 0; i < size; i++) {
      const e = order[i];
      next[buckets[level.words[n * e + col]]++] = e;
    }
    [order, next] = [next, order];
  }
  const words = new Uint32Array(n * size);
  const prob = new Float32Array(size);
  const backoff = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const e = order[i];
    words.set(level.words.subarray(n * e, n * e + n), n * i);
    prob[i] = level.prob[e];
    backoff[i] = level.backoff[e];
    if (i > 0 && compareTuples(words, n * (i - 1), words, n * i, n) === 0) {
      const names = Array.from(words.subarray(n * i, n * i + n), (id) => vocab[id]);
      throw bad(path, 0, `the ${n}-gram "${names.join(' ')}" is listed twice`);
    }
  }
  return { words, n, prob, backoff, size };
}
