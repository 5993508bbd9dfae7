export {
  COMPRESSION_BROTLI,
  crc32,
  encodeLexicon,
  entryHash,
  type ForwardItem,
  HEADER_BYTES,
  LEXICON_MAGIC,
  LEXICON_VERSION,
  type LexiconData,
  type LexiconHeader,
  pairHashHeldOut,
} from './format.js';
export {
  isHeldOutPair,
  type LexiconInfo,
  type LoadedLexicon,
  type LoadOptions,
  loadLexicon,
  normalizeEntry,
} from './lexicon.js';
export {
  type Analysis,
  analyze,
  FORMS,
  type Form,
  formPos,
  inflect,
  inflectionsOf,
  inflectPhrase,
  parseIrregularTable,
  setIrregularTablePath,
  syllables,
} from './morph.js';
export { type HoldoutMode, type Lexicon, type Origin, POS, SOURCE } from './types.js';
