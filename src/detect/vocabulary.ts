/**
 * The document's own vocabulary, the evidence behind `keep.docRepeat` and `sub.docHasOriginal`: how often
 * each word occurs, which lemmas occur, and which phrases of 2–4 words occur within a sentence.
 *
 * It is collected over the whole text before any sentence is decoded, one piece of tokens at a time, so a
 * long text never needs all its tokens at once. Phrases are kept as 64-bit hashes in an open-addressing
 * table rather than as strings: a million-word text has a few million distinct phrases, which as a Set of
 * strings cost hundreds of megabytes; as hashes in a table kept at most three quarters full, 11–21 bytes
 * each. A false "the document has this phrase" needs two independent 32-bit hashes to collide (about one
 * look-up in 10^12 for a million-word text).
 */

import type { Token } from '../types.js';
import type { DocumentVocabulary } from './lattice.js';

/** Longest phrase recorded (the lattice's longest span). */
const MAX_PHRASE_WORDS = 4;

export class VocabularyBuilder {
  private readonly counts = new Map<string, number>();
  private readonly lemmaSet = new Set<string>();
  private readonly phrases = new PhraseHashSet();
  private readonly addLemma = (lemma: string): void => {
    this.lemmaSet.add(lemma);
  };

  /**
   * `forEachLemma(norm, fn)` calls fn with the word itself and each lemma it could stand for. With `starts`,
   * only phrases whose first two words are among them are recorded (the decoder asks about no others).
   */
  constructor(
    private readonly forEachLemma: (norm: string, fn: (lemma: string) => void) => void,
    private readonly starts?: PhraseStarts,
  ) {}

  /** Record a piece of the document's tokens (whole sentences). */
  add(tokens: readonly Token[]): void {
    const n = tokens.length;
    for (let i = 0; i < n; i++) {
      const t = tokens[i];
      if (t.kind !== 'word') continue;
      this.counts.set(t.norm, (this.counts.get(t.norm) ?? 0) + 1);
      this.forEachLemma(t.norm, this.addLemma);
    }
    // Phrases start at any token (as the lattice's spans do) and continue over words of the same sentence.
    const starts = this.starts;
    for (let i = 0; i < n; i++) {
      const first = tokens[i];
      let a = hashStart1(first.norm);
      let b = hashStart2(first.norm);
      for (let j = i + 1; j < Math.min(n, i + MAX_PHRASE_WORDS); j++) {
        const t = tokens[j];
        if (t.kind !== 'word' || t.sentence !== first.sentence) break;
        a = hashMore1(hashMore1(a, ' '), t.norm);
        b = hashMore2(hashMore2(b, ' '), t.norm);
        if (starts && j === i + 1 && !starts.hasHash(a, b)) break;
        this.phrases.add(a, b);
      }
    }
  }

  vocabulary(): DocumentVocabulary {
    const { counts, lemmaSet, phrases } = this;
    return {
      count: (norm: string) => counts.get(norm) ?? 0,
      has: (x: string) =>
        x.includes(' ') ? phrases.has(hashMore1(FNV_OFFSET, x), hashMore2(SEED2, x)) : lemmaSet.has(x),
    };
  }
}

/**
 * The first two words of every multiword original the decoder can propose (thesaurus entries, terms), as
 * hashes: a document phrase that starts otherwise is never asked about, so it need not be recorded. In
 * running text that leaves a few percent of the phrases.
 */
export class PhraseStarts {
  private readonly set = new PhraseHashSet();

  /** Record the first two words of a lower-case, single-spaced phrase (single words are ignored). */
  add(text: string): void {
    const sp = text.indexOf(' ');
    if (sp < 0) return;
    const sp2 = text.indexOf(' ', sp + 1);
    const two = sp2 < 0 ? text : text.slice(0, sp2);
    this.set.add(hashStart1(two), hashStart2(two));
  }

  hasHash(a: number, b: number): boolean {
    return this.set.has(a, b);
  }

  /** Whether "first second" was recorded, hashed without joining the words into a new string. */
  hasPair(first: string, second: string): boolean {
    const a = hashMore1(hashMore1(hashStart1(first), ' '), second);
    const b = hashMore2(hashMore2(hashStart2(first), ' '), second);
    return this.set.has(a, b);
  }

  /** An independent copy, to add to without changing this one. */
  clone(): PhraseStarts {
    const c = new PhraseStarts();
    c.set.copyFrom(this.set);
    return c;
  }
}

// Two independent string hashes (FNV-1a and a multiply-xorshift variant), fed one string at a time so that
// a phrase built word by word hashes exactly as its joined text does.
const FNV_OFFSET = 0x811c9dc5 | 0;
const SEED2 = 0x9e3779b9 | 0;

function hashMore1(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function hashMore2(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h + s.charCodeAt(i), 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h;
}

function hashStart1(s: string): number {
  return hashMore1(FNV_OFFSET, s);
}

function hashStart2(s: string): number {
  return hashMore2(SEED2, s);
}

/** A set of 64-bit keys (two int32 halves); the all-zero key is stored as a flag of its own. */
class PhraseHashSet {
  private lo = new Int32Array(1024);
  private hi = new Int32Array(1024);
  private size = 0;
  private hasZero = false;

  copyFrom(other: PhraseHashSet): void {
    this.lo = other.lo.slice();
    this.hi = other.hi.slice();
    this.size = other.size;
    this.hasZero = other.hasZero;
  }

  add(a: number, b: number): void {
    if (a === 0 && b === 0) {
      this.hasZero = true;
      return;
    }
    // Grow at three quarters full: linear probing stays short, and a million-word text's few million
    // phrases fit in 2^22 slots (32 MB) rather than 2^23.
    if ((this.size + 1) * 4 > this.lo.length * 3) this.grow();
    if (this.insert(a, b)) this.size++;
  }

  has(a: number, b: number): boolean {
    if (a === 0 && b === 0) return this.hasZero;
    const mask = this.lo.length - 1;
    for (let i = slot(a, b) & mask; ; i = (i + 1) & mask) {
      const x = this.lo[i];
      const y = this.hi[i];
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  /** Insert without growing; false when the key was there. */
  private insert(a: number, b: number): boolean {
    const mask = this.lo.length - 1;
    for (let i = slot(a, b) & mask; ; i = (i + 1) & mask) {
      const x = this.lo[i];
      const y = this.hi[i];
      if (x === 0 && y === 0) {
        this.lo[i] = a;
        this.hi[i] = b;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  private grow(): void {
    const lo = this.lo;
    const hi = this.hi;
    this.lo = new Int32Array(lo.length * 2);
    this.hi = new Int32Array(hi.length * 2);
    for (let i = 0; i < lo.length; i++) if (lo[i] !== 0 || hi[i] !== 0) this.insert(lo[i], hi[i]);
  }
}

function slot(a: number, b: number): number {
  return Math.imul(a ^ (b >>> 7), 0x27d4eb2d) >>> 0;
}
