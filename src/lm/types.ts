/** A back-off n-gram language model over integer word ids. Scores are log10 probabilities. */
export interface LanguageModel {
  /** Highest n-gram order stored (3 for the shipped general model). */
  readonly order: number;
  /** Number of words in the vocabulary (ids are 0 .. vocabSize-1). */
  readonly vocabSize: number;
  /** Id of the sentence-start token `<s>`. */
  readonly bos: number;
  /** Id of the sentence-end token `</s>`. */
  readonly eos: number;
  /** Log10 probability charged to a word the model does not know. */
  readonly oovLogProb: number;
  /** Id of a lower-case word, or -1 when the model does not know it. */
  id(word: string): number;
  /** The word for an id. */
  word(id: number): string;
  /**
   * log10 P(w | h2 h1), where h1 is the word right before w and h2 the one before that.
   * Pass -1 for a history word that is unknown or absent: the model then backs off to the shorter context.
   * w = -1 returns oovLogProb.
   */
  logProb(w: number, h1: number, h2: number): number;
  /** log10 unigram probability of w (oovLogProb for -1). */
  unigram(w: number): number;
  /**
   * Call `fn(h1, w, logProb)` for every stored bigram "h1 w" with its log10 P(w | h1) (optional: models
   * that store n-grams explicitly provide it; collocation mining uses it).
   */
  forEachBigram?(fn: (h1: number, w: number, logProb: number) => void): void;
}
