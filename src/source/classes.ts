/**
 * Synonym-class ids: a word and the thesaurus synonym a spinner put in its place should often get the same
 * id. Each lemma is mapped to the "hub" of its closed synonym neighbourhood (itself and its synonyms):
 * the member with the most entries naming it as a synonym. Two synonyms share a class when they share
 * that hub, which happens for common words far more often than chance; the alignment then confirms
 * synonym pairs against the lexicon itself. Computed on demand per lemma and cached, so no start-up cost
 * beyond loading the lexicon.
 */

import type { LoadedLexicon } from '../lexicon/lexicon.js';
import { analyze } from '../lexicon/morph.js';

/** What the fingerprints and the alignment need to know about one content word. */
export interface WordClass {
  /** Handle of the word's lemma readings (for `synonyms`), or -1 when no reading is in the lexicon. */
  lemma: number;
  /** Synonym-class id: the hub entry of the first reading, else -1 (the word stands for itself). */
  cls: number;
}

const UNKNOWN: WordClass = Object.freeze({ lemma: -1, cls: -1 });

const shared = new Map<LoadedLexicon, SynonymClasses>();

/** One SynonymClasses per loaded lexicon, so every index in the process shares the warm caches. */
export function classesFor(lexicon: LoadedLexicon): SynonymClasses {
  let c = shared.get(lexicon);
  if (!c) {
    c = new SynonymClasses(lexicon);
    shared.set(lexicon, c);
  }
  return c;
}

export class SynonymClasses {
  private readonly byNorm = new Map<string, WordClass>();
  private readonly hubOf = new Map<number, number>();
  /** Lexicon entries of every reading, per handle ("officials" → official, officials). */
  private readonly readings: number[][] = [];
  private readonly isKnown: (lemma: string) => boolean;

  constructor(readonly lexicon: LoadedLexicon) {
    this.isKnown = (lemma) => lexicon.lookup(lemma) >= 0;
  }

  /** Class of a lower-case word form (lemmatised first, so "stated" and "states" reach "state"). */
  of(norm: string): WordClass {
    const hit = this.byNorm.get(norm);
    if (hit) return hit;
    let out = UNKNOWN;
    const ids: number[] = [];
    for (const r of analyze(norm, this.isKnown)) {
      const id = this.lexicon.lookup(r.lemma);
      if (id >= 0 && !ids.includes(id)) ids.push(id);
    }
    if (ids.length > 0) {
      out = { lemma: this.readings.length, cls: this.hub(ids[0]) };
      this.readings.push(ids);
    }
    // Cache bound: vocabularies are finite, but a stream of junk tokens must not grow memory for ever.
    if (this.byNorm.size >= 500_000) this.byNorm.clear();
    this.byNorm.set(norm, out);
    return out;
  }

  /** The member of {id} ∪ synonyms(id) named as a synonym by the most entries (ties: lowest id). */
  hub(id: number): number {
    const cached = this.hubOf.get(id);
    if (cached !== undefined) return cached;
    const lex = this.lexicon;
    let best = id;
    let bestScore = lex.originCount(id);
    for (const y of lex.synonyms(id)) {
      const s = lex.originCount(y);
      if (s > bestScore || (s === bestScore && y < best)) {
        best = y;
        bestScore = s;
      }
    }
    this.hubOf.set(id, best);
    return best;
  }

  /** Whether the lexicon relates some reading of one word to some reading of the other (either direction). */
  synonyms(a: number, b: number): boolean {
    if (a < 0 || b < 0) return false;
    if (a === b) return true;
    const lex = this.lexicon;
    for (const x of this.readings[a]) {
      for (const y of this.readings[b]) {
        if (x === y || lex.pairSources(x, y) !== 0 || lex.pairSources(y, x) !== 0) return true;
      }
    }
    return false;
  }
}
