/**
 * Candidate originals for observed spans: what could a spinner have started from to produce this?
 *
 * Candidates for an observed span do not depend on the document, so they are built once per
 * distinct span text and cached (word frequencies are Zipfian: the cache serves almost every look-up
 * in a large batch). Document-specific evidence (context, the document's own vocabulary) is added
 * by the lattice builder.
 */

import type { Lexicon } from '../lexicon/types.js';
import { SOURCE } from '../lexicon/types.js';
import type { LanguageModel } from '../lm/types.js';
import { FILLER_RULES, numberWord, STOPWORDS, spellingVariants } from './channels.js';
import { F, NUM_FEATURES, staticScore } from './features.js';

/** The channel that proposes a candidate. */
export const KIND = { keep: 0, thesaurus: 1, number: 2, filler: 3, spelling: 4, user: 5 } as const;
export const KIND_NAMES = ['keep', 'thesaurus', 'number', 'filler', 'spelling', 'user'] as const;

/** A document-independent candidate reading of an observed span. */
export interface Template {
  /** The original as it would read here, lower case (already re-inflected). */
  surface: string;
  /** The original's lemma or phrase (for matching the document's vocabulary). */
  lemma: string;
  /** Language-model ids of the surface words (-1 for words the model does not know). */
  lmIds: Int32Array;
  kind: number;
  /** Static features (the `lm`, `sub.docHasOriginal` and `sub.capMid` slots are filled per document). */
  phi: Float32Array;
  /** Weighted sum of the static features. */
  score: number;
}

/** What the lemmatiser and re-inflector provide (src/lexicon/morph.ts). */
export interface Morphology {
  analyze(
    word: string,
    isKnown: (lemma: string) => boolean,
  ): Array<{ lemma: string; form: string; pos: number }>;
  inflectPhrase(phrase: string, form: string, pos?: number): string;
}

export interface CandidateConfig {
  /** Most candidates kept per observed span before context is looked at. */
  maxPerSpan: number;
}

const EMPTY: readonly Template[] = [];

export class CandidateSource {
  private readonly spanCache = new Map<string, readonly Template[]>();
  private readonly lmIdCache = new Map<string, Int32Array>();
  private readonly keepCache = new Map<string, Float32Array>();
  private readonly userPairs = new Map<string, string[]>();

  constructor(
    readonly lm: LanguageModel,
    readonly lexicon: Lexicon,
    readonly morph: Morphology,
    readonly weights: readonly number[],
    readonly config: CandidateConfig,
  ) {}

  /** Language-model ids for a lower-case surface string; hyphenated words the model lacks are split. */
  lmIds(surface: string): Int32Array {
    let ids = this.lmIdCache.get(surface);
    if (ids) return ids;
    const out: number[] = [];
    for (const w of surface.split(' ')) {
      const id = this.lm.id(w);
      if (id >= 0 || !w.includes('-')) out.push(id);
      else for (const part of w.split('-')) if (part) out.push(this.lm.id(part));
    }
    ids = Int32Array.from(out);
    if (this.lmIdCache.size > 200_000) this.lmIdCache.clear();
    this.lmIdCache.set(surface, ids);
    return ids;
  }

  /** Features of keeping an observed word (capitalisation is added per document). */
  keepFeatures(norm: string): Float32Array {
    let phi = this.keepCache.get(norm);
    if (phi) return phi;
    phi = new Float32Array(NUM_FEATURES);
    phi[F.keep] = 1;
    const ids = this.lmIds(norm);
    let uni = 0;
    let oov = 0;
    for (const id of ids) {
      if (id < 0) oov = 1;
      uni = Math.min(uni, this.lm.unigram(id));
    }
    phi[F['keep.obsUnigram']] = uni;
    phi[F['keep.obsOov']] = oov;
    phi[F['keep.stopword']] = STOPWORDS.has(norm) ? 1 : 0;
    phi[F['keep.logOrigins']] = Math.log1p(this.originCount(norm));
    if (this.keepCache.size > 200_000) this.keepCache.clear();
    this.keepCache.set(norm, phi);
    return phi;
  }

  private originCount(norm: string): number {
    if (STOPWORDS.has(norm)) return 0;
    let n = 0;
    for (const a of this.analyses(norm)) {
      const id = this.lexicon.lookup(a.lemma);
      if (id >= 0) n += this.lexicon.origins(id).length;
    }
    return n;
  }

  private analyses(word: string) {
    return this.morph.analyze(word, (l) => this.lexicon.lookup(l) >= 0);
  }

  /** Pairs a caller adds for one check (e.g. a tortured-phrase list); keyed by observed lower-case text. */
  withUserPairs<T>(pairs: ReadonlyArray<{ observed: string; original: string }> | undefined, fn: () => T): T {
    if (!pairs || pairs.length === 0) return fn();
    for (const p of pairs) {
      const key = p.observed.toLowerCase().trim().replace(/\s+/g, ' ');
      const list = this.userPairs.get(key) ?? [];
      list.push(p.original.toLowerCase().trim().replace(/\s+/g, ' '));
      this.userPairs.set(key, list);
    }
    try {
      return fn();
    } finally {
      this.userPairs.clear();
    }
  }

