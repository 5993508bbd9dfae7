/**
 * Candidate originals for observed spans: what could a spinner have started from to produce this?
 *
 * Candidates for an observed span do not depend on the document, so they are built once per
 * distinct span text and cached (word frequencies are Zipfian: the cache serves almost every look-up
 * in a large batch). Document-specific evidence (context, the document's own vocabulary) is added
 * by the lattice builder.
 */

import { GenerationalCache } from '../cache.js';
import { FORMS, type Form } from '../lexicon/morph.js';
import type { TermIndex, WordSlots } from '../lexicon/terms.js';
import type { Lexicon, Origin } from '../lexicon/types.js';
import { SOURCE } from '../lexicon/types.js';
import type { CollocationIndex } from '../lm/collocations.js';
import type { LanguageModel } from '../lm/types.js';
import { FILLER_RULES, numberWord, STOPWORDS, spellingVariants } from './channels.js';
import { F, NUM_FEATURES, staticScore } from './features.js';
import type { FrequencyTable } from './frequencies.js';
import { bestIndices } from './rank.js';
import { PhraseStarts } from './vocabulary.js';

/**
 * Language-model ids of a reading's words. A plain array of small integers: V8 stores it in about 56 bytes
 * where a one-element Int32Array takes about 208, and the caches hold hundreds of thousands of them.
 */
export type LmIds = readonly number[];

/** The channel that proposes a candidate. */
export const KIND = {
  keep: 0,
  thesaurus: 1,
  number: 2,
  filler: 3,
  spelling: 4,
  user: 5,
  term: 6,
  collocation: 7,
} as const;
export const KIND_NAMES = [
  'keep',
  'thesaurus',
  'number',
  'filler',
  'spelling',
  'user',
  'term',
  'collocation',
] as const;

/** A document-independent candidate reading of an observed span. */
export interface Template {
  /** The original as it would read here, lower case (already re-inflected). */
  surface: string;
  /** The original's lemma or phrase (for matching the document's vocabulary). */
  lemma: string;
  /** Language-model ids of the surface words (-1 for words the model does not know). */
  lmIds: LmIds;
  kind: number;
  /**
   * Static features (the `lm`, `sub.docHasOriginal` and `sub.capMid` slots are filled per document);
   * kept only when the source was created for training, to keep the cache small otherwise.
   */
  phi?: Float32Array;
  /** Weighted sum of the static features. */
  score: number;
  /** Context-free log10 probability of the surface (sum of its words' unigrams). */
  prior: number;
}

/** One reading of an observed word: its lemma, the form it is in, and the part of speech that form implies. */
export interface Analysis {
  lemma: string;
  form: string;
  pos: number;
}

/** What the lemmatiser and re-inflector provide (src/lexicon/morph.ts). */
export interface Morphology {
  analyze(word: string, isKnown: (lemma: string) => boolean): Analysis[];
  inflectPhrase(phrase: string, form: string, pos?: number): string;
  /**
   * Every word `inflectPhrase(word, form, pos)` can give for a single word, whatever `pos`; with it, the
   * term channel rules an original out once per form instead of inflecting it for every observed word.
   */
  inflectionsOf?(word: string, form: string): string[];
}

export interface CandidateConfig {
  /** Most candidates kept per observed span before context is looked at. */
  maxPerSpan: number;
  /** Keep each candidate's feature vector (for fitting weights). */
  features?: boolean;
}

const EMPTY: readonly Template[] = [];
/** Longest observed span (words) a reading covers: the lattice reads spans of 1 to this many words. */
export const MAX_SPAN_WORDS = 4;
/**
 * Budgets of the candidate caches, per generation (src/cache.ts keeps two). A template with its
 * strings costs about a hundred bytes, an observed word's term options about 2 kB (27 options on average
 * in news text), a word's language-model ids about 120 bytes and its keep score about 50. Word frequencies
 * are Zipfian, so a few thousand entries serve most look-ups; the budgets keep all the caches to some
 * 100 MB however long the text or batch.
 */
const SPAN_CACHE_COST = 200_000;
/** Ranking keys of observed entries' originals (8 bytes each): at most 1.6 MB per generation. */
const ORIGIN_KEYS = 200_000;
const TERM_OPTION_WORDS = 8_000;
const LM_ID_SURFACES = 60_000;
const KEEP_WORDS = 30_000;
const ANALYSED_WORDS = 20_000;
const ASCII = /^[\x20-\x7e]*$/;
/** First words of the filler rules: a phrase holds a filler only if it starts with one or has one second. */
const FILLER_STARTS = new Set(FILLER_RULES.map((r) => r.filler.split(' ')[0]));
/** Observed words whose single-word originals are kept for the collocation channel. */
const WORD_OPTION_CACHE = 5_000;
/** Most collocation readings proposed for one observed pair (the best by channel and context-free score). */
const MAX_COLLOCATIONS = 16;

