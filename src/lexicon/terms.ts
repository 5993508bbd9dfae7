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
 *
 * Made by `TermIndex.slots` (every word one that some term has), it holds the index's word ids instead of
 * the words, in one array: per slot its id (self's is -1 when no term has it), then the ids ascending, then
 * the slot of each, about twelve bytes per word. `TermIndex.match` looks ids up; words come from the index.
 */
export class WordSlots implements WordOptions<number> {
  readonly index: TermIndex | undefined;
  private readonly words: readonly string[];
  private readonly order: Uint16Array | Uint32Array;
  private readonly packed: Int32Array;
  private readonly count: number;

  constructor(
    readonly self: string,
    words: readonly string[],
    index?: TermIndex,
  ) {
    this.count = words.length;
    this.index = index;
    if (!index) {
      this.words = words;
      const order = words.length < 0xffff ? new Uint16Array(words.length) : new Uint32Array(words.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort((a, b) => (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0));
      this.order = order;
      this.packed = EMPTY_IDS;
      return;
    }
    this.words = NO_WORDS;
    this.order = NO_ORDER;
    const n = words.length;
    const packed = new Int32Array(1 + 3 * n);
    packed[0] = index.wordId(self);
    for (let i = 0; i < n; i++) {
      const id = index.wordId(words[i]);
      if (id < 0) throw new RangeError(`WordSlots: "${words[i]}" is no term's word`);
      packed[i + 1] = id;
    }
    const bySlot = Array.from({ length: n }, (_, i) => i + 1).sort((x, y) => packed[x] - packed[y]);
    bySlot.forEach((slot, k) => {
      packed[1 + n + k] = packed[slot];
      packed[1 + 2 * n + k] = slot;
    });
    this.packed = packed;
  }

  get size(): number {
    return this.count + 1;
  }

  get(word: string): number | undefined {
    if (word === this.self) return 0;
    if (this.index) {
      const id = this.index.wordId(word);
      const slot = id < 0 ? -1 : this.slotOfId(id);
      return slot <= 0 ? undefined : slot;
    }
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

  /** The slot of the index's word `id`, or -1 (only for slots made by `TermIndex.slots`). */
  slotOfId(id: number): number {
    const packed = this.packed;
    if (id === packed[0]) return 0;
    const n = this.count;
    let lo = 1 + n;
    let hi = 2 * n;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = packed[mid];
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return packed[mid + n];
    }
    return -1;
  }

  /** The index's word id of each slot that has one, with the slot, in slot order (`forEach`'s). */
  forEachId(fn: (id: number, slot: number) => void): void {
    const packed = this.packed;
    if (packed[0] >= 0) fn(packed[0], 0);
    for (let slot = 1; slot <= this.count; slot++) fn(packed[slot], slot);
  }

  /** The word in `slot`. */
  wordAt(slot: number): string {
    if (slot === 0) return this.self;
    return this.index ? this.index.wordText(this.packed[slot]) : this.words[slot - 1];
  }

  forEach(fn: (slot: number, word: string) => void): void {
    fn(0, this.self);
    for (let slot = 1; slot <= this.count; slot++) fn(slot, this.wordAt(slot));
  }
}

const NO_WORDS: readonly string[] = [];
const NO_ORDER = new Uint16Array(0);

export class TermIndex {
  /** Every word of some term, by id, and the ids by word. */
  private readonly wordList: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Each term's word ids, `maxWords` apart. */
  private readonly termWords: Int32Array;
  /**
   * postings[length][position]: the ids of the terms of that length with word w at that position are
   * list[start[w]] up to list[start[w + 1]] (compressed rows by word id).
   */
  private readonly postings: Array<Array<{ start: Int32Array; list: Int32Array }>> = [];
  private readonly byText = new Map<string, number>();
  /** Term texts, made on first use. */
  private readonly texts: Array<string | undefined>;
  readonly maxWords: number;

  constructor(readonly terms: readonly Term[]) {
    let max = 0;
    for (const t of terms) {
      max = Math.max(max, t.words.length);
      for (const w of t.words) {
        if (!this.ids.has(w)) {
          this.ids.set(w, this.wordList.length);
          this.wordList.push(w);
        }
      }
    }
    this.maxWords = max;
    this.texts = new Array(terms.length);
    const V = this.wordList.length;
    this.termWords = new Int32Array(terms.length * max);
    for (let len = 0; len <= max; len++) {
      const byPos: Array<{ start: Int32Array; list: Int32Array }> = [];
      for (let pos = 0; pos < len; pos++)
        byPos.push({ start: new Int32Array(V + 1), list: new Int32Array(0) });
      this.postings.push(byPos);
    }
    terms.forEach((t, id) => {
      this.byText.set(t.words.join(' '), id);
      t.words.forEach((w, pos) => {
        const wid = this.ids.get(w)!;
        this.termWords[id * max + pos] = wid;
        this.postings[t.words.length][pos].start[wid + 1]++;
      });
    });
    for (const byPos of this.postings) {
      for (const rows of byPos) {
        for (let w = 0; w < V; w++) rows.start[w + 1] += rows.start[w];
        rows.list = new Int32Array(rows.start[V]);
      }
    }
    const fill = this.postings.map((byPos) => byPos.map((rows) => rows.start.slice(0, V)));
    terms.forEach((t, id) => {
      t.words.forEach((w, pos) => {
        const rows = this.postings[t.words.length][pos];
        rows.list[fill[t.words.length][pos][this.ids.get(w)!]++] = id;
      });
    });
  }

  get size(): number {
    return this.terms.length;
  }

  /** Whether some term has this word (at any position). */
  hasWord(word: string): boolean {
    return this.ids.has(word);
  }

  /** The id of a word some term has, or -1. */
  wordId(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** The word with this id. */
  wordText(id: number): string {
    return this.wordList[id];
  }

  /** Slots of what an observed word could stand for (words some term has), with this index's word ids (see WordSlots). */
  slots(self: string, words: readonly string[]): WordSlots {
    return new WordSlots(self, words, this);
  }

  /** Id of a term by its lower-case text, or -1. */
  lookup(text: string): number {
    return this.byText.get(text) ?? -1;
  }

  text(id: number): string {
    let t = this.texts[id];
    if (t === undefined) {
      t = this.terms[id].words.join(' ');
      this.texts[id] = t;
    }
    return t;
  }

  /** Ids of the terms of `length` words with word `wordId` at `position`. */
  private termsWith(length: number, position: number, wordId: number): Int32Array {
    const rows = this.postings[length]?.[position];
    if (!rows) return EMPTY_IDS;
    return rows.list.subarray(rows.start[wordId], rows.start[wordId + 1]);
  }

  /**
   * How many postings the words of `option` reach at each (length, position), at index length * maxWords +
   * position: a phrase can match no term of that length when the count at one of its positions is 0.
   */
  reachCounts(option: WordOptions<unknown>): Int32Array {
    const M = this.maxWords;
    const counts = new Int32Array((M + 1) * M);
    option.forEach((_, w) => {
      const id = this.ids.get(w);
      if (id === undefined) return;
      for (let len = 2; len <= M; len++) {
        const byPos = this.postings[len];
        for (let p = 0; p < len; p++) counts[len * M + p] += byPos[p].start[id + 1] - byPos[p].start[id];
      }
    });
    return counts;
  }

  /**
   * Terms whose word at each position is a key of `options[position]` (the words the observed word there
   * could stand for, the observed word itself included), with the chosen option per position. The
   * position with the fewest postings is walked; the others are checked by id look-up. `reach` gives each
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
    const slots = options.map((o) => this.asSlots(o));
    const M = this.maxWords;
    const words = this.termWords;
    const found: Array<{ term: number; slots: number[] }> = [];
    slots[pivot].forEachId((wid, pivotSlot) => {
      const ids = this.termsWith(n, pivot, wid);
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        // Check every position before allocating: almost no posting matches.
        let ok = true;
        for (let p = 0; p < n && ok; p++) {
          if (p !== pivot && slots[p].slotOfId(words[id * M + p]) < 0) ok = false;
        }
        if (!ok) continue;
        const picked: number[] = new Array(n);
        for (let p = 0; p < n; p++)
          picked[p] = p === pivot ? pivotSlot : slots[p].slotOfId(words[id * M + p]);
        found.push({ term: id, slots: picked });
      }
    });
    return found.map((m) => ({
      term: m.term,
      picks: m.slots.map((slot, p) =>
        (options[p] as unknown) === slots[p] ? (slot as T) : (options[p].get(slots[p].wordAt(slot)) as T),
      ),
    }));
  }

  /** `option` as slots with this index's ids (itself when it already is); words no term has are left out. */
  private asSlots<T>(option: WordOptions<T>): WordSlots {
    if (option instanceof WordSlots && option.index === this) return option;
    const words: string[] = [];
    let self: string | undefined;
    option.forEach((_, w) => {
      if (self === undefined) self = w;
      else if (this.ids.has(w)) words.push(w);
    });
    return new WordSlots(self ?? '', words, this);
  }
}

const EMPTY_IDS = new Int32Array(0);

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
