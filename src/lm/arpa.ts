/**
 * ARPA back-off models (as written by KenLM, SRILM, IRSTLM) converted to unspin's binary format. The file is
 * read line by line: `\data\` with `ngram N=count`, then `\N-grams:` sections of
 * `log10prob w1 … wN [log10backoff]`, then `\end\`. Probabilities are taken as they are (`<unk>` is an
 * ordinary word of the vocabulary; words the model lacks cost the usual unknown-word penalty). Every
 * n-gram's suffix (itself minus its oldest word) must be in the file, as these toolkits write it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UnspinError } from '../errors.js';
import { CountTable } from './build/counts.js';
import { keyField, keyLayout, packKey, shiftKey } from './build/keys.js';
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
  keys: Uint32Array;
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
  let bits = 0;
  let lineNo = 0;
  const key = new Uint32Array(2);
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
            keys: new Uint32Array(2 * c),
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
        bits = keyLayout(declared.length).bits;
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
      packKey(bits, words, 0, n, level.keys, level.size);
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
  if (vocab.length - 1 > keyLayout(N).maxId) {
    throw bad(
      path,
      0,
      `${vocab.length} words is more than an order-${N} model can hold here (${keyLayout(N).maxId})`,
    );
  }
  if (!ids.has('<s>') || !ids.has('</s>')) throw bad(path, 0, 'no <s> or </s> among the unigrams');

  const V = vocab.length;
  const sorted = levels.map((l, i) => sortLevel(path, l, i + 2));
  const uniChild = new Uint32Array(V + 1);
  const out: LevelData[] = [];
  const tmp = new Uint32Array(2);
  let parentChild: Uint32Array = uniChild;
  for (let k = 2; k <= N; k++) {
    const level = sorted[k - 2];
    const lower = k === 2 ? undefined : sorted[k - 3];
    const lowerSize = k === 2 ? V : lower!.size;
    const wordsOut = new Uint32Array(level.size);
    let p = 0;
    for (let i = 0; i < level.size; i++) {
      const lo = level.keys[2 * i];
      const hi = level.keys[2 * i + 1];
      wordsOut[i] = keyField(bits, lo, hi, 0);
      let parent: number;
      if (k === 2) parent = keyField(bits, lo, hi, 1);
      else {
        shiftKey(bits, lo, hi, tmp);
        const lk = lower!.keys;
        while (p < lowerSize && (lk[2 * p + 1] < tmp[1] || (lk[2 * p + 1] === tmp[1] && lk[2 * p] < tmp[0])))
          p++;
        if (p >= lowerSize || lk[2 * p] !== tmp[0] || lk[2 * p + 1] !== tmp[1]) {
          const names = [];
          for (let j = 0; j < k; j++) names.push(vocab[keyField(bits, lo, hi, j)]);
          throw bad(path, 0, `the ${k}-gram "${names.join(' ')}" has no ${k - 1}-gram suffix`);
        }
        parent = p;
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

/** A level's entries in key (reverse-trie) order; a repeated n-gram is an error. */
function sortLevel(path: string, level: RawLevel, n: number): RawLevel {
  // Map each key to its line through a hash table (value = index + 1), then sort the keys natively.
  const table = new CountTable(level.size);
  for (let i = 0; i < level.size; i++) table.add(level.keys[2 * i], level.keys[2 * i + 1], i + 1);
  if (table.size !== level.size) throw bad(path, 0, `a ${n}-gram is listed twice`);
  const drained = table.drain();
  const prob = new Float32Array(level.size);
  const backoff = new Float32Array(level.size);
  for (let i = 0; i < level.size; i++) {
    const from = drained.counts[i] - 1;
    prob[i] = level.prob[from];
    backoff[i] = level.backoff[from];
  }
  return { keys: drained.keys, prob, backoff, size: level.size };
}
