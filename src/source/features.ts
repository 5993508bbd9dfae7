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
import { combine, fmix32, hashString } from './hash.js';
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

const WILDCARD = hashString('\u0000*');
/** Punctuation kept in skeletons: marks a spinner does not touch. */
const SKELETON_PUNCT = new Set(['.', ',', ';', ':', '!', '?', '"', '(', ')', '--', '-', '...']);
const VOCAB_LIMIT = 1_000_000;

/** Turns texts into `Featurized` records; caches what it learns per word form (one per index). */
export class Featurizer {
  /** Slot of every word form seen (numbers: also their normalised form); the columns below hold its entry. */
  private readonly vocab = new Map<string, number>();
  private slotKey = new Int32Array(1024);
  private slotCode = new Uint32Array(1024);
  private slotLemma = new Int32Array(1024);
  private slotFixed = new Uint8Array(1024);
  private slots = 0;
  private readonly punct = new Map<string, number>();
  private nextKey = 1;
  /** Scratch space for the skeleton stream (reused between calls; grown on need). */
  private skel = new Uint32Array(1024);
  private skelFixed = new Uint8Array(1024);
  private skelWord = new Uint32Array(1024);

  constructor(
    readonly classes: SynonymClasses,
    readonly config: FingerprintConfig = DEFAULT_FINGERPRINT,
  ) {
    for (const p of SKELETON_PUNCT) this.punct.set(p, hashString(`p${p}`));
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
    if (hit !== undefined) return hit;
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
      const same = form === norm ? undefined : this.vocab.get(form);
      e = same ?? this.newSlot(this.nextKey++, hashString(`w${form}`), -1, 1);
      if (same === undefined && form !== norm) this.vocab.set(form, e);
    } else {
      const c = this.classes.of(norm);
      const code = c.cls >= 0 ? fmix32(c.cls + 0x3c6ef372) : hashString(`u${norm}`);
      e = this.newSlot(this.nextKey++, code, c.lemma, 0);
    }
    this.vocab.set(norm, e);
    return e;
  }

  featurize(text: string): Featurized {
    const { tokens } = tokenize(text);
    const cap = tokens.length;
    if (this.skel.length < cap) {
      const size = Math.max(cap, 2 * this.skel.length);
      this.skel = new Uint32Array(size);
      this.skelFixed = new Uint8Array(size);
      this.skelWord = new Uint32Array(size);
    }
    const { skel, skelFixed, skelWord } = this;
    // Word slots first (the skeleton stream over words and kept punctuation is built alongside).
    const slotOf = new Int32Array(cap);
    const words: Token[] = [];
    let s = 0;
    for (const t of tokens) {
      if (t.kind === 'word' || t.kind === 'number') {
        const e = this.slot(t.norm);
        slotOf[words.length] = e;
        const fx = this.slotFixed[e];
        skel[s] = fx ? this.slotCode[e] : WILDCARD;
        skelFixed[s] = fx;
        skelWord[s++] = words.length;
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
    const key = new Int32Array(n);
    const code = new Uint32Array(n);
    const lemma = new Int32Array(n);
    const fixed = new Uint8Array(n);
    for (let w = 0; w < n; w++) {
      const e = slotOf[w];
      key[w] = this.slotKey[e];
      code[w] = this.slotCode[e];
      lemma[w] = this.slotLemma[e];
      fixed[w] = this.slotFixed[e];
    }
    const { classGram: cg, skeletonGram: sg, skeletonMinFixed: minFixed } = this.config;
    const max = Math.max(0, n - cg + 1) + Math.max(0, s - sg + 1);
    const shingles = new Uint32Array(max);
    const shingleWord = new Uint32Array(max);
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
    return {
      words,
      key,
      code,
      lemma,
      fixed,
      shingles: shingles.subarray(0, m),
      shingleWord: shingleWord.subarray(0, m),
    };
  }
}