export class CandidateSource {
  /** Candidates per span text; a span costs one plus its number of templates. */
  private readonly spanCache = new GenerationalCache<string, readonly Template[]>(
    SPAN_CACHE_COST,
    (list) => 1 + list.length,
  );
  private readonly lmIdCache = new GenerationalCache<string, LmIds>(LM_ID_SURFACES);
  /** Weighted static score of keeping a word, and (training only) its feature vector. */
  private readonly keepScoreCache = new GenerationalCache<string, number>(KEEP_WORDS);
  private readonly keepCache = new GenerationalCache<string, Float32Array>(KEEP_WORDS);
  private readonly userPairs = new Map<string, string[]>();
  /** Per lexicon entry: log10 frequency (sum of its words' unigrams), and log10 of the summed frequency of its synonyms; NaN until needed. */
  private readonly entryLogFreq: Float32Array;
  private readonly synonymLogMass: Float32Array;
  private readonly entryLm: Array<LmIds | undefined>;
  private readonly scratch = new Float32Array(NUM_FEATURES);
  /** Multiword terms proposed as phrase-level originals (see `useTerms`). */
  private terms: TermIndex | undefined;
  private readonly termOptionCache = new GenerationalCache<string, TermChoices>(TERM_OPTION_WORDS);
  /** Per observed entry and span length, its originals' ranking keys (see originKeys). */
  private readonly originKeyCache = new GenerationalCache<number, Float64Array>(
    ORIGIN_KEYS,
    (k) => 1 + k.length,
  );
  /** Per lexicon entry and form: 0 not known yet, 1 no inflection is a term word, 2 one may be. */
  private termReach: Uint8Array | undefined;
  private readonly analysisCache = new GenerationalCache<string, readonly Analysis[]>(ANALYSED_WORDS);
  /** See originStarts (built on first use). */
  private originStartSet: PhraseStarts | undefined;
  /** First two words of the lexicon's multiword entries (built on first use; see lexiconStarts). */
  private entryStarts: { all: PhraseStarts; withOrigins: PhraseStarts } | undefined;
  /**
   * Drafts are reused from one build to the next (a new word drafts hundreds, and none outlives its build:
   * `finish` copies what a template keeps), so building allocates only the templates it returns.
   */
  private readonly draftPool: Draft[] = [];
  private draftsUsed = 0;
  /** Collocations of the language model, proposed as originals of observed word pairs (see `useCollocations`). */
  private collocations: CollocationIndex | undefined;
  private readonly wordOptionCache = new Map<string, readonly WordOption[]>();

  constructor(
    readonly lm: LanguageModel,
    readonly lexicon: Lexicon,
    readonly morph: Morphology,
    readonly weights: readonly number[],
    readonly config: CandidateConfig,
    frequencies?: FrequencyTable,
  ) {
    this.entryLogFreq = frequencies?.logFreq ?? new Float32Array(lexicon.size).fill(Number.NaN);
    this.synonymLogMass = frequencies?.synonymLogMass ?? new Float32Array(lexicon.size).fill(Number.NaN);
    this.entryLm = new Array(lexicon.size);
  }

  /**
   * Propose multiword terms (src/lexicon/terms.ts) as originals of observed phrases of the same length
   * whose words are each the term's word or one it could have become; `undefined` turns this off.
   */
  useTerms(terms: TermIndex | undefined): void {
    this.terms = terms;
    this.termReach = undefined;
    this.originStartSet = undefined;
    this.clearSpanCache();
    this.termOptionCache.clear();
  }

  /**
   * Propose the language model's collocations (src/lm/collocations.ts) as originals of observed word pairs
   * that are not collocations themselves, when each word is the collocation's word or one it could have
   * become; `undefined` turns this off.
   */
  useCollocations(index: CollocationIndex | undefined): void {
    this.collocations = index;
    this.originStartSet = undefined;
    this.clearSpanCache();
  }

  private clearSpanCache(): void {
    this.spanCache.clear();
  }

  /**
   * The first two words of every multiword original this source can propose: thesaurus entries and terms.
   * Undefined with the collocation channel on (its originals are pairs of any two words the models know).
   */
  originStarts(): PhraseStarts | undefined {
    if (this.collocations) return undefined;
    if (!this.originStartSet) {
      const starts = this.lexiconStarts().all.clone();
      if (this.terms) for (let id = 0; id < this.terms.size; id++) starts.add(this.terms.text(id));
      this.originStartSet = starts;
    }
    return this.originStartSet;
  }

  /**
   * The first two words of every multiword lexicon entry (`all`: any of them can be an original), and of
   * those that have originals (`withOrigins`: what an observed phrase can be), in one pass.
   */
  private lexiconStarts(): { all: PhraseStarts; withOrigins: PhraseStarts } {
    if (!this.entryStarts) {
      const all = new PhraseStarts();
      const withOrigins = new PhraseStarts();
      const lx = this.lexicon;
      const ids = lx.phraseIds?.() ?? [...Array(lx.size).keys()];
      for (const id of ids) {
        const text = lx.text(id);
        if (!text.includes(' ')) continue;
        all.add(text);
        if ((lx.originCount?.(id) ?? lx.origins(id).length) > 0) withOrigins.add(text);
      }
      this.entryStarts = { all, withOrigins };
    }
    return this.entryStarts;
  }

  /** Compute the frequency table for every entry (scripts/build-frequencies.ts ships it). */
  frequencyTable(): FrequencyTable {
    for (let id = 0; id < this.lexicon.size; id++) this.logChoice(id, id);
    return { logFreq: this.entryLogFreq, synonymLogMass: this.synonymLogMass };
  }

