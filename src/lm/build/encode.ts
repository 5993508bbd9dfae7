/**
 * The two counting passes over one share of the corpus (run in a worker thread or in-process):
 *
 * 1. `StreamEncoder` splits text into sentences of training words (words.ts, the same split as `tokenize`), numbers each new word with a *local* id and
 *    appends the ids to a stream file on disk (a sentence ends with SENTENCE_END), counting words.
 * 2. `countStream` re-reads that stream once the global vocabulary is known, maps local ids to global
 *    ones and counts n-grams into spilling hash tables.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { SpillingCounter } from './counts.js';
import { packKey } from './keys.js';
import { forEachTrainingWordFast } from './words.js';

const SENTENCE_END = 0xffffffff;
const BUFFER_IDS = 1 << 18;

/** Words of one share, with how often each was seen. */
export interface ShareVocabulary {
  words: string[];
  counts: number[];
  tokens: number;
  sentences: number;
}

/** FNV-1a over UTF-16 code units. */
function hashWord(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * Word → id, open addressing over an Int32Array of ids. Faster than a Map here (measured: about a third
 * more words per second through the whole first pass), because the tokenizer hands over a fresh string
 * for every token and the Map has to hash and intern each one. The words' code units are also kept in
 * one flat pool (`chars`, word `id` at `starts[id] .. starts[id + 1]`), so that a span of the text is
 * compared against a word without a string for it (`idOfSpan`) and without touching the string objects.
 */
class WordTable {
  readonly words: string[] = [];
  private table = new Int32Array(1 << 16).fill(-1);
  private mask = (1 << 16) - 1;
  private chars = new Uint16Array(1 << 18);
  private starts = new Int32Array(1 << 14);

  /** The id of `w`, numbering it when new. */
  id(w: string): number {
    let i = hashWord(w) & this.mask;
    for (;;) {
      const id = this.table[i];
      if (id < 0) break;
      if (this.words[id] === w) return id;
      i = (i + 1) & this.mask;
    }
    return this.add(w, i);
  }

  /**
   * The id of the word `text[start, end)`, or of its lower case when `lower` (then only ASCII capitals are
   * folded here; a span with other characters goes through `toLowerCase` and `id`). No string is made
   * unless the word is new. Hashes and matches exactly as `id(word)` does.
   */
  idOfSpan(text: string, start: number, end: number, lower: boolean): number {
    let h = 0x811c9dc5;
    if (lower) {
      for (let k = start; k < end; k++) {
        let c = text.charCodeAt(k);
        if (c >= 128) return this.id(text.slice(start, end).toLowerCase());
        if (c >= 65 && c <= 90) c += 32;
        h = Math.imul(h ^ c, 0x01000193);
      }
    } else {
      for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    }
    const len = end - start;
    const chars = this.chars;
    const starts = this.starts;
    let i = h & this.mask;
    for (;;) {
      const id = this.table[i];
      if (id < 0) break;
      const at = starts[id];
      if (starts[id + 1] - at === len) {
        let k = 0;
        if (lower) {
          for (; k < len; k++) {
            let c = text.charCodeAt(start + k);
            if (c >= 65 && c <= 90) c += 32;
            if (c !== chars[at + k]) break;
          }
        } else {
          while (k < len && text.charCodeAt(start + k) === chars[at + k]) k++;
        }
        if (k === len) return id;
      }
      i = (i + 1) & this.mask;
    }
    return this.add(lower ? text.slice(start, end).toLowerCase() : text.slice(start, end), i);
  }

  /** Number the new word `w` and put it in free slot `i`. */
  private add(w: string, i: number): number {
    const id = this.words.length;
    this.words.push(w);
    this.table[i] = id;
    if (id + 2 > this.starts.length) {
      const bigger = new Int32Array(this.starts.length * 2);
      bigger.set(this.starts);
      this.starts = bigger;
    }
    let at = this.starts[id];
    if (at + w.length > this.chars.length) {
      const bigger = new Uint16Array(Math.max(this.chars.length * 2, at + w.length));
      bigger.set(this.chars);
      this.chars = bigger;
    }
    const chars = this.chars;
    for (let k = 0; k < w.length; k++) chars[at++] = w.charCodeAt(k);
    this.starts[id + 1] = at;
    if (this.words.length * 2 > this.table.length) this.grow();
    return id;
  }

  private grow(): void {
    const cap = this.table.length * 2;
    this.table = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.words.length; id++) {
      let i = hashWord(this.words[id]) & this.mask;
      while (this.table[i] >= 0) i = (i + 1) & this.mask;
      this.table[i] = id;
    }
  }
}

