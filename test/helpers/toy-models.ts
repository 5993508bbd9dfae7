/** Tiny hand-made models for decoder tests: every probability here is chosen by the test. */

import type { Lexicon, Origin } from '../../src/lexicon/types.js';
import type { LanguageModel } from '../../src/lm/types.js';

/** A back-off LM from explicit log10 tables; unknown n-grams back off with a fixed penalty. */
export function toyLm(unigrams: Record<string, number>, ngrams: Record<string, number> = {}): LanguageModel {
  const words = ['<s>', '</s>', ...Object.keys(unigrams)];
  const ids = new Map(words.map((w, i) => [w, i]));
  const uni = words.map((w) => unigrams[w] ?? -1);
  return {
    order: 3,
    vocabSize: words.length,
    bos: 0,
    eos: 1,
    oovLogProb: -7.5,
    id: (w) => ids.get(w) ?? -1,
    word: (i) => words[i],
    unigram: (i) => (i < 0 ? -7.5 : uni[i]),
    forEachBigram(fn) {
      for (const [key, value] of Object.entries(ngrams)) {
        const parts = key.split(' ');
        if (parts.length === 2 && ids.has(parts[0]) && ids.has(parts[1]))
          fn(ids.get(parts[0])!, ids.get(parts[1])!, value);
      }
    },
    logProb(w, h1, h2) {
      if (w < 0) return -7.5;
      const tri = h2 >= 0 && h1 >= 0 ? ngrams[`${words[h2]} ${words[h1]} ${words[w]}`] : undefined;
      if (tri !== undefined) return tri;
      const bi = h1 >= 0 ? ngrams[`${words[h1]} ${words[w]}`] : undefined;
      if (bi !== undefined) return bi - (h2 >= 0 ? 0.1 : 0);
      return uni[w] - (h1 >= 0 ? 0.5 : 0);
    },
  };
}

/** A lexicon from (original → synonyms) lists. */
export function toyLexicon(forward: Record<string, string[]>): Lexicon {
  const entries: string[] = [];
  const idOf = new Map<string, number>();
  const intern = (t: string) => {
    let id = idOf.get(t);
    if (id === undefined) {
      id = entries.length;
      entries.push(t);
      idOf.set(t, id);
    }
    return id;
  };
  const fwd = new Map<number, number[]>();
  for (const [orig, syns] of Object.entries(forward)) fwd.set(intern(orig), syns.map(intern));
  const rev = new Map<number, Origin[]>();
  for (const [o, syns] of fwd) {
    syns.forEach((s, rank) => {
      const list = rev.get(s) ?? [];
      list.push({ id: o, sources: 1, pos: 0, fanout: syns.length, rank });
      rev.set(s, list);
    });
  }
  return {
    size: entries.length,
    maxPhraseWords: 4,
    lookup: (t) => idOf.get(t) ?? -1,
    text: (id) => entries[id],
    pos: () => 0,
    origins: (id) => rev.get(id) ?? [],
    synonyms: (id) => fwd.get(id) ?? [],
  };
}

/** Morphology that knows only plural -s/-ies and past -ed, enough for hand-made cases. */
export const toyMorph = {
  analyze(word: string, isKnown: (l: string) => boolean) {
    const out: Array<{ lemma: string; form: string; pos: number }> = [];
    if (isKnown(word)) out.push({ lemma: word, form: 'base', pos: 0 });
    if (word.endsWith('ies') && isKnown(`${word.slice(0, -3)}y`))
      out.push({ lemma: `${word.slice(0, -3)}y`, form: 'plural', pos: 1 });
    else if (word.endsWith('s') && isKnown(word.slice(0, -1)))
      out.push({ lemma: word.slice(0, -1), form: 'plural', pos: 1 });
    if (word.endsWith('ed') && isKnown(word.slice(0, -1)))
      out.push({ lemma: word.slice(0, -1), form: 'past', pos: 2 });
    return out;
  },
  inflectPhrase(phrase: string, form: string) {
    if (form === 'plural') return `${phrase}s`;
    if (form === 'past') return phrase.endsWith('e') ? `${phrase}d` : `${phrase}ed`;
    return phrase;
  },
};
