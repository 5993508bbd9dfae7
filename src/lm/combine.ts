/**
 * Several language models as one: linear interpolation P(w | h) = Σ λ_i P_i(w | h) over a merged
 * vocabulary, with the weights fitted by EM on held-apart text, or adapted to each document (EM on the
 * document itself, pulled towards the base weights), so a technical text leans on the technical model.
 */
import { trainingSentences } from './build/corpus.js';
import type { LanguageModel } from './types.js';

/** Pseudo-tokens of the base weights when adapting to a document (a short text moves them little). */
const ADAPT_PRIOR_TOKENS = 50;
const EM_MAX_ITERATIONS = 100;
const EM_TOLERANCE = 1e-6;
const CACHE_MASK = (1 << 16) - 1;
/** No word id is this (ids are ≥ -1), so an empty cache slot never matches. */
const EMPTY = -2;

function normalise(weights: readonly number[], k: number): Float64Array {
  if (weights.length !== k) throw new RangeError(`expected ${k} weights, got ${weights.length}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!(sum > 0) || weights.some((w) => !(w >= 0))) throw new RangeError('weights must be ≥ 0 and not all 0');
  return Float64Array.from(weights, (w) => w / sum);
}

export class InterpolatedModel implements LanguageModel {
  readonly order: number;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly models: readonly LanguageModel[];
  private readonly first: LanguageModel;
  /** The second model and its id map, for the two-model fast path of `mix` (null with other counts). */
  private readonly second: LanguageModel | null;
  private readonly secondMap: Int32Array;
  /** Words only later models know (merged ids from first.vocabSize on), and their ids. */
  private readonly extraWords: string[] = [];
  private readonly extraIds = new Map<string, number>();
  /** Per model, merged id → the model's own id (-1 where it lacks the word). */
  private readonly maps: Int32Array[];
  /** Weights used by logProb (adapted per document) and the base weights (used by unigram). */
  private readonly current: Float64Array;
  private readonly base: Float64Array;
  /** logProb cache: (w, h1, h2) per slot and the value; emptied whenever the weights change. */
  private readonly cacheKeys = new Int32Array(3 * (CACHE_MASK + 1)).fill(EMPTY);
  private readonly cacheValues = new Float64Array(CACHE_MASK + 1);
  /** unigram() per merged id (NaN until first asked); emptied whenever the base weights change. */
  private unigrams: Float64Array | undefined;

  constructor(models: readonly LanguageModel[], weights?: readonly number[]) {
    if (models.length === 0) throw new RangeError('no models to combine');
    this.models = models;
    this.order = Math.max(...models.map((m) => m.order));
    // The first model's ids stay as they are and are looked up through the model itself (no second copy of
    // its vocabulary to hash); words only later models know are appended.
    const first = models[0];
    this.first = first;
    const toMerged = models.slice(1).map((m) => {
      const local = new Int32Array(m.vocabSize);
      for (let i = 0; i < m.vocabSize; i++) {
        const w = m.word(i);
        let g = first.id(w);
        if (g < 0) {
          g = this.extraIds.get(w) ?? -1;
          if (g < 0) {
            g = first.vocabSize + this.extraWords.length;
            this.extraWords.push(w);
            this.extraIds.set(w, g);
          }
        }
        local[i] = g;
      }
      return local;
    });
    this.vocabSize = first.vocabSize + this.extraWords.length;
    this.maps = models.map((m, k) => {
      const map = new Int32Array(this.vocabSize).fill(-1);
      if (k === 0) for (let i = 0; i < m.vocabSize; i++) map[i] = i;
      else {
        const local = toMerged[k - 1];
        for (let i = local.length - 1; i >= 0; i--) map[local[i]] = i; // a repeated word keeps its lowest id
      }
      return map;
    });
    this.second = models.length === 2 ? models[1] : null;
    this.secondMap = this.maps[models.length === 2 ? 1 : 0];
    this.bos = first.bos;
    this.eos = first.eos;
    this.base = normalise(weights ?? models.map(() => 1), models.length);
    this.current = Float64Array.from(this.base);
  }

  /** The weights logProb uses now. */
  get weights(): number[] {
    return [...this.current];
  }

  /** Set the weights logProb uses (normalised to sum 1). */
  setWeights(weights: readonly number[]): void {
    this.current.set(normalise(weights, this.models.length));
    this.cacheKeys.fill(EMPTY);
  }

  /** Set both the base weights and the current ones. */
  setBaseWeights(weights: readonly number[]): void {
    this.base.set(normalise(weights, this.models.length));
    this.current.set(this.base);
    this.cacheKeys.fill(EMPTY);
    this.unigrams?.fill(Number.NaN);
  }

  get oovLogProb(): number {
    let s = 0;
    for (let i = 0; i < this.models.length; i++) s += this.current[i] * 10 ** this.models[i].oovLogProb;
    return Math.log10(s);
  }

  id(word: string): number {
    const id = this.first.id(word);
    if (id >= 0) return id;
    return this.extraIds.get(word) ?? this.extraIds.get(word.toLowerCase()) ?? -1;
  }

  word(id: number): string {
    if (!(id >= 0 && id < this.vocabSize))
      throw new RangeError(`word id ${id} outside 0..${this.vocabSize - 1}`);
    return id < this.first.vocabSize ? this.first.word(id) : this.extraWords[id - this.first.vocabSize];
  }

  logProb(w: number, h1: number, h2: number): number {
    // Decoders ask the same (w, h1, h2) many times over (candidates share histories): a direct-mapped
    // cache saves the component look-ups, the powers and the logarithm.
    const slot =
      (Math.imul(w, 0x9e3779b1) ^ Math.imul(h1, 0x85ebca77) ^ Math.imul(h2, 0xc2b2ae35)) & CACHE_MASK;
    const keys = this.cacheKeys;
    if (keys[3 * slot] === w && keys[3 * slot + 1] === h1 && keys[3 * slot + 2] === h2)
      return this.cacheValues[slot];
    const value = this.mix(w, h1, h2);
    keys[3 * slot] = w;
    keys[3 * slot + 1] = h1;
    keys[3 * slot + 2] = h2;
    this.cacheValues[slot] = value;
    return value;
  }

  private mix(w: number, h1: number, h2: number): number {
    const second = this.second;
    if (second === null) return this.mixAny(w, h1, h2);
    // Two models (the engine's general + technical): the same sum as mixAny, term for term, without the
    // loop over the models; the first model's ids are the merged ids below its vocabulary size.
    const n0 = this.first.vocabSize;
    const V = this.vocabSize;
    const map = this.secondMap;
    const l0 = this.current[0];
    const l1 = this.current[1];
    let s = 0;
    if (l0 !== 0) {
      s +=
        l0 *
        10 **
          this.first.logProb(
            w >= 0 && w < n0 ? w : -1,
            h1 >= 0 && h1 < n0 ? h1 : -1,
            h2 >= 0 && h2 < n0 ? h2 : -1,
          );
    }
    if (l1 !== 0) {
      s +=
        l1 *
        10 **
          second.logProb(
            w >= 0 && w < V ? map[w] : -1,
            h1 >= 0 && h1 < V ? map[h1] : -1,
            h2 >= 0 && h2 < V ? map[h2] : -1,
          );
    }
    return Math.log10(s);
  }

  /** log10 Σ λ_i P_i(w | h1 h2) over any number of models. */
  private mixAny(w: number, h1: number, h2: number): number {
    const models = this.models;
    const maps = this.maps;
    const lambda = this.current;
    const V = this.vocabSize;
    const wIn = w >= 0 && w < V;
    const h1In = h1 >= 0 && h1 < V;
    const h2In = h2 >= 0 && h2 < V;
    let s = 0;
    for (let i = 0; i < models.length; i++) {
      const l = lambda[i];
      if (l === 0) continue;
      const map = maps[i];
      s += l * 10 ** models[i].logProb(wIn ? map[w] : -1, h1In ? map[h1] : -1, h2In ? map[h2] : -1);
    }
    return Math.log10(s);
  }

  /** Interpolated unigram with the *base* weights (callers cache it per word, so it must not move). */
  unigram(w: number): number {
    const inVocab = w >= 0 && w < this.vocabSize;
    if (!inVocab) return this.mixUnigram(w, false);
    // Candidate generators ask the same words' unigrams again and again.
    let cache = this.unigrams;
    if (!cache) {
      cache = new Float64Array(this.vocabSize).fill(Number.NaN);
      this.unigrams = cache;
    }
    let u = cache[w];
    if (Number.isNaN(u)) {
      u = this.mixUnigram(w, true);
      cache[w] = u;
    }
    return u;
  }

  private mixUnigram(w: number, inVocab: boolean): number {
    let s = 0;
    for (let i = 0; i < this.models.length; i++) {
      s += this.base[i] * 10 ** this.models[i].unigram(inVocab ? this.maps[i][w] : -1);
    }
    return Math.log10(s);
  }

  /** A bound valid for any weights: the largest of the models' bounds (0 for a model without one). */
  maxLogProb(w: number): number {
    const inVocab = w >= 0 && w < this.vocabSize;
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.models.length; i++) {
      const m = this.models[i] as LanguageModel & { maxLogProb?(w: number): number };
      const id = inVocab ? this.maps[i][w] : -1;
      const bound = id < 0 ? m.oovLogProb : m.maxLogProb ? m.maxLogProb(id) : 0;
      if (bound > best) best = bound;
    }
    return best;
  }

  /**
   * Adapt the weights to a document: EM on its sentences, with the base weights counted as
   * ADAPT_PRIOR_TOKENS pseudo-tokens so a short text moves them only a little. Returns the weights.
   */
  adaptTo(text: string): number[] {
    const sentences = trainingSentences(text);
    const fit = fitWeights(this.models, sentences, { prior: this.base, priorTokens: ADAPT_PRIOR_TOKENS });
    this.current.set(fit.weights);
    this.cacheKeys.fill(EMPTY);
    return fit.weights;
  }
}

export interface FitResult {
  weights: number[];
  /** Perplexity of the held-apart text under the fitted mixture. */
  perplexity: number;
  /** Perplexity under each model alone. */
  perplexities: number[];
  tokens: number;
  iterations: number;
}

/** Per token (sentence words and `</s>`), each model's probability (linear), row-major [token][model]. */
function tokenProbabilities(
  models: readonly LanguageModel[],
  sentences: readonly (readonly string[])[],
): Float64Array {
  const K = models.length;
  let T = 0;
  for (const s of sentences) T += s.length + 1;
  const p = new Float64Array(T * K);
  models.forEach((m, k) => {
    let t = 0;
    for (const s of sentences) {
      let h2 = -1;
      let h1 = m.bos;
      for (let j = 0; j <= s.length; j++) {
        const w = j < s.length ? m.id(s[j]) : m.eos;
        p[t * K + k] = 10 ** m.logProb(w, h1, h2);
        h2 = h1;
        h1 = w;
        t++;
      }
    }
  });
  return p;
}

function fitWeights(
  models: readonly LanguageModel[],
  sentences: readonly (readonly string[])[],
  options: { prior?: Float64Array; priorTokens?: number; initial?: readonly number[] } = {},
): FitResult {
  const K = models.length;
  const p = tokenProbabilities(models, sentences);
  const T = p.length / K;
  const prior = options.prior ?? Float64Array.from(models, () => 1 / K);
  const alpha = options.priorTokens ?? 0;
  const lambda = options.initial ? normalise(options.initial, K) : Float64Array.from(prior);
  const resp = new Float64Array(K);
  let iterations = 0;
  if (T > 0) {
    for (; iterations < EM_MAX_ITERATIONS; iterations++) {
      resp.fill(0);
      for (let t = 0; t < T; t++) {
        let z = 0;
        for (let k = 0; k < K; k++) z += lambda[k] * p[t * K + k];
        if (!(z > 0)) continue;
        for (let k = 0; k < K; k++) resp[k] += (lambda[k] * p[t * K + k]) / z;
      }
      let change = 0;
      for (let k = 0; k < K; k++) {
        const next = (resp[k] + alpha * prior[k]) / (T + alpha);
        change = Math.max(change, Math.abs(next - lambda[k]));
        lambda[k] = next;
      }
      if (change < EM_TOLERANCE) break;
    }
  }
  let mixLog = 0;
  const single = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    let z = 0;
    for (let k = 0; k < K; k++) {
      z += lambda[k] * p[t * K + k];
      single[k] += Math.log10(p[t * K + k]);
    }
    mixLog += Math.log10(z);
  }
  const ppl = (logSum: number): number => (T > 0 ? 10 ** (-logSum / T) : Number.NaN);
  return {
    weights: [...lambda],
    perplexity: ppl(mixLog),
    perplexities: [...single].map(ppl),
    tokens: T,
    iterations,
  };
}

/**
 * Interpolation weights for `models` that maximise the likelihood of held-apart `sentences` (lists of
 * words as the engine looks them up, e.g. from `trainingSentences`), by EM.
 */
export function fitInterpolation(
  models: readonly LanguageModel[],
  sentences: readonly (readonly string[])[],
): FitResult {
  return fitWeights(models, sentences);
}

/** `fitInterpolation` on raw text. */
export function fitInterpolationOnText(models: readonly LanguageModel[], text: string): FitResult {
  return fitWeights(models, trainingSentences(text));
}
