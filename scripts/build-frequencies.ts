/**
 * Build data/lexicon-freq.bin: each lexicon entry's log10 frequency under the shipped language model
 * and the log10 summed frequency of its synonyms (the normaliser of the frequency-weighted choice
 * channel). Derived only from data/lexicon.bin and data/en-us.lm.bin; rerun after rebuilding either.
 * Run: `npx tsx scripts/build-frequencies.ts`.
 */

import { writeFileSync } from 'node:fs';
import { dataPath } from '../src/data.js';
import { CandidateSource } from '../src/detect/candidates.js';
import { defaultWeights } from '../src/detect/features.js';
import { encodeFrequencies, FREQUENCY_FILE } from '../src/detect/frequencies.js';
import { analyze, inflectPhrase, loadLexicon } from '../src/lexicon/index.js';
import { loadDefaultModel } from '../src/lm/index.js';

const t0 = Date.now();
const lexicon = loadLexicon(undefined, { holdout: 'include' });
const source = new CandidateSource(
  loadDefaultModel(),
  lexicon,
  { analyze, inflectPhrase },
  defaultWeights().w,
  {
    maxPerSpan: 1,
  },
);
const table = source.frequencyTable();
const buf = encodeFrequencies(table, lexicon.info.inputsSha256);
writeFileSync(dataPath(FREQUENCY_FILE), buf);
process.stderr.write(
  `wrote ${dataPath(FREQUENCY_FILE)}: ${lexicon.size} entries, ${buf.length} bytes, ${Date.now() - t0} ms\n`,
);