export class StreamEncoder {
  private readonly table = new WordTable();
  private readonly counts: number[] = [];
  private readonly fd: number;
  private readonly buffer = new Uint32Array(BUFFER_IDS);
  private used = 0;
  tokens = 0;
  sentences = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  encode(text: string): void {
    forEachTrainingWordFast(text, this.onWord, this.onSentenceEnd, this.onSpan);
  }

  private readonly onWord = (w: string): void => {
    this.onId(this.table.id(w));
  };

  private onId(id: number): void {
    if (id === this.counts.length) this.counts.push(0);
    this.counts[id]++;
    this.push(id);
    this.tokens++;
  }

  private readonly onSpan = (text: string, start: number, end: number, lower: boolean): void => {
    this.onId(this.table.idOfSpan(text, start, end, lower));
  };

  private readonly onSentenceEnd = (): void => {
    this.push(SENTENCE_END);
    this.sentences++;
  };

  private push(id: number): void {
    if (this.used === BUFFER_IDS) this.flush();
    this.buffer[this.used++] = id;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, new Uint8Array(this.buffer.buffer, 0, this.used * 4));
    this.used = 0;
  }

  /** Close the stream; the share's vocabulary. */
  finish(): ShareVocabulary {
    this.flush();
    closeSync(this.fd);
    return { words: this.table.words, counts: this.counts, tokens: this.tokens, sentences: this.sentences };
  }
}

export interface CountSpec {
  order: number;
  bits: number;
  bos: number;
  eos: number;
  /** Hash-table entries per order before it spills. */
  tableEntries: number;
  /** Directory for run files, and a prefix naming this share's runs. */
  dir: string;
  name: string;
}

/**
 * Count the n-grams of an id stream: for each position of each padded sentence `<s> w… </s>`, the longest
 * n-gram ending there (order N, or shorter at the start where it begins with `<s>`). Returns one counter
 * per order 2..N (index n - 2); only order N and the `<s>`-initial shorter n-grams are counted here, the
 * rest are derived from them.
 */
export function countStream(path: string, localToGlobal: Int32Array, spec: CountSpec): SpillingCounter[] {
  const N = spec.order;
  const counters: SpillingCounter[] = [];
  for (let n = 2; n <= N; n++) {
    // The <s>-initial orders hold at most one n-gram per sentence: a small table is enough.
    const entries = n === N ? spec.tableEntries : Math.max(1024, spec.tableEntries >>> 3);
    counters.push(new SpillingCounter(entries, spec.dir, `${spec.name}-o${n}`));
  }
  const key = new Uint32Array(2);
  let sent = new Int32Array(1024);
  let len = 1;
  sent[0] = spec.bos;
  const fd = openSync(path, 'r');
  const block = new Uint32Array(BUFFER_IDS);
  const bytes = new Uint8Array(block.buffer);
  try {
    for (;;) {
      const got = readSync(fd, bytes, 0, bytes.length, null);
      if (got === 0) break;
      const n = got >>> 2; // the writer only writes whole ids, and reads of a regular file are whole
      for (let i = 0; i < n; i++) {
        const id = block[i];
        if (len + 1 >= sent.length) {
          const bigger = new Int32Array(sent.length * 2);
          bigger.set(sent);
          sent = bigger;
        }
        if (id !== SENTENCE_END) {
          sent[len++] = localToGlobal[id];
          continue;
        }
        sent[len++] = spec.eos;
        for (let j = 1; j < len; j++) {
          const m = Math.min(j + 1, N);
          packKey(spec.bits, sent, j - m + 1, m, key, 0);
          counters[m - 2].add(key[0], key[1]);
        }
        len = 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return counters;
}
