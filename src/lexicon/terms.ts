/**
 * Multiword terms of technical English ("neural network", "random forest", "breast cancer"), mined from
 * the technical corpus by frequency and association (scripts/build-terms.ts writes `data/terms.tsv`).
 *
 * They become phrase-level candidates: for an observed phrase ("neural organization"), every term of the
 * same length whose words are each either the observed word or one the observed word could have replaced
 * (a thesaurus origin, re-inflected to the observed form) is a candidate original, provided at least one
 * word differs. The index maps (length, position, word) to the terms with that word there, so a look-up
 * walks the postings of one position and checks the others against small sets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dataPath } from '../data.js';
import { UnspinError } from '../errors.js';

export const TERMS_FILE = 'terms.tsv';
/** First line of the terms file: the column names. */
export const TERMS_HEADER = 'term\tcount\tscore';

export interface Term {
  /** Lower-case words, as the tokenizer normalises them. */
  words: readonly string[];
  /** Occurrences in the training corpus. */
  count: number;
  /** Association of the words (least log-likelihood ratio over the term's binary splits). */
  score: number;
}

/** A term matched against an observed phrase, with what each observed word maps to. */
export interface TermMatch<T> {
  term: number;
  /** Per position: the option the observed word offered for the term's word. */
  picks: T[];
}

const EMPTY: readonly number[] = [];

/** What an observed word could stand for, by word, with the caller's value for each; a Map is one. */
export interface WordOptions<T> {
  readonly size: number;
  get(word: string): T | undefined;
  /** In a fixed order (the order of `match`'s results follows it). */
  forEach(fn: (value: T, word: string) => void): void;
}

/**
 * A compact WordOptions from words to slots: slot 0 is `self`, slot k the k-th of `words` (no duplicates,
 * none equal to self). Looked up by binary search over a sorted permutation, so it costs a pointer and
 * two bytes per word where a Map costs about thirty.
 */
export class WordSlots implements WordOptions<number> {
  private readonly order: Uint16Array | Uint32Array;

  constructor(
    readonly self: string,
    private readonly words: readonly string[],
  ) {
    const order = words.length < 0xffff ? new Uint16Array(words.length) : new Uint32Array(words.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0));
    this.order = order;
  }

  get size(): number {
    return this.words.length + 1;
  }

  get(word: string): number | undefined {
    if (word === this.self) return 0;
    const { words, order } = this;
    let lo = 0;
    let hi = order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const w = words[order[mid]];
      if (w < word) lo = mid + 1;
      else if (w > word) hi = mid - 1;
      else return order[mid] + 1;
    }
    return undefined;
  }

  forEach(fn: (slot: number, word: string) => void): void {
    fn(0, this.self);
    for (let i = 0; i < this.words.length; i++) fn(i + 1, this.words[i]);
  }
}

export class TermIndex {
  /** postings[length][position]: term ids by the word they have there. */
  private readonly postings: Array<Array<Map<string, number[]>>> = [];
  private readonly byText = new Map<string, number>();
  /** Every word of some term, mapped to itself (see `word`). */
  private readonly words = new Map<string, string>();
  readonly maxWords: number;

  constructor(readonly terms: readonly Term[]) {
    let max = 0;
    terms.forEach((t, id) => {
      const n = t.words.length;
      max = Math.max(max, n);
      this.byText.set(t.words.join(' '), id);
      for (let len = this.postings.length; len <= n; len++) this.postings.push([]);
      t.words.forEach((w, pos) => {
        if (!this.words.has(w)) this.words.set(w, w);
        const byPos = this.postings[n];
        while (byPos.length <= pos) byPos.push(new Map());
        const list = byPos[pos].get(w);
        if (list) list.push(id);
        else byPos[pos].set(w, [id]);
      });
    });
    this.maxWords = max;
  }

  get size(): number {
    return this.terms.length;
  }

  /** Whether some term has this word (at any position). */
  hasWord(word: string): boolean {
    return this.words.has(word);
  }