  private logFreq(id: number): number {
    let u = this.entryLogFreq[id];
    if (Number.isNaN(u)) {
      u = 0;
      for (const w of this.entryLmIds(id)) u += this.lm.unigram(w);
      this.entryLogFreq[id] = u;
    }
    return u;
  }

  /** log10 P(observed | original) if a spinner drew the original's synonyms in proportion to frequency. */
  private logChoice(observedId: number, originalId: number): number {
    let mass = this.synonymLogMass[originalId];
    if (Number.isNaN(mass)) {
      let sum = 0;
      for (const s of this.lexicon.synonyms(originalId)) sum += 10 ** this.logFreq(s);
      mass = sum > 0 ? Math.log10(sum) : 0;
      this.synonymLogMass[originalId] = mass;
    }
    return Math.min(0, this.logFreq(observedId) - mass);
  }

  /** Language-model ids for a lower-case surface string; hyphenated words the model lacks are split. */
  lmIds(surface: string): LmIds {
    let ids = this.lmIdCache.get(surface);
    if (ids) return ids;
    if (!surface.includes(' ') && !surface.includes('-')) ids = [this.lm.id(surface)];
    else {
      const out: number[] = [];
      for (const w of surface.split(' ')) {
        const id = this.lm.id(w);
        if (id >= 0 || !w.includes('-')) out.push(id);
        else for (const part of w.split('-')) if (part) out.push(this.lm.id(part));
      }
      // slice() gives an array of exactly this length (push leaves spare capacity for growth).
      ids = out.slice();
    }
    this.lmIdCache.set(surface, ids);
    return ids;
  }

  /**
   * Features of keeping an observed word (capitalisation is added per document). Without `features` the
   * vector is a scratch buffer, valid until the next call.
   */
  keepFeatures(norm: string): Float32Array {
    let phi = this.keepCache.get(norm);
    if (phi) return phi;
    phi = this.config.features ? new Float32Array(NUM_FEATURES) : this.scratch.fill(0);
    phi[F.keep] = 1;
    const ids = this.lmIds(norm);
    phi[F['keep.obsUnigram']] = this.unigrams(ids).uni;
    phi[F['keep.obsOov']] = ids.includes(-1) ? 1 : 0;
    phi[F['keep.stopword']] = STOPWORDS.has(norm) ? 1 : 0;
    phi[F['keep.logOrigins']] = Math.log1p(this.originCount(norm));
    // Only training reads the vectors again; checking needs the score alone (keepScore caches it).
    if (this.config.features) this.keepCache.set(norm, phi);
    return phi;
  }

  /** The weighted static score of keeping an observed word (capitalisation and repeats are added per document). */
  keepScore(norm: string): number {
    let s = this.keepScoreCache.get(norm);
    if (s === undefined) {
      s = staticScore(this.weights, this.keepFeatures(norm));
      this.keepScoreCache.set(norm, s);
    }
    return s;
  }

  private originCount(norm: string): number {
    if (STOPWORDS.has(norm)) return 0;
    let n = 0;
    for (const a of this.analyses(norm)) {
      const id = this.lexicon.lookup(a.lemma);
      if (id >= 0)
        n += this.lexicon.originCount ? this.lexicon.originCount(id) : this.lexicon.origins(id).length;
    }
    return n;
  }

  /** The (lemma, form) readings of an observed word (cached: every span that holds the word asks again). */
  analyses(word: string): readonly Analysis[] {
    let a = this.analysisCache.get(word);
    if (!a) {
      a = this.morph.analyze(word, (l) => this.lexicon.lookup(l) >= 0);
      this.analysisCache.set(word, a);
    }
    return a;
  }

  /**
   * Whether `build` could find a candidate for a phrase (two or more words): each of its channels' entry
   * tests, without their work.
   */
  private phraseMayHaveCandidates(norms: readonly string[]): boolean {
    return (
      FILLER_STARTS.has(norms[0]) ||
      FILLER_STARTS.has(norms[1]) ||
      (this.collocations !== undefined && norms.length === 2) ||
      (this.terms !== undefined && this.termChoices(norms) !== undefined) ||
      this.phraseMayBeEntry(norms)
    );
  }

  /**
   * Whether the thesaurus could have an original for an observed phrase: some multiword entry with
   * originals starts with its first two words, or with the lemma of the first (or, for two words, of the
   * second) in their place, as `build` would look them up. Most phrases of running text fail this test,
   * and it saves them the look-ups and the cache entry.
   */
  private phraseMayBeEntry(norms: readonly string[]): boolean {
    const starts = this.lexiconStarts().withOrigins;
    const [w0, w1] = norms;
    // Look-ups normalise Unicode (NFC); the set holds entries as stored, so non-ASCII words take the full path.
    // A hash collision only sends a phrase down the full path, which finds nothing: same result.
    if (!ASCII.test(w0) || !ASCII.test(w1)) return true;
    if (starts.hasPair(w0, w1)) return true;
    for (const a of this.analyses(w0)) if (a.form !== 'base' && starts.hasPair(a.lemma, w1)) return true;
    if (norms.length === 2) {
      for (const a of this.analyses(w1)) if (a.form !== 'base' && starts.hasPair(w0, a.lemma)) return true;
    }
    return false;
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
    // Most phrases of running text can have no candidate: rule them out before making a key string.
    if (norms.length > 1 && this.userPairs.size === 0 && !this.phraseMayHaveCandidates(norms)) return EMPTY;
    const key = norms.join(' ');
    const user = this.userPairs.size > 0 ? this.userPairs.get(key) : undefined;
    let list = this.spanCache.get(key);
    if (!list) {
      list = isNumber ? this.numberCandidates(key) : this.build(norms, key);
      // Most phrases of running text have no candidates and recur rarely; finding that out again is
      // cheap (see phraseMayBeEntry), and caching them would crowd out the words, which recur.
      if (list.length > 0 || norms.length === 1) this.spanCache.set(key, list);
    }
    if (!user) return list;
    const extra: Template[] = [];
    for (const u of user) {
      const t = this.template(u, KIND.user, norms.length);
      if (t) extra.push(t);
    }
    return [...extra, ...list];
  }

