import { dataPath } from '../data.js';
import { loadSphinxModel, type SphinxModel } from './sphinx.js';

export { loadSphinxModel, SPHINX_OOV_LOG_PROB, type SphinxModel, scoreSentence } from './sphinx.js';
export type { LanguageModel } from './types.js';

/** File name of the shipped general English trigram model under `data/`. */
export const DEFAULT_MODEL_FILE = 'en-us.lm.bin';

let defaultModel: SphinxModel | undefined;

/** The shipped CMU Sphinx US English trigram model, loaded on first use and shared for the process. */
export function loadDefaultModel(): SphinxModel {
  defaultModel ??= loadSphinxModel(dataPath(DEFAULT_MODEL_FILE));
  return defaultModel;
}
