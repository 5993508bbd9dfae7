/**
 * One document through the pipeline: tokens → per-sentence lattices → chain decoding → findings
 * and a document score. The Detector holds the loaded models and caches and is reused for every text.
 */

import type { Lexicon } from '../lexicon/types.js';
import type { LanguageModel } from '../lm/types.js';
import { tokenize } from '../text/tokenize.js';
import type { CheckOptions, CheckResult, Finding, Token } from '../types.js';
import { CandidateSource, type Morphology } from './candidates.js';
import { STOPWORDS } from './channels.js';
import { decodeLattice } from './decode.js';
import { documentFeatures, documentScore, verdictFor } from './docscore.js';
import { F, type Weights } from './features.js';
import { sentenceFindings, substitutionPosteriors } from './findings.js';
import type { FrequencyTable } from './frequencies.js';
import { buildLattice, type DocumentVocabulary, type Lattice, type LatticeOptions } from './lattice.js';

export interface DetectorConfig {
  /** Candidates kept per observed span before context (default 40). */
  maxPerSpan?: number;
  /** Substitution edges decoded per position (default 8). */
  perPosition?: number;
  /** Local posterior below which a position is not decoded at all (default 0.002). */
  minLocalPosterior?: number;
  /** Keep candidates' feature vectors so `analyse(…, training = true)` can be used to fit weights. */
  features?: boolean;
}

export interface AnalysedSentence {
  lattice: Lattice;
}

export interface Analysis {
  tokens: Token[];
  sentences: AnalysedSentence[];
  words: number;
}

export interface Decoding {
  analysis: Analysis;
  /** Every finding above the report floor, confidence calibrated but not thresholded. */
  findings: Finding[];
  /** Substitution posterior of each word position, in text order. */
  subs: number[];
  documentFeatures: number[];
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;

export class Detector {
  readonly source: CandidateSource;
  private readonly lemmaCache = new Map<string, string[]>();
  private readonly latticeOptions: LatticeOptions;

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
  }

  /** Lemmas a word could stand for (cached: the same words recur across documents). */
  private lemmas(norm: string): string[] {
    let l = this.lemmaCache.get(norm);
    if (!l) {
      l = STOPWORDS.has(norm)
        ? [norm]
        : [norm, ...this.morph.analyze(norm, (x) => this.lexicon.lookup(x) >= 0).map((a) => a.lemma)];
      if (this.lemmaCache.size > 50_000) this.lemmaCache.clear();
      this.lemmaCache.set(norm, l);
    }
    return l;
  }

  /** The document's own words, lemmas and short phrases. */
  private vocabulary(tokens: readonly Token[]): DocumentVocabulary {
    const words = new Set<string>();
    const counts = new Map<string, number>();
    for (const t of tokens) {
      if (t.kind !== 'word') continue;
      counts.set(t.norm, (counts.get(t.norm) ?? 0) + 1);
      for (const l of this.lemmas(t.norm)) words.add(l);
    }
    let phrases: Set<string> | undefined;
    return {
      count: (norm: string) => counts.get(norm) ?? 0,
      has: (x: string) => {
        if (!x.includes(' ')) return words.has(x);
        if (!phrases) {
          phrases = new Set();
          for (let i = 0; i < tokens.length; i++) {
            let s = tokens[i].norm;
            for (let j = i + 1; j < Math.min(tokens.length, i + 4); j++) {
              if (tokens[j].kind !== 'word' || tokens[j].sentence !== tokens[i].sentence) break;
              s += ` ${tokens[j].norm}`;
              phrases.add(s);
            }
          }
        }
        return phrases.has(x);
      },
    };
  }

  /** Tokenise and build every sentence's lattice (with full feature vectors when `training`). */
  analyse(
    text: string,
    options: CheckOptions = {},
    training = false,
    onSentence?: (lattice: Lattice, tokens: Token[]) => void,
  ): Analysis {
    if (training && !this.source.config.features) {
      throw new Error('analyse(…, training) needs a detector created with { features: true }');
    }
    const { tokens, sentences } = tokenize(text);
    const protect = new Set((options.protect ?? []).map((p) => p.toLowerCase()));
    const ctx = {
      lm: this.lm,
      source: this.source,
      weights: this.weights.w,
      vocabulary: this.vocabulary(tokens),
      protect,
      options: { ...this.latticeOptions, training },
    };
    let words = 0;
    const out: AnalysedSentence[] = [];
    this.source.withUserPairs(options.extraPairs, () => {
      for (const s of sentences) {
        const positions: number[] = [];
        for (let i = s.firstToken; i < s.endToken; i++) {
          const k = tokens[i].kind;
          if (k === 'word') words++;
          if (k === 'word' || k === 'number') positions.push(i);
        }
        if (positions.length === 0) continue;
        const lattice = buildLattice(ctx, tokens, positions);
        // With a callback each lattice is handed over and dropped, so memory stays bounded by one
        // sentence's lattice whatever the length of the text.
        if (onSentence) onSentence(lattice, tokens);
        else out.push({ lattice });
      }
    });
    return { tokens, sentences: out, words };
  }

  /**
   * Decode every sentence: all findings with their calibrated confidence (unthresholded) and the
   * substitution posterior of every word position, from which the document score is computed.
   */
  decode(text: string, options: CheckOptions = {}): Decoding {
    const findings: Finding[] = [];
    const subs: number[] = [];
    const lmWeight = this.weights.w[F.lm];
    const analysis = this.analyse(text, options, false, (lattice, tokens) => {
      const decoded = decodeLattice(lattice, this.lm, lmWeight);
      for (const v of substitutionPosteriors(decoded)) subs.push(v);
      findings.push(...sentenceFindings(text, tokens, lattice, decoded, this.weights.confidence));
    });
    return { analysis, findings, subs, documentFeatures: documentFeatures(subs, analysis.words) };
  }

  /**
   * A span's confidence is P(document spun) × P(span substituted | document spun): the calibration is
   * fitted on spun documents only, and the document score scales it, so well-written clean text (low
   * score) yields no findings while a spun document keeps its span-level probabilities.
   */
  check(text: string, options: CheckOptions = {}): CheckResult {
    const d = this.decode(text, options);
    const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    const score = documentScore(d.documentFeatures, this.weights.document);
    const findings: Finding[] = [];
    for (const f of d.findings) {
      const confidence = f.confidence * score;
      if (confidence >= minConfidence) findings.push({ ...f, confidence });
    }
    return { score, verdict: verdictFor(score, this.weights.document), words: d.analysis.words, findings };
  }
}
