/**
 * From text to spin-robust word sequences and shingles.
 *
 * Every word or number token becomes an entry of parallel arrays: an exact key (lower case, numbers in
 * digits), a synonym-class code for content words, its lexicon lemma, and whether it is fixed (a function
 * word or a number, which spinners leave alone). Two shingle families feed the MinHash signatures:
 * - class shingles: n-grams of the word stream where content words are replaced by their synonym-class
 *   code (function words and numbers verbatim); they survive a substitution when the classes agree.
 * - skeleton shingles: n-grams of words and punctuation where every content word is a wildcard, so they
 *   survive any one-for-one substitution, in or out of the lexicon; only grams with enough function
 *   words or punctuation to be specific are kept.
 * Each shingle carries the index of the word it starts at, so documents can be fingerprinted by window.
 */
import { tokenize } from '../text/tokenize.js';
import type { Token } from '../types.js';
import type { SynonymClasses } from './classes.js';
import { FormTable } from './forms.js';
import { combine, fmix32, hashString } from './hash.js';
import { scanTokens, type TokenSink } from './scan.js';
import { FUNCTION_WORDS, normalizeNumber } from './words.js';

export interface FingerprintConfig {
  /** Length of class shingles, in words. */
  classGram: number;
  /** Length of skeleton shingles, in words and punctuation marks. */
  skeletonGram: number;
  /** Fewest non-wildcard items a skeleton shingle needs to be kept. */
  skeletonMinFixed: number;
}

export const DEFAULT_FINGERPRINT: FingerprintConfig = { classGram: 3, skeletonGram: 6, skeletonMinFixed: 3 };

/** The word tokens of a text with what fingerprints and alignment need, in parallel arrays. */
export interface Featurized {
  /** Word and number tokens (offsets into the text). */
  words: Token[];
  /** Interned exact form per word (numbers normalised): equal keys mean the same word. */
  key: Int32Array;
  /** Synonym-class code per content word; for fixed words the code of the word itself. */
  code: Uint32Array;
  /** Handle of the word's lexicon readings (see SynonymClasses.synonyms), or -1. */
  lemma: Int32Array;
  /** 1 for function words and numbers (never counted as substitutions), else 0. */
  fixed: Uint8Array;
  /** Shingle hashes, in text order (may repeat). */
  shingles: Uint32Array;
  /** Index of the word each shingle starts at (same length as `shingles`). */
  shingleWord: Uint32Array;
}

/** What indexing needs of a text: its shingles (as in `Featurized`) and its number of words. */
export interface Fingerprint {
  /** Word and number tokens. */
  words: number;
  shingles: Uint32Array;
  shingleWord: Uint32Array;
}

const WILDCARD = hashString('\u0000*');
/** Punctuation kept in skeletons: marks a spinner does not touch. */
const SKELETON_PUNCT = new Set(['.', ',', ';', ':', '!', '?', '"', '(', ')', '--', '-', '...']);
const VOCAB_LIMIT = 1_000_000;

/** Turns texts into `Featurized` records; caches what it learns per word form (one per index). */
export class Featurizer {
  /** Slot of every word form seen (numbers: also their normalised form); the columns below hold its entry. */
  private readonly vocab = new FormTable();
  private slotKey = new Int32Array(1024);
  private slotCode = new Uint32Array(1024);
  private slotLemma = new Int32Array(1024);
  private slotFixed = new Uint8Array(1024);
  private slots = 0;
  private readonly punct = new Map<string, number>();
  /** `punct` for one-character ASCII tokens (0: not kept). */
  private readonly punctAscii = new Uint32Array(128);
  private nextKey = 1;
  /** Scratch space for the skeleton stream (reused between calls; grown on need). */
  private skel = new Uint32Array(1024);
  private skelFixed = new Uint8Array(1024);
  private skelWord = new Uint32Array(1024);
  /** Scratch space of `fingerprint`: word codes and the shingles handed out (reused between calls). */
  private fpCode = new Uint32Array(1024);
  private fpShingles = new Uint32Array(2048);
  private fpShingleWord = new Uint32Array(2048);
  /** State of the running `fingerprint` pass (its TokenSink). */
  private fpText = '';
  private fpWords = 0;
  private fpSkel = 0;
  private readonly sink: TokenSink;

