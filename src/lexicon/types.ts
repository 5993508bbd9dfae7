/** Parts of speech as bits, so a pair or an entry can carry several. */
export const POS = { noun: 1, verb: 2, adj: 4, adv: 8 } as const;

/** Which resource relates an (original, observed) pair, as bits. */
export const SOURCE = {
  /** Moby lists the observed word under the original's root entry. */
  mobyForward: 1,
  /** Moby lists the original under the observed word's root entry. */
  mobyReverse: 2,
  /** WordNet puts both in one synset. */
  wordnetSynset: 4,
  /** WordNet links their synsets (similar-to, also-see, verb group, hypernym/hyponym). */
  wordnetRelated: 8,
} as const;

/** One original that could have produced an observed entry (a row of the reverse index). */
export interface Origin {
  /** Entry id of the original. */
  id: number;
  /** SOURCE bits relating the pair. */
  sources: number;
  /** POS bits the two entries share (0 when unknown). */
  pos: number;
  /** How many synonyms the original has in the lexicon: a spinner choosing uniformly picks this one with probability 1/fanout. */
  fanout: number;
  /** 0-based rank of the observed entry in the original's WordNet-first synonym order (lower = more typical), or -1 when unknown. */
  rank: number;
}

/** How the lexicon treats the deterministic held-out slice of pairs (see `isHeldOutPair`). */
export type HoldoutMode = 'include' | 'exclude';

/** Synonym graph with a reverse index; entries are lemmas or phrases of up to `maxPhraseWords` words, lower case, single-spaced. */
export interface Lexicon {
  readonly size: number;
  readonly maxPhraseWords: number;
  /** Entry id for a lemma or phrase, or -1. */
  lookup(text: string): number;
  text(id: number): string;
  /** POS bits known for an entry. */
  pos(id: number): number;
  /** Originals that could have become this observed entry. */
  origins(id: number): readonly Origin[];
  /** The entry's synonyms (forward direction: what a spinner could replace it with), most typical first. */
  synonyms(id: number): readonly number[];
  /** Ids of the entries of two or more words, ascending (without making a string per entry). */
  phraseIds?(): readonly number[];
  /** `origins(id).length`, without building the Origin objects. */
  originCount?(id: number): number;
  /** SOURCE bits relating (original, observed), or 0 when the lexicon has no such pair. */
  pairSources?(original: number, observed: number): number;
}