  private numberCandidates(digits: string): readonly Template[] {
    const word = numberWord(digits);
    const t = word ? this.template(word, KIND.number, 1) : undefined;
    return t ? [t] : EMPTY;
  }

  private build(norms: readonly string[], key: string): readonly Template[] {
    this.draftsUsed = 0;
    // Thesaurus originals come first, as runs ranked by cached keys; other channels' drafts follow.
    const runs: ThesaurusRun[] = [];
    const drafts: Draft[] = [];
    if (norms.length === 1) {
      const w = norms[0];
      if (!STOPWORDS.has(w)) {
        for (const a of this.analyses(w)) this.addThesaurus(a.lemma, a.form, a.pos, 1, runs);
        for (const v of spellingVariants(w)) {
          if (this.lm.id(v) >= 0) drafts.push(this.draft(v, v, KIND.spelling, 1, 0, 0, 1, -1, 0));
        }
      }
    } else {
      // Phrases: the head may be inflected, first word for verb phrases, last for noun phrases.
      if (this.phraseMayBeEntry(norms)) {
        this.addThesaurus(key, 'base', 0, norms.length, runs);
        const last = norms.length - 1;
        for (const a of this.analyses(norms[0])) {
          if (a.form !== 'base')
            this.addThesaurus([a.lemma, ...norms.slice(1)].join(' '), a.form, a.pos, norms.length, runs);
        }
        for (const a of this.analyses(norms[last])) {
          if (a.form !== 'base')
            this.addThesaurus(
              [...norms.slice(0, last), a.lemma].join(' '),
              a.form,
              a.pos,
              norms.length,
              runs,
            );
        }
      }
      if (FILLER_STARTS.has(norms[0]) || FILLER_STARTS.has(norms[1])) this.addFillers(norms, drafts);
      if (this.terms) this.addTerms(norms, key, drafts);
      if (this.collocations && norms.length === 2) this.addCollocations(norms, drafts);
    }
    // Rank before context is known by the channel score plus the context-free language-model score
    // of the original, the best guess of the local score without context. Drafts are ranked on the
    // original's lemma; only the best are inflected and get a full feature vector.
    const wLm = this.weights[F.lm];
    const M = this.config.maxPerSpan;
    let inRuns = 0;
    for (const r of runs) inRuns += r.keys.length;
    const keys = new Float64Array(inRuns + drafts.length);
    let at = 0;
    for (const r of runs) {
      keys.set(r.keys, at);
      at += r.keys.length;
    }
    for (let i = 0; i < drafts.length; i++) keys[at + i] = drafts[i].score + wLm * drafts[i].prior;
    const out = new Map<string, Template>();
    for (const i of bestIndices(keys, 2 * M + 8)) {
      const t = this.finish(i < inRuns ? this.runDraft(runs, i) : drafts[i - inRuns]);
      if (!t || t.surface === key) continue;
      const prev = out.get(t.surface);
      if (!prev || prev.score < t.score) out.set(t.surface, t);
    }
    const sorted = [...out.values()].sort((a, b) => b.score + wLm * b.prior - (a.score + wLm * a.prior));
    return sorted.length > M ? sorted.slice(0, M) : sorted;
  }

  /** The originals of an observed lemma (or phrase) in a form, as a run to rank (none when unknown). */
  private addThesaurus(
    observedLemma: string,
    form: string,
    pos: number,
    spanWords: number,
    out: ThesaurusRun[],
  ): void {
    const id = this.lexicon.lookup(observedLemma);
    if (id < 0) return;
    const keys = this.originKeys(id, spanWords);
    if (keys.length > 0) out.push({ id, form, pos, spanWords, keys });
  }

  /**
   * The ranking key (draft score plus weighted prior) of each original of observed entry `id`, in the
   * lexicon's order. Keys depend on the entry and span length only, not on the form, so the several
   * analyses of a word and the other forms of its lemma share them; only the best are made drafts.
   */
  private originKeys(id: number, spanWords: number): Float64Array {
    const cacheable = spanWords <= MAX_SPAN_WORDS;
    const cacheKey = id * MAX_SPAN_WORDS + spanWords - 1;
    let keys = cacheable ? this.originKeyCache.get(cacheKey) : undefined;
    if (keys) return keys;
    const origins = this.lexicon.origins(id);
    const wLm = this.weights[F.lm];
    keys = new Float64Array(origins.length);
    const mark = this.draftsUsed;
    for (let j = 0; j < origins.length; j++) {
      const d = this.thesaurusDraft(id, origins[j], spanWords);
      keys[j] = d.score + wLm * d.prior;
      this.draftsUsed = mark;
    }
    if (cacheable) this.originKeyCache.set(cacheKey, keys);
    return keys;
  }