  /**
   * Candidates for the observed span whose lower-case words are `norms` (1 to 4 words).
   * `isNumber` marks a single digit token.
   */
  forSpan(norms: readonly string[], isNumber = false): readonly Template[] {
    const key = norms.join(' ');
    const user = this.userPairs.size > 0 ? this.userPairs.get(key) : undefined;
    let list = this.spanCache.get(key);
    if (!list) {
      list = isNumber ? this.numberCandidates(key) : this.build(norms, key);
      if (this.spanCache.size > 500_000) this.spanCache.clear();
      this.spanCache.set(key, list);
    }
    if (!user) return list;
    const extra: Template[] = [];
    for (const u of user) {
      const t = this.template(u, u, KIND.user, norms.length, 0, 0, 1, -1);
      if (t) extra.push(t);
    }
    return [...extra, ...list];
  }

  private numberCandidates(digits: string): readonly Template[] {
    const word = numberWord(digits);
    const t = word ? this.template(word, word, KIND.number, 1, 0, 0, 1, -1) : undefined;
    return t ? [t] : EMPTY;
  }

  private build(norms: readonly string[], key: string): readonly Template[] {
    const out = new Map<string, Template>();
    const add = (t: Template | undefined) => {
      if (!t || t.surface === key) return;
      const prev = out.get(t.surface);
      if (!prev || prev.score < t.score) out.set(t.surface, t);
    };
    if (norms.length === 1) {
      const w = norms[0];
      if (!STOPWORDS.has(w)) {
        for (const a of this.analyses(w)) this.addThesaurus(a.lemma, a.form, a.pos, 1, add);
        for (const v of spellingVariants(w)) {
          if (this.lm.id(v) >= 0) add(this.template(v, v, KIND.spelling, 1, 0, 0, 1, -1));
        }
      }
    } else {
      // Phrases: the head may be inflected, first word for verb phrases, last for noun phrases.
      this.addThesaurus(key, 'base', 0, norms.length, add);
      const last = norms.length - 1;
      for (const a of this.analyses(norms[0])) {
        if (a.form !== 'base')
          this.addThesaurus([a.lemma, ...norms.slice(1)].join(' '), a.form, a.pos, norms.length, add);
      }
      for (const a of this.analyses(norms[last])) {
        if (a.form !== 'base')
          this.addThesaurus([...norms.slice(0, last), a.lemma].join(' '), a.form, a.pos, norms.length, add);
      }
      this.addFillers(norms, add);
    }
    const sorted = [...out.values()].sort((a, b) => b.score - a.score);
    return sorted.length > this.config.maxPerSpan ? sorted.slice(0, this.config.maxPerSpan) : sorted;
  }

  private addThesaurus(
    observedLemma: string,
    form: string,
    pos: number,
    spanWords: number,
    add: (t: Template | undefined) => void,
  ): void {
    const id = this.lexicon.lookup(observedLemma);
    if (id < 0) return;
    for (const o of this.lexicon.origins(id)) {
      const lemma = this.lexicon.text(o.id);
      const surface =
        form === 'base' ? lemma : this.morph.inflectPhrase(lemma, form, pos || o.pos || undefined);
      add(this.template(surface, lemma, KIND.thesaurus, spanWords, o.sources, o.pos, o.fanout, o.rank));
    }
  }

  private addFillers(norms: readonly string[], add: (t: Template | undefined) => void): void {
    for (const rule of FILLER_RULES) {
      const fw = rule.filler.split(' ');
      if (norms.length !== fw.length + 1) continue;
      const keptAt = rule.side === 'before' ? norms.length - 1 : 0;
      const fillerPart = rule.side === 'before' ? norms.slice(0, -1) : norms.slice(1);
      if (fillerPart.join(' ') !== rule.filler || !rule.applies(norms[keptAt])) continue;
      add(this.template(norms[keptAt], norms[keptAt], KIND.filler, norms.length, 0, 0, 1, -1));
    }
  }

  private template(
    surface: string,
    lemma: string,
    kind: number,
    spanWords: number,
    sources: number,
    pos: number,
    fanout: number,
    rank: number,
  ): Template | undefined {
    const lmIds = this.lmIds(surface);
    let uni = 0;
    for (const id of lmIds) {
      // An original the language model cannot score cannot be supported by context: skip it.
      if (id < 0 && kind === KIND.thesaurus) return undefined;
      uni = Math.min(uni, this.lm.unigram(id));
    }
    const phi = new Float32Array(NUM_FEATURES);
    phi[F['sub.logFanout']] = -Math.log(Math.max(1, fanout));
    phi[F['sub.mobyForward']] = sources & SOURCE.mobyForward ? 1 : 0;
    phi[F['sub.mobyReverse']] = sources & SOURCE.mobyReverse ? 1 : 0;
    phi[F['sub.wordnetSynset']] = sources & SOURCE.wordnetSynset ? 1 : 0;
    phi[F['sub.wordnetRelated']] = sources & SOURCE.wordnetRelated ? 1 : 0;
    phi[F['sub.logRank']] = rank >= 0 ? Math.log1p(rank) : 0;
    phi[F['sub.origUnigram']] = uni;
    phi[F['sub.extraSpanWords']] = spanWords - 1;
    phi[F['sub.extraOrigWords']] = lmIds.length - 1;
    phi[F['sub.posShared']] = pos ? 1 : 0;
    if (kind === KIND.number) phi[F['kind.number']] = 1;
    if (kind === KIND.filler) phi[F['kind.filler']] = 1;
    if (kind === KIND.spelling) phi[F['kind.spelling']] = 1;
    if (kind === KIND.user) phi[F['kind.user']] = 1;
    return { surface, lemma, lmIds, kind, phi, score: staticScore(this.weights, phi) };
  }
}
