/**
 * Precomputed per-entry frequencies for the frequency-weighted choice channel: for every lexicon
 * entry, its log10 frequency under the language model and the log10 of its synonyms' summed
 * frequency. Computing them on first use costs a look-up per synonym of every original seen, which
 * dominates a cold start; `scripts/build-frequencies.ts` computes them once into data/lexicon-freq.bin.
 * The file is tied to one lexicon build (its inputs' sha256); a mismatched file is ignored and the
 * values are computed on demand instead.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dataPath } from '../data.js';
import { UnspinError } from '../errors.js';

export const FREQUENCY_FILE = 'lexicon-freq.bin';
const MAGIC = 'UNSPINFQ';
const VERSION = 1;
const HEADER = 8 + 4 + 4 + 64;
/** Values are stored as log10 × SCALE in 16-bit integers. */
const SCALE = 1000;

export interface FrequencyTable {
  logFreq: Float32Array;
  synonymLogMass: Float32Array;
}

export function encodeFrequencies(table: FrequencyTable, lexiconSha256: string): Buffer {
  const n = table.logFreq.length;
  const buf = Buffer.alloc(HEADER + 4 * n);
  buf.write(MAGIC, 0, 'ascii');
  buf.writeUInt32LE(VERSION, 8);
  buf.writeUInt32LE(n, 12);
  buf.write(lexiconSha256.padEnd(64, '0').slice(0, 64), 16, 'ascii');
  const q = (x: number) => Math.max(-32768, Math.min(32767, Math.round(x * SCALE)));
  for (let i = 0; i < n; i++) {
    buf.writeInt16LE(q(table.logFreq[i]), HEADER + 2 * i);
    buf.writeInt16LE(q(table.synonymLogMass[i]), HEADER + 2 * n + 2 * i);
  }
  return buf;
}

/** Tables already read, by path and lexicon build: engines in one process share them (read-only). */
const loaded = new Map<string, FrequencyTable | undefined>();

/**
 * The table for this lexicon build, or undefined when the file is absent or belongs to another build.
 * Read once per process; callers must not write into it.
 */
export function loadFrequencies(
  entries: number,
  lexiconSha256: string,
  path = dataPath(FREQUENCY_FILE),
): FrequencyTable | undefined {
  const key = `${path}\0${entries}\0${lexiconSha256}`;
  if (loaded.has(key)) return loaded.get(key);
  const table = readFrequencies(entries, lexiconSha256, path);
  loaded.set(key, table);
  return table;
}

function readFrequencies(entries: number, lexiconSha256: string, path: string): FrequencyTable | undefined {
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  if (buf.length < HEADER || buf.toString('ascii', 0, 8) !== MAGIC || buf.readUInt32LE(8) !== VERSION) {
    throw new UnspinError('BAD_MODEL', `${path} is not an unspin frequency table`);
  }
  const n = buf.readUInt32LE(12);
  if (buf.length !== HEADER + 4 * n) throw new UnspinError('BAD_MODEL', `${path} is truncated`);
  if (n !== entries || buf.toString('ascii', 16, 80) !== lexiconSha256.padEnd(64, '0').slice(0, 64))
    return undefined;
  const logFreq = new Float32Array(n);
  const synonymLogMass = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    logFreq[i] = buf.readInt16LE(HEADER + 2 * i) / SCALE;
    synonymLogMass[i] = buf.readInt16LE(HEADER + 2 * n + 2 * i) / SCALE;
  }
  return { logFreq, synonymLogMass };
}