  private thesaurusDraft(id: number, o: Origin, spanWords: number): Draft {
    return this.draft(
      undefined,
      o.id,
      KIND.thesaurus,
      spanWords,
      o.sources,
      o.pos,
      o.fanout,
      o.rank,
      Math.LN10 * this.logChoice(id, o.id),
    );
  }

  /** The draft of the i-th original over the runs, in the form of its run. */
  private runDraft(runs: readonly ThesaurusRun[], i: number): Draft {
    let r = 0;
    while (i >= runs[r].keys.length) i -= runs[r++].keys.length;
    const run = runs[r];
    const o = this.lexicon.origins(run.id)[i];
    const d = this.thesaurusDraft(run.id, o, run.spanWords);
    d.form = run.form;
    d.formPos = run.pos || o.pos || undefined;
    return d;
  }

  private addFillers(norms: readonly string[], out: Draft[]): void {
    for (const rule of FILLER_RULES) {
      const fw = rule.filler.split(' ');
      if (norms.length !== fw.length + 1) continue;
      const keptAt = rule.side === 'before' ? norms.length - 1 : 0;
      const fillerPart = rule.side === 'before' ? norms.slice(0, -1) : norms.slice(1);
      if (fillerPart.join(' ') !== rule.filler || !rule.applies(norms[keptAt])) continue;
      out.push(this.draft(norms[keptAt], norms[keptAt], KIND.filler, norms.length, 0, 0, 1, -1, 0));
    }
  }

  /**
   * Term candidates: terms of the span's length whose every word is the observed word or an original the
   * observed word could stand for, at least one of them different. Scored like a thesaurus phrase: the
   * channel features add up over the changed words (fan-outs multiply, choice log-probabilities add). An
   * observed phrase that is itself a term is an established collocation and gets none.
   */
  private addTerms(norms: readonly string[], key: string, out: Draft[]): void {
    const terms = this.terms!;
    const choices = this.termChoices(norms);
    if (!choices || terms.lookup(key) >= 0) return;
    for (const m of terms.match(
      choices.map((c) => c.slots),
      choices.map((c) => c.reach),
    )) {
      const c = combinePicks(m.picks.map((slot, p) => optionAt(choices[p], slot)));
      if (c.changed === 0) continue;
      const surface = terms.text(m.term);
      out.push(
        this.draft(surface, surface, KIND.term, norms.length, c.sources, c.pos, c.fanout, c.rank, c.choice),
      );
    }
  }

  /**
   * The term options of each word of a phrase, or undefined when the phrase can match no term: too long, a
   * position whose word reaches no term of this length at that place (most phrases), or no word that could
   * stand for another.
   */
  private termChoices(norms: readonly string[]): TermChoices[] | undefined {
    const terms = this.terms!;
    if (norms.length > terms.maxWords) return undefined;
    const at = norms.length * terms.maxWords;
    const choices: TermChoices[] = [];
    let changeable = false;
    for (let p = 0; p < norms.length; p++) {
      const c = this.termOptions(norms[p]);
      if (c.reach[at + p] === 0) return undefined;
      if (c.slots.size > 1) changeable = true;
      choices.push(c);
    }
    return changeable ? choices : undefined;
  }

  /**
   * What an observed word could stand for inside a term: itself (slot 0), and its single-word originals
   * re-inflected, those some term has. Cached per word in packed form (see TermChoices).
   */
  private termOptions(norm: string): TermChoices {
    let m = this.termOptionCache.get(norm);
    if (m) return m;
    const terms = this.terms!;
    const words: string[] = [];
    const ints: number[] = [];
    const choice: number[] = [];
    this.forEachWordOrigin(
      norm,
      (surface) => terms.hasWord(surface),
      (surface, o) => {
        words.push(surface);
        ints.push(o.fanout, o.sources, o.pos, o.rank);
        choice.push(o.choice);
      },
      (id, slot) => this.termFormReach(id, slot),
    );
    const slots = terms.slots(norm, words);
    m = {
      slots,
      ints: Int32Array.from(ints),
      choice: Float64Array.from(choice),
      reach: terms.reachCounts(slots),
    };
    this.termOptionCache.set(norm, m);
    return m;
  }

  /**
   * Whether some inflection of lexicon entry `id` in the form FORMS[slot] (for any part of speech) is a
   * word of some term: most originals of a word are not, and this rules them out with one look-up once it
   * has been asked for that entry and form. True when the morphology cannot list the inflections.
   */
  private termFormReach(id: number, slot: number): boolean {
    const inflections = this.morph.inflectionsOf;
    if (slot < 0 || !inflections) return true;
    this.termReach ??= new Uint8Array(this.lexicon.size * FORMS.length);
    const at = id * FORMS.length + slot;
    let v = this.termReach[at];
    if (v === 0) {
      const text = this.lexicon.text(id);
      const terms = this.terms!;
      v = !text.includes(' ') && inflections(text, FORMS[slot]).some((w) => terms.hasWord(w)) ? 2 : 1;
      this.termReach[at] = v;
    }
    return v === 2;
  }