  /** The index's own copy of a word some term has (so callers can keep it without a copy), else the word. */
  word(word: string): string {
    return this.words.get(word) ?? word;
  }

  /** Id of a term by its lower-case text, or -1. */
  lookup(text: string): number {
    return this.byText.get(text) ?? -1;
  }

  text(id: number): string {
    return this.terms[id].words.join(' ');
  }

  /** Ids of the terms of `length` words that have `word` at `position`. */
  at(length: number, position: number, word: string): readonly number[] {
    return this.postings[length]?.[position]?.get(word) ?? EMPTY;
  }

  /**
   * How many postings the words of `option` reach at each (length, position), at index length * maxWords +
   * position: a phrase can match no term of that length when the count at one of its positions is 0.
   */
  reachCounts(option: WordOptions<unknown>): Int32Array {
    const M = this.maxWords;
    const counts = new Int32Array((M + 1) * M);
    option.forEach((_, w) => {
      if (!this.words.has(w)) return;
      for (let len = 2; len <= M; len++) {
        for (let p = 0; p < len; p++) counts[len * M + p] += this.at(len, p, w).length;
      }
    });
    return counts;
  }

  /**
   * Terms whose word at each position is a key of `options[position]` (the words the observed word there
   * could stand for, the observed word itself included), with the chosen option per position. The
   * position with the fewest postings is walked; the others are checked by map look-up. `reach` gives each
   * option's reachCounts (callers that cache options keep them); without it they are counted here.
   */
  match<T>(options: ReadonlyArray<WordOptions<T>>, reach?: ReadonlyArray<Int32Array>): TermMatch<T>[] {
    const n = options.length;
    if (n < 2 || n > this.maxWords) return [];
    let pivot = 0;
    let best = Number.POSITIVE_INFINITY;
    for (let p = 0; p < n; p++) {
      const total = (reach?.[p] ?? this.reachCounts(options[p]))[n * this.maxWords + p];
      if (total < best) {
        best = total;
        pivot = p;
      }
      if (total === 0) return [];
    }
    const out: TermMatch<T>[] = [];
    options[pivot].forEach((pick, w) => {
      for (const id of this.at(n, pivot, w)) {
        const words = this.terms[id].words;
        const picks: T[] = new Array(n);
        let ok = true;
        for (let p = 0; p < n && ok; p++) {
          if (p === pivot) {
            picks[p] = pick;
            continue;
          }
          const o = options[p].get(words[p]);
          if (o === undefined) ok = false;
          else picks[p] = o;
        }
        if (ok) out.push({ term: id, picks });
      }
    });
    return out;
  }
}

/** Parse the terms file (`term<TAB>count<TAB>score` per line after the header). */
export function parseTerms(text: string, source = TERMS_FILE): TermIndex {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== TERMS_HEADER) {
    throw new UnspinError('BAD_MODEL', `${source}: not a terms file (expected the header "${TERMS_HEADER}")`);
  }
  const terms: Term[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [text, count, score] = line.split('\t');
    const words = text?.split(' ').filter(Boolean) ?? [];
    if (words.length < 2 || count === undefined || score === undefined) {
      throw new UnspinError('BAD_MODEL', `${source}:${i + 1}: malformed term line`);
    }
    terms.push({ words, count: Number(count), score: Number(score) });
  }
  return new TermIndex(terms);
}

/** The shipped terms (`data/terms.tsv`), or undefined when the file is not there. */
export function loadTerms(path = dataPath(TERMS_FILE)): TermIndex | undefined {
  if (!existsSync(path)) return undefined;
  return parseTerms(readFileSync(path, 'utf8'), path);
}

/** Serialise terms in the file format `parseTerms` reads. */
export function formatTerms(terms: readonly Term[]): string {
  const lines = terms.map((t) => `${t.words.join(' ')}\t${t.count}\t${t.score.toFixed(1)}`);
  return `${TERMS_HEADER}\n${lines.join('\n')}\n`;
}