  constructor(
    readonly classes: SynonymClasses,
    readonly config: FingerprintConfig = DEFAULT_FINGERPRINT,
  ) {
    for (const p of SKELETON_PUNCT) {
      const h = hashString(`p${p}`);
      this.punct.set(p, h);
      if (p.length === 1 && p.charCodeAt(0) < 128) this.punctAscii[p.charCodeAt(0)] = h;
    }
    if ([...this.punct.values()].includes(0)) throw new Error('internal: a punctuation hash is 0');
    this.sink = {
      word: (_kind, start, end, norm, lower) => this.fpWord(start, end, norm, lower),
      other: (_kind, start, end, norm) => this.fpOther(start, end, norm),
    };
  }

  private newSlot(key: number, code: number, lemma: number, fixed: number): number {
    if (this.slots === this.slotKey.length) {
      const size = 2 * this.slots;
      const grow = <T extends Int32Array | Uint32Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.slotKey = grow(this.slotKey, new Int32Array(size));
      this.slotCode = grow(this.slotCode, new Uint32Array(size));
      this.slotLemma = grow(this.slotLemma, new Int32Array(size));
      this.slotFixed = grow(this.slotFixed, new Uint8Array(size));
    }
    const s = this.slots++;
    this.slotKey[s] = key;
    this.slotCode[s] = code;
    this.slotLemma[s] = lemma;
    this.slotFixed[s] = fixed;
    return s;
  }

  /** Slot of a word form, computing its entry on first sight. */
  private slot(norm: string): number {
    const hit = this.vocab.get(norm);
    if (hit >= 0) return hit;
    // Keys only need to be equal within one process; a runaway vocabulary starts over (keys stay unique).
    if (this.vocab.size >= VOCAB_LIMIT) {
      this.vocab.clear();
      this.slots = 0;
    }
    let e: number;
    const num = normalizeNumber(norm);
    if (num !== undefined || FUNCTION_WORDS.has(norm)) {
      const form = num ?? norm;
      // Numbers share one key per value ("twelve" and "12"), so intern the normalised form.
      const same = form === norm ? -1 : this.vocab.get(form);
      e = same >= 0 ? same : this.newSlot(this.nextKey++, hashString(`w${form}`), -1, 1);
      if (same < 0 && form !== norm) this.vocab.add(form, e);
    } else {
      const c = this.classes.of(norm);
      const code = c.cls >= 0 ? fmix32(c.cls + 0x3c6ef372) : hashString(`u${norm}`);
      e = this.newSlot(this.nextKey++, code, c.lemma, 0);
    }
    this.vocab.add(norm, e);
    return e;
  }

  /** Room for `cap` more items in the skeleton scratch arrays (the `s` first kept). */
  private skelRoom(s: number, cap: number): void {
    if (s + cap <= this.skel.length) return;
    const size = Math.max(s + cap, 2 * this.skel.length);
    const skel = new Uint32Array(size);
    const skelFixed = new Uint8Array(size);
    const skelWord = new Uint32Array(size);
    skel.set(this.skel.subarray(0, s));
    skelFixed.set(this.skelFixed.subarray(0, s));
    skelWord.set(this.skelWord.subarray(0, s));
    this.skel = skel;
    this.skelFixed = skelFixed;
    this.skelWord = skelWord;
  }

  featurize(text: string): Featurized {
    const { tokens } = tokenize(text);
    const cap = tokens.length;
    this.skelRoom(0, cap);
    const { skel, skelFixed, skelWord } = this;
    // Word entries first (the skeleton stream over words and kept punctuation is built alongside). They are
    // copied out at once: a vocabulary reset inside `slot` may reuse slots.
    const key = new Int32Array(cap);
    const code = new Uint32Array(cap);
    const lemma = new Int32Array(cap);
    const fixed = new Uint8Array(cap);
    const words: Token[] = [];
    let s = 0;
    for (const t of tokens) {
      if (t.kind === 'word' || t.kind === 'number') {
        const e = this.slot(t.norm);
        const w = words.length;
        const fx = this.slotFixed[e];
        key[w] = this.slotKey[e];
        code[w] = this.slotCode[e];
        lemma[w] = this.slotLemma[e];
        fixed[w] = fx;
        skel[s] = fx ? code[w] : WILDCARD;
        skelFixed[s] = fx;
        skelWord[s++] = w;
        words.push(t);
      } else if (t.kind === 'punct' || t.kind === 'symbol') {
        const p = this.punct.get(t.norm);
        if (p !== undefined) {
          skel[s] = p;
          skelFixed[s] = 1;
          skelWord[s++] = words.length;
        }
      }
    }
    const n = words.length;
    const max = this.maxShingles(n, s);
    const shingles = new Uint32Array(max);
    const shingleWord = new Uint32Array(max);
    const m = this.shingle(code, n, s, shingles, shingleWord);
    return {
      words,
      key: key.subarray(0, n),
      code: code.subarray(0, n),
      lemma: lemma.subarray(0, n),
      fixed: fixed.subarray(0, n),
      shingles: shingles.subarray(0, m),
      shingleWord: shingleWord.subarray(0, m),
    };
  }