  /**
   * The observed word itself, then every single-word original it could stand for that the language model
   * knows (collocations are pairs of its words), with language-model ids.
   */
  private wordOptions(norm: string): readonly WordOption[] {
    let list = this.wordOptionCache.get(norm);
    if (list) return list;
    const out: WordOption[] = [{ ...SAME_WORD, surface: norm, lmId: this.lm.id(norm) }];
    // `fn` is called right after `want` accepted the same surface: look its id up once.
    let lmId = -1;
    this.forEachWordOrigin(
      norm,
      (surface) => {
        lmId = this.lm.id(surface);
        return lmId >= 0;
      },
      (surface, option) => out.push({ ...option, surface, lmId }),
    );
    list = out;
    if (this.wordOptionCache.size >= WORD_OPTION_CACHE) this.wordOptionCache.clear();
    this.wordOptionCache.set(norm, list);
    return list;
  }

  /**
   * Every single-word original an observed word could stand for, re-inflected to its form, once per surface
   * (the first analysis that reaches it): `fn` gets those that `want` accepts, with the channel evidence of
   * the swap; the filter comes first so that only the options a channel uses are made. None for stopwords.
   * `mayWant(id, slot)`, when given, is false only for originals whose every inflection in the form of
   * FORMS[slot] (-1: a form not listed there) `want` rejects.
   */
  private forEachWordOrigin(
    norm: string,
    want: (surface: string) => boolean,
    fn: (surface: string, option: TermOption) => void,
    mayWant?: (id: number, slot: number) => boolean,
  ): void {
    if (STOPWORDS.has(norm)) return;
    const seen = new Set<string>([norm]);
    for (const a of this.analyses(norm)) {
      const id = this.lexicon.lookup(a.lemma);
      if (id < 0) continue;
      const slot = FORMS.indexOf(a.form as Form);
      for (const o of this.lexicon.origins(id)) {
        if (mayWant && !mayWant(o.id, slot)) continue;
        const text = this.lexicon.text(o.id);
        if (text.includes(' ')) continue;
        const surface =
          a.form === 'base' ? text : this.morph.inflectPhrase(text, a.form, a.pos || o.pos || undefined);
        // The filter first: most surfaces fail it, and those need no place in `seen`.
        if (!want(surface) || seen.has(surface)) continue;
        seen.add(surface);
        fn(surface, {
          same: false,
          fanout: o.fanout,
          sources: o.sources,
          pos: o.pos,
          rank: o.rank,
          choice: Math.LN10 * this.logChoice(id, o.id),
        });
      }
    }
  }

  /**
   * Collocation candidates for an observed pair that is not a collocation itself: every collocation "a b"
   * of the language model where a is the first observed word or an original it could stand for, b likewise
   * for the second, and at least one differs. Channel features add up over the changed words as for terms;
   * the context-free score is the pair's own log-probability (a's unigram plus log P(b | a)), not the sum of
   * unigrams, since association is the whole point. The best MAX_COLLOCATIONS are kept.
   */
  private addCollocations(norms: readonly string[], out: Draft[]): void {
    const index = this.collocations!;
    const observed0 = this.lm.id(norms[0]);
    const observed1 = this.lm.id(norms[1]);
    if (observed0 >= 0 && observed1 >= 0 && !Number.isNaN(index.association(observed0, observed1))) return;
    const first = this.wordOptions(norms[0]);
    const second = this.wordOptions(norms[1]);
    if (first.length <= 1 && second.length <= 1) return;
    const secondById = new Map<number, WordOption>();
    for (const o of second) if (o.lmId >= 0 && !secondById.has(o.lmId)) secondById.set(o.lmId, o);
    const found: Draft[] = [];
    const wLm = this.weights[F.lm];
    const consider = (p0: WordOption, p1: WordOption, association: number) => {
      if (p0.same && p1.same) return;
      const c = combinePicks([p0, p1]);
      const surface = `${p0.surface} ${p1.surface}`;
      const d = this.draft(
        surface,
        surface,
        KIND.collocation,
        2,
        c.sources,
        c.pos,
        c.fanout,
        c.rank,
        c.choice,
        association,
      );
      d.prior = this.lm.unigram(p0.lmId) + this.lm.unigram(p1.lmId) + association;
      found.push(d);
    };
    for (const p0 of first) {
      if (p0.lmId < 0) continue;
      const n = index.countAfter(p0.lmId);
      if (n === 0) continue;
      // Walk the shorter side: the collocations of this first word, or the second word's options.
      if (n <= 4 * secondById.size) {
        index.forEachAfter(p0.lmId, (b, association) => {
          const p1 = secondById.get(b);
          if (p1) consider(p0, p1, association);
        });
      } else {
        for (const [b, p1] of secondById) {
          const association = index.association(p0.lmId, b);
          if (!Number.isNaN(association)) consider(p0, p1, association);
        }
      }
    }
    if (found.length > MAX_COLLOCATIONS) {
      found.sort((a, b) => b.score + wLm * b.prior - (a.score + wLm * a.prior));
      found.length = MAX_COLLOCATIONS;
    }
    for (const d of found) out.push(d);
  }

