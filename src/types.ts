/**
 * Types shared across the engine's stages and its surfaces.
 * Offsets are UTF-16 code units, half-open [start, end), into the original input string.
 */

/** What kind of token the tokenizer saw. Only `word` tokens are candidates for substitution. */
export type TokenKind = 'word' | 'number' | 'punct' | 'symbol';

export interface Token {
  /** UTF-16 offset of the first code unit. */
  start: number;
  /** UTF-16 offset one past the last code unit. */
  end: number;
  /** The exact source text, `input.slice(start, end)`. */
  text: string;
  /** Lower-cased, typographic apostrophes/dashes folded to ASCII: the form used for look-ups. */
  norm: string;
  kind: TokenKind;
  /** Index of the sentence this token belongs to. */
  sentence: number;
  /** Capitalisation of the source text. */
  caps: 'lower' | 'title' | 'upper' | 'mixed';
  /** True when the token is the first word of its sentence (so title case carries no information). */
  sentenceStart: boolean;
}

export interface Sentence {
  start: number;
  end: number;
  /** Index of the first token and one past the last token of this sentence. */
  firstToken: number;
  endToken: number;
}

export interface Suggestion {
  /** Replacement text, already re-inflected and re-capitalised to fit the observed span. */
  text: string;
  /** Posterior probability of this reading of the span, in [0, 1]. */
  probability: number;
}

/** Where a finding came from: the statistical decoder, or an alignment with a known source. */
export type FindingOrigin = 'decoder' | 'source';

export interface Finding {
  start: number;
  end: number;
  /** The observed text of the span, `input.slice(start, end)`. */
  text: string;
  /** Up to 5 suggested originals, most probable first. */
  suggestions: Suggestion[];
  /** Posterior probability that this span was substituted, in [0, 1]. */
  confidence: number;
  /** Which channel produced the best suggestion: thesaurus, number, spelling, filler, name. */
  kind?: string;
  /** Where the finding came from; absent means the decoder. */
  origin?: FindingOrigin;
  /** Id of the indexed source document the finding was aligned against (origin 'source'). */
  sourceId?: string;
}

export type Verdict = 'clean' | 'suspicious' | 'spun';

export interface CheckResult {
  /** Calibrated probability that the document was spun. */
  score: number;
  verdict: Verdict;
  /** Number of word tokens in the input. */
  words: number;
  findings: Finding[];
}

export interface Edit {
  start: number;
  end: number;
  /** Observed text that is replaced. */
  text: string;
  /** Replacement. */
  replacement: string;
  confidence: number;
}

export interface RestoreResult {
  text: string;
  edits: Edit[];
}

export interface CheckOptions {
  /** Findings below this confidence are dropped (default 0.5). */
  minConfidence?: number;
  /** Extra (observed, original) pairs to consider, e.g. a user's own tortured-phrase list. */
  extraPairs?: ReadonlyArray<{ observed: string; original: string }>;
  /** Words or phrases that are never flagged (case-insensitive). */
  protect?: readonly string[];
}
