/**
 * `lm build`: train a modified Kneser–Ney back-off model from text.
 *
 * 1. Read the inputs as text chunks; shares (worker threads, or this thread) tokenize them into id
 *    streams on disk with their own word numbering and count words.
 * 2. Merge the word counts into the vocabulary (most frequent first; words below `minCount`, and any
 *    beyond what the n-gram keys can hold, become `<unk>`).
 * 3. Each share maps its stream to vocabulary ids and counts n-grams in hash tables that spill sorted runs
 *    to disk when full; the runs are merged k-way per order.
 * 4. Estimate, prune to the size budget, encode.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { UnspinError } from '../../errors.js';
import { encodeModel, type ModelData } from '../format.js';
import { SPHINX_OOV_LOG_PROB } from '../sphinx.js';
import { BOS, corpusChunks, EOS, expandInputs, UNK } from './corpus.js';
import { mergeSorted, type SortedCounts } from './counts.js';
import type { ShareVocabulary } from './encode.js';
import { keyLayout } from './keys.js';
import { type EstimateStats, estimate } from './kneser-ney.js';
import { LocalShare, type Share, WorkerShare } from './shares.js';

export { trainingSentences } from './corpus.js';
export { discountsFrom, FALLBACK_DISCOUNTS } from './kneser-ney.js';

export interface BuildOptions {
  /** Files, directories (searched recursively) or `-` for stdin. */
  inputs: readonly string[];
  /** N-gram order, 2 to 4 (default 3): the 64-bit build keys hold 4 words of up to 16 bits. */
  order?: number;
  /** Size budget for the model file in bytes. */
  maxBytes?: number;
  /** Inputs are JSON Lines records `{"text": …}`. */
  jsonl?: boolean;
  /** Words seen fewer times than this become `<unk>` (default 1: keep every word). */
  minCount?: number;
  /** Counting threads (default: up to 2, one per core). 1 counts in this thread. */
  workers?: number;
  /** Distinct n-grams a counting table holds before it spills a run to disk (default 4 M). */
  tableEntries?: number;
  /** Where the temporary streams and runs go (default the OS temp dir). */
  tmpDir?: string;
  stdin?: Readable;
  /** Fixed discounts per order instead of estimated ones (tests). */
  discounts?: number[][];
  /** Progress messages (phase names). */
  onProgress?: (message: string) => void;
}

export interface BuildReport {
  order: number;
  vocabulary: number;
  /** Words that became `<unk>` (below --min-count or beyond the key width). */
  unknownWords: number;
  tokens: number;
  sentences: number;
  /** N-grams stored per order, and how many pruning removed. */
  ngrams: number[];
  pruned: number[];
  /** Count cut-offs per order 2..N (1 = nothing cut, 0 = order dropped). */
  minCounts: number[];
  discounts: number[][];
  /** Sorted runs spilled to disk while counting. */
  runs: number;
  bytes: number;
  stats: EstimateStats;
}

export interface BuildResult {
  model: ModelData;
  buffer: Buffer;
  report: BuildReport;
}

const DEFAULT_TABLE_ENTRIES = 4 << 20;

function mergeVocabularies(shares: readonly ShareVocabulary[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const s of shares) {
    for (let i = 0; i < s.words.length; i++)
      total.set(s.words[i], (total.get(s.words[i]) ?? 0) + s.counts[i]);
  }
  return total;
}

/** Train a model from the inputs; nothing is written (see `writeModelFile`). */
export async function buildModel(options: BuildOptions): Promise<BuildResult> {
  const order = options.order ?? 3;
  if (!Number.isInteger(order) || order < 2 || order > 4) {
    throw new UnspinError('USAGE', `order must be 2 to 4, not ${order}`);
  }
  const minCount = options.minCount ?? 1;
  const files = await expandInputs(options.inputs);
  if (files.length === 0) throw new UnspinError('NOT_FOUND', 'no input files found');
  const layout = keyLayout(order);
  const progress = options.onProgress ?? (() => {});
  const dir = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'unspin-lm-'));
  const workers = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const shares: Share[] = [];
  try {
    for (let i = 0; i < workers; i++) {
      const stream = join(dir, `share${i}.ids`);
      shares.push(workers === 1 ? new LocalShare(stream) : new WorkerShare(stream));
    }
    // Pass 1: tokenize into id streams.
    progress('reading and tokenizing');
    const hash = createHash('sha256');
    for await (const chunk of corpusChunks(files, options, hash)) {
      let best = shares[0];
      for (const s of shares) if (s.inFlight < best.inFlight) best = s;
      await best.encode(chunk);
    }
    const vocabs = await Promise.all(shares.map((s) => s.finish()));
    const tokens = vocabs.reduce((s, v) => s + v.tokens, 0);
    const sentences = vocabs.reduce((s, v) => s + v.sentences, 0);
    if (tokens === 0) throw new UnspinError('EMPTY_INPUT', 'the corpus holds no words');

    // The vocabulary: <unk>, <s>, </s>, then words by falling count (ties by spelling).
    const totals = mergeVocabularies(vocabs);
    const ranked = [...totals]
      .filter(([w, c]) => c >= minCount && w !== UNK && w !== BOS && w !== EOS)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const room = layout.maxId + 1 - 3;
    const vocab = [UNK, BOS, EOS, ...ranked.slice(0, room).map(([w]) => w)];
    const ids = new Map(vocab.map((w, i) => [w, i]));
    const unknownWords = totals.size - (vocab.length - 3) - (totals.has(UNK) ? 1 : 0);

    // Pass 2: n-gram counts per share, spilled runs merged per order.
    progress('counting n-grams');
    const tableEntries = options.tableEntries ?? DEFAULT_TABLE_ENTRIES;
    const counted = await Promise.all(
      shares.map((s, i) => {
        const map = Int32Array.from(vocabs[i].words, (w) => ids.get(w) ?? 0);
        return s.count(map, {
          order,
          bits: layout.bits,
          bos: 1,
          eos: 2,
          tableEntries,
          dir,
          name: `share${i}`,
        });
      }),
    );
    progress('merging counts');
    const raw: SortedCounts[] = [];
    let runs = 0;
    for (let n = 2; n <= order; n++) {
      const files = counted.flatMap((c) => c.runs[n - 2]);
      runs += files.length;
      const memory = counted.flatMap((c) => (c.memory[n - 2] ? [c.memory[n - 2]] : []));
      raw.push(mergeSorted(files, memory));
    }

    progress('estimating');
    const { model, stats } = estimate({
      order,
      bits: layout.bits,
      vocab,
      bos: 1,
      raw,
      maxBytes: options.maxBytes,
      discounts: options.discounts,
      header: {
        source: 'unspin lm build (modified Kneser-Ney)',
        inputs: [...options.inputs],
        corpusSha256: hash.digest('hex'),
        tokens,
        sentences,
        oovLogProb: SPHINX_OOV_LOG_PROB,
      },
    });
    const buffer = encodeModel(model);
    const ngrams = [vocab.length, ...model.levels.map((l) => l.words.length)];
    return {
      model,
      buffer,
      report: {
        order: model.order,
        vocabulary: vocab.length,
        unknownWords,
        tokens,
        sentences,
        ngrams,
        pruned: model.header.pruned.ngrams,
        minCounts: model.header.pruned.minCounts,
        discounts: model.header.discounts,
        runs,
        bytes: buffer.length,
        stats,
      },
    };
  } finally {
    await Promise.all(shares.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