  /** Language-model ids of a lexicon entry's text (cached per entry). */
  private entryLmIds(id: number): LmIds {
    let ids = this.entryLm[id];
    if (!ids) {
      ids = this.lmIds(this.lexicon.text(id));
      this.entryLm[id] = ids;
    }
    return ids;
  }

  /** Write the static features of a candidate into `phi` (zeroed first). */
  private fill(phi: Float32Array, d: Draft, lmIds: LmIds, uni: number): void {
    phi.fill(0);
    phi[F['sub.logFanout']] = -Math.log(Math.max(1, d.fanout));
    phi[F['sub.logChoice']] = d.choice;
    phi[F['sub.mobyForward']] = d.sources & SOURCE.mobyForward ? 1 : 0;
    phi[F['sub.mobyReverse']] = d.sources & SOURCE.mobyReverse ? 1 : 0;
    phi[F['sub.wordnetSynset']] = d.sources & SOURCE.wordnetSynset ? 1 : 0;
    phi[F['sub.wordnetRelated']] = d.sources & SOURCE.wordnetRelated ? 1 : 0;
    phi[F['sub.logRank']] = d.rank >= 0 ? Math.log1p(d.rank) : 0;
    phi[F['sub.origUnigram']] = uni;
    phi[F['sub.extraSpanWords']] = d.spanWords - 1;
    phi[F['sub.extraOrigWords']] = lmIds.length - 1;
    phi[F['sub.posShared']] = d.pos ? 1 : 0;
    if (d.kind === KIND.number) phi[F['kind.number']] = 1;
    if (d.kind === KIND.filler) phi[F['kind.filler']] = 1;
    if (d.kind === KIND.spelling) phi[F['kind.spelling']] = 1;
    if (d.kind === KIND.user) phi[F['kind.user']] = 1;
    if (d.kind === KIND.collocation) {
      phi[F['kind.collocation']] = 1;
      phi[F['sub.association']] = d.association;
    }
    if (d.kind === KIND.term) phi[F['kind.term']] = 1;
  }

  private unigrams(lmIds: LmIds): { uni: number; prior: number } {
    let uni = 0;
    let prior = 0;
    for (const id of lmIds) {
      const u = this.lm.unigram(id);
      uni = Math.min(uni, u);
      prior += u;
    }
    return { uni, prior };
  }

  /**
   * A cheap candidate: scored on the original's base form. `surface` is given for candidates that
   * need no inflection; thesaurus drafts name the original by entry id and are inflected in `finish`.
   */
  private draft(
    surface: string | undefined,
    lemma: string | number,
    kind: number,
    spanWords: number,
    sources: number,
    pos: number,
    fanout: number,
    rank: number,
    choice: number,
    association = 0,
  ): Draft {
    const lmIds = typeof lemma === 'number' ? this.entryLmIds(lemma) : this.lmIds(surface ?? lemma);
    let uni = 0;
    let prior = 0;
    for (let i = 0; i < lmIds.length; i++) {
      const u = this.lm.unigram(lmIds[i]);
      uni = Math.min(uni, u);
      prior += u;
    }
    let d = this.draftPool[this.draftsUsed];
    if (d === undefined) {
      d = { ...BLANK_DRAFT };
      this.draftPool.push(d);
    }
    this.draftsUsed++;
    d.surface = surface;
    d.lemma = lemma;
    d.form = undefined;
    d.formPos = undefined;
    d.kind = kind;
    d.spanWords = spanWords;
    d.sources = sources;
    d.pos = pos;
    d.fanout = fanout;
    d.rank = rank;
    d.choice = choice;
    d.association = association;
    d.prior = prior;
    d.score = this.draftScore(d, lmIds.length, uni);
    return d;
  }

  /**
   * What `staticScore` gives for the vector `fill` writes, without writing it: the same products summed in
   * feature order over the same float32 values (the terms `fill` leaves at zero add nothing), so the score is
   * the same to the last bit. Drafts are made for every original of a word, hundreds for common ones.
   */
  private draftScore(d: Draft, words: number, uni: number): number {
    const w = this.weights;
    const f = Math.fround;
    let s = 0;
    s += w[F['sub.logFanout']] * f(-Math.log(Math.max(1, d.fanout)));
    s += w[F['sub.logChoice']] * f(d.choice);
    if (d.sources & SOURCE.mobyForward) s += w[F['sub.mobyForward']];
    if (d.sources & SOURCE.mobyReverse) s += w[F['sub.mobyReverse']];
    if (d.sources & SOURCE.wordnetSynset) s += w[F['sub.wordnetSynset']];
    if (d.sources & SOURCE.wordnetRelated) s += w[F['sub.wordnetRelated']];
    if (d.rank >= 0) s += w[F['sub.logRank']] * f(Math.log1p(d.rank));
    s += w[F['sub.origUnigram']] * f(uni);
    s += w[F['sub.extraSpanWords']] * (d.spanWords - 1);
    s += w[F['sub.extraOrigWords']] * (words - 1);
    if (d.pos) s += w[F['sub.posShared']];
    if (d.kind === KIND.number) s += w[F['kind.number']];
    if (d.kind === KIND.filler) s += w[F['kind.filler']];
    if (d.kind === KIND.spelling) s += w[F['kind.spelling']];
    if (d.kind === KIND.user) s += w[F['kind.user']];
    if (d.kind === KIND.collocation) {
      s += w[F['kind.collocation']];
      s += w[F['sub.association']] * f(d.association);
    }
    if (d.kind === KIND.term) s += w[F['kind.term']];
    return s;
  }