  /**
   * The shingles of `text` and its number of words: the same as `featurize(text)` gives (tested), without
   * Token objects or per-word arrays, for indexing. The arrays are views of scratch space that the next
   * call of `fingerprint` overwrites.
   */
  fingerprint(text: string): Fingerprint {
    this.fpText = text;
    this.fpWords = 0;
    this.fpSkel = 0;
    scanTokens(text, this.sink);
    this.fpText = '';
    const n = this.fpWords;
    const s = this.fpSkel;
    const max = this.maxShingles(n, s);
    if (this.fpShingles.length < max) {
      this.fpShingles = new Uint32Array(Math.max(max, 2 * this.fpShingles.length));
      this.fpShingleWord = new Uint32Array(this.fpShingles.length);
    }
    const m = this.shingle(this.fpCode, n, s, this.fpShingles, this.fpShingleWord);
    return {
      words: n,
      shingles: this.fpShingles.subarray(0, m),
      shingleWord: this.fpShingleWord.subarray(0, m),
    };
  }

  private fpWord(start: number, end: number, norm: string | null, lower: boolean): void {
    let e = norm === null ? this.vocab.getSpan(this.fpText, start, end, lower) : this.vocab.get(norm);
    if (e < 0) {
      const text = this.fpText;
      e = this.slot(norm ?? (lower ? text.slice(start, end).toLowerCase() : text.slice(start, end)));
    }
    const w = this.fpWords++;
    if (w === this.fpCode.length) {
      const bigger = new Uint32Array(2 * w);
      bigger.set(this.fpCode);
      this.fpCode = bigger;
    }
    const code = this.slotCode[e];
    this.fpCode[w] = code;
    const s = this.fpSkel++;
    if (s === this.skel.length) this.skelRoom(s, 1);
    const fx = this.slotFixed[e];
    this.skel[s] = fx ? code : WILDCARD;
    this.skelFixed[s] = fx;
    this.skelWord[s] = w;
  }

  private fpOther(start: number, end: number, norm: string | null): void {
    let p: number | undefined;
    if (norm !== null) p = this.punct.get(norm);
    else if (end - start === 1) {
      const c = this.fpText.charCodeAt(start);
      p = c < 128 ? this.punctAscii[c] || undefined : this.punct.get(this.fpText.slice(start, end));
    } else p = this.punct.get(this.fpText.slice(start, end));
    if (p === undefined) return;
    const s = this.fpSkel++;
    if (s === this.skel.length) this.skelRoom(s, 1);
    this.skel[s] = p;
    this.skelFixed[s] = 1;
    this.skelWord[s] = this.fpWords;
  }

  /** Most shingles of `n` words with a skeleton stream of `s` items. */
  private maxShingles(n: number, s: number): number {
    const { classGram: cg, skeletonGram: sg } = this.config;
    return Math.max(0, n - cg + 1) + Math.max(0, s - sg + 1);
  }

  /**
   * Class shingles of the `n` word codes, then skeleton shingles of the first `s` items of the skeleton
   * scratch stream, into `shingles` / `shingleWord` (room for `maxShingles`); returns how many.
   */
  private shingle(
    code: Uint32Array,
    n: number,
    s: number,
    shingles: Uint32Array,
    shingleWord: Uint32Array,
  ): number {
    const { classGram: cg, skeletonGram: sg, skeletonMinFixed: minFixed } = this.config;
    const { skel, skelFixed, skelWord } = this;
    let m = 0;
    for (let i = 0; i + cg <= n; i++) {
      let h = 0x1b873593;
      for (let k = 0; k < cg; k++) h = combine(h, code[i + k]);
      shingles[m] = h;
      shingleWord[m++] = i;
    }
    let fixedInWindow = 0;
    for (let i = 0; i < s; i++) {
      fixedInWindow += skelFixed[i];
      if (i >= sg) fixedInWindow -= skelFixed[i - sg];
      if (i + 1 < sg || fixedInWindow < minFixed) continue;
      let h = 0x2545f491;
      for (let k = i + 1 - sg; k <= i; k++) h = combine(h, skel[k]);
      shingles[m] = h;
      shingleWord[m++] = skelWord[i + 1 - sg];
    }
    return m;
  }
}
