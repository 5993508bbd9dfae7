/**
 * The evidence the decoder combines, as one feature vector per lattice edge.
 *
 * Every edge (keep the observed word, or read the span as some original) gets a score
 * `w · φ(edge)`; the language model enters as the `lm` feature locally and as weighted
 * transition scores in the chain decoder. The weights are fitted (scripts/train-weights.ts)
 * on simulated spins, never set by hand; `data/weights.json` holds the fitted values.
 */

/** Feature names in vector order. Keep-edge features describe the observed word; sub-edge ones the pair. */
export const FEATURES = [
  'lm', // log10 language-model score of the edge in its local window
  'keep', // bias of the keep edge
  'keep.obsUnigram', // log10 unigram of the observed word (rare words are more often spinner output)
  'keep.obsOov', // the observed word is unknown to the language model
  'keep.capMid', // the observed word is capitalised mid-sentence (names are rarely spun)
  'keep.logOrigins', // log(1 + number of originals that could have produced the observed word)
  'keep.stopword', // the observed word is a function word
  'keep.docRepeat', // ln(occurrences of the observed word in the document): a topic term, not a one-off swap
  'sub.logFanout', // -ln(fanout): a spinner picking uniformly among the original's synonyms
  'sub.logChoice', // ln P(observed | original) for a spinner that picks synonyms in proportion to their frequency
  'sub.mobyForward',
  'sub.mobyReverse',
  'sub.wordnetSynset',
  'sub.wordnetRelated',
  'sub.logRank', // ln(1 + rank of the observed word in the original's list)
  'sub.origUnigram', // log10 unigram of the original's rarest word
  'sub.extraSpanWords', // observed span length - 1
  'sub.extraOrigWords', // original length - 1
  'sub.docHasOriginal', // the original occurs elsewhere in the document
  'sub.posShared', // the pair shares a part of speech
  'sub.capMid', // substitution of a word capitalised mid-sentence
  'kind.number', // digits from a number word
  'kind.filler', // an inserted filler word
  'kind.spelling', // US/UK spelling swap
  'kind.user', // a pair supplied by the user
  'kind.collocation', // a word pair read as a collocation of the language model (src/lm/collocations.ts)
  'sub.association', // log10 association of that collocation (P(b | a) / P(b)); 0 for other readings
  'keep.docRate', // ln(r / 0.1), r the mean substitution posterior of the text around on a first decoding pass (lattice.ts docRateFeature)
  'kind.term', // a phrase read as one of the shipped multiword terms (data/terms.tsv): the fixed phrases paper mills rewrite
  'lm.term', // the lm feature again for a term reading (0 for others): how much more a term's fit in context counts
] as const;

export type FeatureName = (typeof FEATURES)[number];
export const NUM_FEATURES = FEATURES.length;

/** Index of each feature in the vector. */
export const F = Object.fromEntries(FEATURES.map((name, i) => [name, i])) as Record<FeatureName, number>;

/** Fitted weights plus the calibrations fitted after them. */
export interface Weights {
  version: 1;
  /** One weight per feature, in FEATURES order. */
  w: number[];
  /** Logistic calibration of span confidence: p' = σ(a · logit(p) + b). */
  confidence: { a: number; b: number };
  /** Logistic document model over document features (see docscore.ts). */
  document: { w: number[]; b: number; thresholds: { suspicious: number; spun: number } };
  /** Provenance: how and on what the weights were fitted. */
  trainedOn?: string;
}

/** Weights used before any fit exists (and by unit tests): an LM-plus-strong-keep-prior model. */
export function defaultWeights(): Weights {
  const w = new Array<number>(NUM_FEATURES).fill(0);
  w[F.lm] = 2.3; // log10 → natural log
  w[F.keep] = 4;
  w[F['sub.logFanout']] = 1;
  return {
    version: 1,
    w,
    confidence: { a: 1, b: 0 },
    document: { w: [0, 0, 10, 0], b: -2, thresholds: { suspicious: 0.5, spun: 0.9 } },
  };
}

/** Dot product of the weights with a feature vector, skipping the `lm` feature (scored separately). */
export function staticScore(w: readonly number[], phi: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < NUM_FEATURES; i++) s += w[i] * phi[i];
  return s;
}
