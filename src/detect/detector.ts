/**
 * One document through the pipeline: tokens → per-sentence lattices → chain decoding → findings
 * and a document score. The Detector holds the loaded models and caches and is reused for every text.
 */

import type { Lexicon } from '../lexicon/types.js';
import type { LanguageModel } from '../lm/types.js';
import { DEFAULT_SEGMENT_CHARS, forEachSegment, type Segment, segmentRanges } from '../text/segments.js';
import { tokenize } from '../text/tokenize.js';
import type { CheckOptions, CheckResult, Finding, Token } from '../types.js';
import { CandidateSource, type Morphology } from './candidates.js';
import { STOPWORDS } from './channels.js';
import { type Decoded, decodeLattice } from './decode.js';
import { documentFeatures, documentScore, type Values, verdictFor } from './docscore.js';
import { F, type Weights } from './features.js';
import { sentenceFindings, substitutionPosteriors } from './findings.js';
import type { FrequencyTable } from './frequencies.js';
import {
  type BuildContext,
  buildLattice,
  type DocumentVocabulary,
  docRateFeature,
  type Lattice,
  type LatticeOptions,
  shiftKeepScores,
} from './lattice.js';
import { VocabularyBuilder } from './vocabulary.js';

export interface DetectorConfig {
  /** Candidates kept per observed span before context (default 40). */
  maxPerSpan?: number;
  /** Substitution edges decoded per position (default 8). */
  perPosition?: number;
  /** Local posterior below which a position is not decoded at all (default 0.002). */
  minLocalPosterior?: number;
  /** Keep candidates' feature vectors so `analyse(…, training = true)` can be used to fit weights. */
  features?: boolean;
  /** Length of the pieces a long text is decoded in (code units; src/text/segments.ts). */
  segmentChars?: number;
}

export interface AnalysedSentence {
  lattice: Lattice;
}

export interface Analysis {
  /** Every token of the text; empty when a long text was analysed piece by piece (`onSentence`). */
  tokens: Token[];
  sentences: AnalysedSentence[];
  words: number;
}

export interface Decoding {
  analysis: Analysis;
  /** Every finding above the report floor and `floor`, confidence calibrated but not scaled by the document score. */
  findings: Finding[];
  /** Substitution posterior of each word position, in text order. */
  subs: Values;
  documentFeatures: number[];
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** Least word positions over which a text's own substitution rate is measured (see `decode`). */
const BLOCK_POSITIONS = 2000;

export class Detector {
  readonly source: CandidateSource;
  private readonly latticeOptions: LatticeOptions;
  private readonly segmentChars: number;

  constructor(
    readonly lm: LanguageModel,
    readonly lexicon: Lexicon,
    readonly morph: Morphology,
    readonly weights: Weights,
    config: DetectorConfig = {},
    frequencies?: FrequencyTable,
  ) {
    this.source = new CandidateSource(
      lm,
      lexicon,
      morph,
      weights.w,
      {
        maxPerSpan: config.maxPerSpan ?? 40,
        features: config.features,
      },
      frequencies,
    );
    this.latticeOptions = {
      perPosition: config.perPosition ?? 8,
      minLocalPosterior: config.minLocalPosterior ?? 0.002,
    };
    this.segmentChars = config.segmentChars ?? DEFAULT_SEGMENT_CHARS;
  }

  /** The word and the lemmas it could stand for (the candidate source caches each word's analyses). */
  private forEachLemma(norm: string, fn: (lemma: string) => void): void {
    fn(norm);
    if (STOPWORDS.has(norm)) return;
    for (const a of this.source.analyses(norm)) fn(a.lemma);
  }

  /**
   * The document's own words, lemmas and short phrases, collected from pieces of its tokens. Only phrases
   * that could be a proposed original are recorded, unless the caller's own pairs add multiword originals.
   */
  private vocabularyOf(
    pieces: (add: (tokens: readonly Token[]) => void) => void,
    options: CheckOptions,
  ): DocumentVocabulary {
    const userPhrases = options.extraPairs?.some((p) => /\s/.test(p.original.trim())) ?? false;
    const builder = new VocabularyBuilder(
      (norm, fn) => this.forEachLemma(norm, fn),
      userPhrases ? undefined : this.source.originStarts(),
    );
    pieces((tokens) => builder.add(tokens));
    return builder.vocabulary();
  }

  /**
   * Tokenise and build every sentence's lattice (with full feature vectors when `training`).
   *
   * With `onSentence`, each lattice is handed over with the tokens it indexes and then dropped, and a long
   * text is tokenised a paragraph-aligned piece at a time (src/text/segments.ts): the document's vocabulary
   * is collected in a first pass over the pieces and the pieces are tokenised again to decode, so memory
   * is bounded by one piece however long the text. Without it, every lattice and token is returned.
   * `docRate` (training) is the text's `keep.docRate` feature, written into every keep edge's vector.
   */
  analyse(
    text: string,
    options: CheckOptions = {},
    training = false,
    onSentence?: (lattice: Lattice, tokens: Token[]) => void,
    docRate?: number,
  ): Analysis {
    if (training && !this.source.config.features) {
      throw new Error('analyse(…, training) needs a detector created with { features: true }');
    }
    const protect = new Set((options.protect ?? []).map((p) => p.toLowerCase()));
    const ctxOf = (vocabulary: DocumentVocabulary) => ({
      lm: this.lm,
      source: this.source,
      weights: this.weights.w,
      vocabulary,
      protect,
      options: { ...this.latticeOptions, training, docRate },
    });
    let words = 0;
    const out: AnalysedSentence[] = [];
    const decodeSegment = (ctx: BuildContext, { tokens, sentences }: Segment) => {
      for (const s of sentences) {
        const positions: number[] = [];
        for (let i = s.firstToken; i < s.endToken; i++) {
          const k = tokens[i].kind;
          if (k === 'word') words++;
          if (k === 'word' || k === 'number') positions.push(i);
        }
        if (positions.length === 0) continue;
        const lattice = buildLattice(ctx, tokens, positions);
        if (onSentence) onSentence(lattice, tokens);
        else out.push({ lattice });
      }
    };
    return this.source.withUserPairs(options.extraPairs, () => {
      const ranges = onSentence ? segmentRanges(text, this.segmentChars) : [];
      if (ranges.length <= 1) {
        const whole = tokenize(text);
        decodeSegment(ctxOf(this.vocabularyOf((add) => add(whole.tokens), options)), whole);
        return { tokens: whole.tokens, sentences: out, words };
      }
      const vocabulary = this.vocabularyOf(
        (add) => forEachSegment(text, (seg) => add(seg.tokens), ranges),
        options,
      );
      const ctx = ctxOf(vocabulary);
      forEachSegment(text, (seg) => decodeSegment(ctx, seg), ranges);
      return { tokens: [], sentences: out, words };
    });
  }

