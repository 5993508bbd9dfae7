import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataPath } from '../data.js';
import { InterpolatedModel } from './combine.js';
import { loadLanguageModel } from './info.js';
import { loadSphinxModel, type SphinxModel } from './sphinx.js';
import type { LanguageModel } from './types.js';

export { type FitResult, fitInterpolation, fitInterpolationOnText, InterpolatedModel } from './combine.js';
export { describeModelFile, loadLanguageModel, type ModelInfo } from './info.js';
export { loadNgramModel, type NgramModel, ngramModelFromBuffer } from './ngram-bin.js';
export { loadSphinxModel, SPHINX_OOV_LOG_PROB, type SphinxModel, scoreSentence } from './sphinx.js';
export type { LanguageModel } from './types.js';

/** File name of the shipped general English trigram model under `data/`. */
export const DEFAULT_MODEL_FILE = 'en-us.lm.bin';
/** File name of the shipped technical-English model under `data/` (built by scripts/, may be absent). */
export const TECHNICAL_MODEL_FILE = 'tech.lm.bin';

let defaultModel: SphinxModel | undefined;

/** The shipped CMU Sphinx US English trigram model, loaded on first use and shared for the process. */
export function loadDefaultModel(): SphinxModel {
  defaultModel ??= loadSphinxModel(dataPath(DEFAULT_MODEL_FILE));
  return defaultModel;
}

const loaded = new Map<string, LanguageModel>();

/** A model file (unspin or Sphinx format), loaded once per process and shared. */
export function loadModelCached(path: string): LanguageModel {
  const key = resolve(path);
  let model = loaded.get(key);
  if (!model) {
    model = loadLanguageModel(path);
    loaded.set(key, model);
  }
  return model;
}

/** A shipped model under `data/` by file name, loaded once per process. */
export function loadShippedModel(name: string): LanguageModel {
  return name === DEFAULT_MODEL_FILE ? loadDefaultModel() : loadModelCached(dataPath(name));
}

export interface EngineModelOptions {
  /** Extra model files (unspin `.lm.bin` or Sphinx trie) to combine with the shipped ones. */
  lm?: readonly string[];
  /** Use the shipped technical model when it is installed (default true). */
  technical?: boolean;
  /**
   * Fixed interpolation weights, one per model in the order general, technical (when used), then `lm`
   * files; they are normalised. Without them the weights start equal and adapt to each document.
   */
  lmWeights?: readonly number[];
}

export interface EngineModel {
  model: LanguageModel;
  /** Files combined (empty when the general model is used alone). */
  files: string[];
  /** Re-weight the combination for a document before it is checked (absent for a single model or fixed weights). */
  adapt?: (text: string) => void;
}

/**
 * The language model the engine decodes with: the shipped general model alone (exactly as before) when
 * there is nothing to add, else the interpolation of the general model, the technical model (when
 * installed and not turned off) and the user's models.
 */
export function loadEngineModel(options: EngineModelOptions = {}): EngineModel {
  const general = loadDefaultModel();
  const files: string[] = [];
  const models: LanguageModel[] = [general];
  const technical = dataPath(TECHNICAL_MODEL_FILE);
  if (options.technical !== false && existsSync(technical)) {
    models.push(loadShippedModel(TECHNICAL_MODEL_FILE));
    files.push(technical);
  }
  for (const path of options.lm ?? []) {
    models.push(loadModelCached(path));
    files.push(path);
  }
  if (models.length === 1) return { model: general, files: [] };
  const combined = new InterpolatedModel(models, options.lmWeights);
  return {
    model: combined,
    files: [dataPath(DEFAULT_MODEL_FILE), ...files],
    adapt: options.lmWeights ? undefined : (text) => combined.adaptTo(text),
  };
}