  /** Inflect a draft and give it its full feature vector; undefined when the model cannot score it. */
  private finish(d: Draft): Template | undefined {
    const lemma = typeof d.lemma === 'number' ? this.lexicon.text(d.lemma) : d.lemma;
    const surface =
      d.surface ?? (d.form && d.form !== 'base' ? this.morph.inflectPhrase(lemma, d.form, d.formPos) : lemma);
    // An original left in its base form has its entry's ids (an array look-up, not a string hash).
    const lmIds =
      typeof d.lemma === 'number' && surface === lemma ? this.entryLmIds(d.lemma) : this.lmIds(surface);
    // An original the language model cannot score cannot be supported by context: skip it.
    if ((d.kind === KIND.thesaurus || d.kind === KIND.term) && lmIds.includes(-1)) return undefined;
    const { uni, prior } = this.unigrams(lmIds);
    const phi = this.config.features ? new Float32Array(NUM_FEATURES) : this.scratch;
    this.fill(phi, d, lmIds, uni);
    const score = staticScore(this.weights, phi);
    return { surface, lemma, lmIds, kind: d.kind, phi: this.config.features ? phi : undefined, score, prior };
  }

  /** A ready template for a candidate that needs no inflection (numbers, user pairs). */
  private template(surface: string, kind: number, spanWords: number): Template | undefined {
    return this.finish(this.draft(surface, surface, kind, spanWords, 0, 0, 1, -1, 0));
  }
}

/** One word an observed word could stand for inside a term, with the channel evidence of that swap. */
interface TermOption {
  same: boolean;
  fanout: number;
  sources: number;
  pos: number;
  rank: number;
  choice: number;
}

const SAME_WORD: TermOption = { same: true, fanout: 1, sources: 0, pos: 0, rank: -1, choice: 0 };

/**
 * An observed word's options inside terms, packed for the cache (a Map of words plus an array of evidence
 * cost about twice as much, and a long text keeps thousands of these): `slots` gives each word it could
 * stand for a slot, 0 being the word itself; slot k's channel evidence is at k - 1 in `choice` and at
 * (k - 1) * 4 in `ints` (fanout, sources, pos, rank). The slots hold the term index's word ids, not
 * strings (see WordSlots).
 */
interface TermChoices {
  slots: WordSlots;
  ints: Int32Array;
  choice: Float64Array;
  /** TermIndex.reachCounts of `slots`. */
  reach: Int32Array;
}

function optionAt(c: TermChoices, slot: number): TermOption {
  if (slot === 0) return SAME_WORD;
  const e = c.ints;
  const i = (slot - 1) * 4;
  return {
    same: false,
    fanout: e[i],
    sources: e[i + 1],
    pos: e[i + 2],
    rank: e[i + 3],
    choice: c.choice[slot - 1],
  };
}

/**
 * The channel evidence of a multiword reading, summed over the words that changed (the same words add
 * nothing): fan-outs multiply, choice log-probabilities add, the rank is the worst one.
 */
function combinePicks(picks: readonly TermOption[]): {
  changed: number;
  fanout: number;
  choice: number;
  sources: number;
  pos: number;
  rank: number;
} {
  let changed = 0;
  let fanout = 1;
  let choice = 0;
  let sources = 0;
  let pos = 0;
  let rank = -1;
  for (const p of picks) {
    if (p.same) continue;
    changed++;
    fanout *= Math.max(1, p.fanout);
    choice += p.choice;
    sources |= p.sources;
    pos = p.pos;
    rank = Math.max(rank, p.rank);
  }
  return { changed, fanout, choice, sources, pos, rank };
}

/** A word an observed word could stand for, by its surface and language-model id (-1 if unknown). */
interface WordOption extends TermOption {
  surface: string;
  lmId: number;
}

const BLANK_DRAFT: Draft = {
  surface: undefined,
  lemma: '',
  form: undefined,
  formPos: undefined,
  kind: 0,
  spanWords: 0,
  sources: 0,
  pos: 0,
  fanout: 0,
  rank: 0,
  choice: 0,
  association: 0,
  prior: 0,
  score: 0,
};

/** The thesaurus originals of one observed entry in one form, ranked by cached keys (see originKeys). */
interface ThesaurusRun {
  id: number;
  form: string;
  pos: number;
  spanWords: number;
  keys: Float64Array;
}

/** A candidate before inflection: enough to rank it cheaply. */
interface Draft {
  surface: string | undefined;
  /** The original's text, or its lexicon entry id. */
  lemma: string | number;
  form?: string;
  formPos?: number;
  kind: number;
  spanWords: number;
  sources: number;
  pos: number;
  fanout: number;
  rank: number;
  choice: number;
  /** Association of a collocation reading (0 for others). */
  association: number;
  prior: number;
  score: number;
}