  /**
   * Decode every sentence: the findings whose calibrated confidence is at least `floor` (0: all of them)
   * and the substitution posterior of every word position, from which the document score is computed.
   *
   * How likely a word is to have been swapped depends on how much of the text around it was: a spinner
   * rewrites a text at some rate, and well-written text has none. So sentences are decoded in blocks of
   * at least BLOCK_POSITIONS positions (the whole text when shorter): once to measure the block's mean
   * substitution posterior r, then again with every keep score shifted by the fitted weight of
   * `keep.docRate` times ln(r / RATE_REFERENCE) (`docRateFeature`). The document features come from the
   * first pass.
   */
  decode(text: string, options: CheckOptions = {}, floor = 0): Decoding {
    const findings: Finding[] = [];
    const posteriors = new ValueLog();
    const lmWeight = this.weights.w[F.lm];
    const rateWeight = this.weights.w[F['keep.docRate']] ?? 0;
    const report = (lattice: Lattice, tokens: Token[], decoded: Decoded) => {
      for (const f of sentenceFindings(text, tokens, lattice, decoded, this.weights.confidence)) {
        if (f.confidence >= floor) findings.push(f);
      }
    };
    // A block's sentences wait with their first pass's LM transitions, which the second pass reuses.
    let block: Array<{ lattice: Lattice; tokens: Token[]; trans: Float64Array }> = [];
    let blockPositions = 0;
    let blockMass = 0;
    const flush = () => {
      if (block.length === 0) return;
      const delta = rateWeight * docRateFeature(blockMass / blockPositions);
      for (const { lattice, tokens, trans } of block) {
        shiftKeepScores(lattice, delta);
        report(lattice, tokens, decodeLattice(lattice, this.lm, lmWeight, trans));
      }
      block = [];
      blockPositions = 0;
      blockMass = 0;
    };
    const analysis = this.analyse(text, options, false, (lattice, tokens) => {
      const decoded = decodeLattice(lattice, this.lm, lmWeight);
      for (const v of substitutionPosteriors(decoded)) {
        posteriors.push(v);
        blockMass += v;
      }
      blockPositions += lattice.tokens.length;
      if (rateWeight === 0) {
        report(lattice, tokens, decoded);
        return;
      }
      block.push({ lattice, tokens, trans: decoded.chain.trans });
      if (blockPositions >= BLOCK_POSITIONS) flush();
    });
    flush();
    return {
      analysis,
      findings,
      subs: posteriors,
      documentFeatures: documentFeatures(posteriors, analysis.words),
    };
  }

  /**
   * A span's confidence is P(document spun) × P(span substituted | document spun): the calibration is
   * fitted on spun documents only, and the document score scales it, so well-written clean text (low
   * score) yields no findings while a spun document keeps its span-level probabilities.
   */
  check(text: string, options: CheckOptions = {}): CheckResult {
    const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    // The document score is at most 1, so a finding below the threshold before scaling stays below it:
    // such findings are dropped as they come (a long clean text would otherwise hold one per few words).
    const d = this.decode(text, options, minConfidence);
    const score = documentScore(d.documentFeatures, this.weights.document);
    const findings: Finding[] = [];
    for (const f of d.findings) {
      const confidence = f.confidence * score;
      if (confidence >= minConfidence) findings.push({ ...f, confidence });
    }
    return { score, verdict: verdictFor(score, this.weights.document), words: d.analysis.words, findings };
  }
}

/**
 * Numbers collected in chunks (small for a short text, up to 64k values): a million-word text's
 * posteriors are never copied into a bigger array as they grow (a plain array's growth holds the old and
 * the new copy at once).
 */
class ValueLog implements Values {
  private static readonly MAX_CHUNK = 1 << 16;
  private readonly chunks: Float64Array[] = [];
  private current = new Float64Array(1024);
  private stored = 0;
  private used = 0;

  get length(): number {
    return this.stored + this.used;
  }

  push(v: number): void {
    if (this.used === this.current.length) {
      this.chunks.push(this.current);
      this.stored += this.used;
      this.current = new Float64Array(Math.min(ValueLog.MAX_CHUNK, 2 * this.current.length));
      this.used = 0;
    }
    this.current[this.used++] = v;
  }

  forEach(fn: (value: number) => void): void {
    for (const c of this.chunks) for (let i = 0; i < c.length; i++) fn(c[i]);
    for (let i = 0; i < this.used; i++) fn(this.current[i]);
  }
}
