/**
 * Smoke test of the benchmark harness: the spinner simulator on a toy lexicon, every metric on tiny
 * hand-made cases with exact expected values, and a tiny end-to-end run of the harness (report shape only,
 * never timings).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { phraseListChecker } from '../bench/baselines.js';
import { alignTexts, detokenizeBrown, placeInParagraph, placeInTemplate } from '../bench/corpora.js';
import {
  calibration,
  editDistance,
  logLogSlope,
  prCurve,
  precisionAtRecall,
  quantile,
  restorationOutcomes,
  rocAuc,
  spanPRCurve,
  spanPRF,
  topK,
  wer,
} from '../bench/metrics.js';
import { updateMarkdown } from '../bench/report.js';
import { type SpinResources, simulateSpin, swapSpelling } from '../bench/simulate.js';
import { histogramChart, lineChart } from '../bench/svg.js';
import type { Lexicon } from '../src/lexicon/types.js';

// ---------------------------------------------------------------------------------------------------------
// A toy lexicon and morphology

function toyLexicon(syn: Record<string, string[]>): Lexicon {
  const texts = [...new Set([...Object.keys(syn), ...Object.values(syn).flat()])].sort();
  const ids = new Map(texts.map((t, i) => [t, i]));
  return {
    size: texts.length,
    maxPhraseWords: 4,
    lookup: (t) => ids.get(t) ?? -1,
    text: (id) => texts[id],
    pos: () => 0,
    origins: () => [],
    synonyms: (id) => (syn[texts[id]] ?? []).map((t) => ids.get(t)!),
  };
}

const toyMorph: SpinResources['morph'] = {
  analyze(word, isKnown) {
    const out: Array<{ lemma: string; form: unknown }> = [];
    if (isKnown(word)) out.push({ lemma: word, form: 'base' });
    if (word.endsWith('s') && isKnown(word.slice(0, -1)))
      out.push({ lemma: word.slice(0, -1), form: 'plural' });
    if (word.endsWith('ed') && isKnown(word.slice(0, -2)))
      out.push({ lemma: word.slice(0, -2), form: 'past' });
    return out;
  },
  inflect: (lemma, form) => (form === 'plural' ? `${lemma}s` : form === 'past' ? `${lemma}ed` : lemma),
  inflectPhrase: (phrase, form) => {
    const w = phrase.split(' ');
    if (form === 'past') w[0] = `${w[0]}ed`;
    if (form === 'plural') w[w.length - 1] = `${w[w.length - 1]}s`;
    return w.join(' ');
  },
};

const toy: SpinResources = {
  lexicon: toyLexicon({
    house: ['home', 'dwelling', 'zone'],
    big: ['large', 'huge', 'zesty'],
    walk: ['stroll', 'march', 'zoom'],
    city: ['town', 'metropolis'],
    'sit down': ['take a seat'],
    quick: ['fast', 'rapid'],
    dog: ['hound', 'canine'],
    color: ['hue'],
    realize: ['grasp'],
  }),
  // Pairs whose replacement starts with z are the "held-out" slice.
  isHeldOutPair: (a, b) => a.startsWith('z') || b.startsWith('z'),
  morph: toyMorph,
};

const TEXT =
  'The big dog walked to the city. Two houses were big and the quick dog walked. ' +
  'Alice saw the houses. They sit down. We have waited for the same dog, later. The color was bright. ' +
  'Big dogs walked home.';

function undo(spun: string, spans: ReadonlyArray<{ start: number; end: number; original: string }>): string {
  let out = spun;
  for (const s of [...spans].sort((a, b) => b.start - a.start))
    out = out.slice(0, s.start) + s.original + out.slice(s.end);
  return out;
}

describe('simulateSpin', () => {
  it('is deterministic for a seed and its spans align with both texts', () => {
    const a = simulateSpin(TEXT, { seed: 7, rate: 0.6, resources: toy });
    const b = simulateSpin(TEXT, { seed: 7, rate: 0.6, resources: toy });
    expect(b).toEqual(a);
    expect(a.spans.length).toBeGreaterThan(3);
    for (const s of a.spans) {
      expect(a.text.slice(s.start, s.end)).toBe(s.text);
      expect(TEXT.slice(s.originalStart, s.originalEnd)).toBe(s.original);
    }
    expect(undo(a.text, a.spans)).toBe(TEXT);
    const seeds = new Set(
      [1, 2, 3, 4, 5].map((seed) => simulateSpin(TEXT, { seed, rate: 0.5, resources: toy }).text),
    );
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('replaces phrases before words, keeps inflection and capitalisation, protects names and function words', () => {
    const r = simulateSpin(TEXT, {
      seed: 3,
      rate: 1,
      resources: toy,
      numbers: false,
      fillers: false,
      spelling: false,
      pairs: 'in-lexicon',
    });
    const by = new Map(r.spans.map((s) => [s.original, s]));
    expect(by.get('sit down')?.text).toBe('take a seat');
    expect(by.get('sit down')?.kind).toBe('phrase');
    expect(['homes', 'dwellings']).toContain(by.get('houses')?.text);
    expect(['large', 'huge']).toContain(by.get('big')?.text);
    expect(['Large', 'Huge']).toContain(by.get('Big')?.text);
    expect(['strolled', 'marched']).toContain(by.get('walked')?.text);
    expect(r.text).toContain('Alice');
    expect(r.spans.every((s) => !['the', 'to', 'were', 'and'].includes(s.original.toLowerCase()))).toBe(true);
    expect(r.achievedRate).toBeGreaterThan(0.5);
    // "Two" stays: numbers are off.
    expect(r.text).toContain('Two ');
  });

  it('spins fixed two-word terms first, both words at once, as one span', () => {
    const isTerm = (a: string, b: string) => (a === 'quick' && b === 'dog') || (a === 'big' && b === 'dogs');
    const r = simulateSpin(TEXT, {
      seed: 11,
      rate: 0.15,
      resources: toy,
      numbers: false,
      fillers: false,
      spelling: false,
      isTerm,
    });
    const terms = r.spans.filter((s) => s.kind === 'term');
    expect(terms.map((s) => s.original)).toEqual(['quick dog', 'Big dogs']);
    const [quick, big] = terms;
    expect(quick.text).toMatch(/^(fast|rapid) (hound|canine)$/);
    expect(big.text).toMatch(/^(Large|Huge|Zesty) (hound|canine)s$/);
    expect(undo(r.text, r.spans)).toBe(TEXT);
    // Terms are drawn before other units: at this low rate they are all that is spun.
    expect(r.spans.every((s) => s.kind === 'term')).toBe(true);
    // Without isTerm the same words are single-word units.
    const plain = simulateSpin(TEXT, { seed: 11, rate: 1, resources: toy, numbers: false, fillers: false });
    expect(plain.spans.some((s) => s.kind === 'term')).toBe(false);
  });

  it('draws held-out pairs only in out-of-lexicon mode', () => {
    const inLex = simulateSpin(TEXT, { seed: 5, rate: 1, resources: toy, pairs: 'in-lexicon' });
    const outLex = simulateSpin(TEXT, { seed: 5, rate: 1, resources: toy, pairs: 'out-of-lexicon' });
    const thesaurus = (r: typeof inLex) => r.spans.filter((s) => s.kind === 'word' || s.kind === 'phrase');
    expect(thesaurus(inLex).every((s) => !s.heldOut)).toBe(true);
    expect(thesaurus(outLex).length).toBeGreaterThan(0);
    expect(thesaurus(outLex).every((s) => s.heldOut && /^z/i.test(s.text))).toBe(true);
  });

  it('turns number words into digits, inserts fillers and swaps spellings', () => {
    const r = simulateSpin(TEXT, {
      seed: 1,
      rate: 0,
      resources: toy,
      numbers: true,
      fillers: 1,
      spelling: 1,
    });
    expect(r.text).toContain('2 houses');
    expect(r.text).toContain('have actually waited');
    expect(r.text).toContain('the exact same dog');
    expect(r.text).toContain('later on');
    expect(r.text).toContain('The colour was');
    const kinds = r.spans.map((s) => s.kind).sort();
    expect(kinds).toEqual(['filler', 'filler', 'filler', 'number', 'spelling']);
    const filler = r.spans.find((s) => s.original === 'have');
    expect(filler?.text).toBe('have actually');
    expect(swapSpelling('organized', () => false)).toBe('organised');
    expect(swapSpelling('realise', (l) => l === 'realize')).toBe('realize');
    expect(swapSpelling('advise', () => false)).toBeUndefined();
    expect(swapSpelling('theater', () => false)).toBe('theatre');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Metrics

describe('metrics', () => {
  it('span precision, recall and F1 by overlap', () => {
    const gold = [
      { start: 0, end: 5 },
      { start: 10, end: 15 },
      { start: 20, end: 25 },
    ];
    const pred = [
      { start: 3, end: 7 }, // overlaps gold 0
      { start: 14, end: 15 }, // overlaps gold 1
      { start: 15, end: 20 }, // touches both neighbours but overlaps neither (half-open)
      { start: 30, end: 31 },
    ];
    const r = spanPRF(gold, pred);
    expect(r).toMatchObject({ tpPred: 2, pred: 4, tpGold: 2, gold: 3 });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 12);
    expect(Number.isNaN(spanPRF(gold, []).precision)).toBe(true);
    expect(spanPRF(gold, []).recall).toBe(0);
  });

  it('exact restoration top-1 and top-5 on windows', () => {
    const spun = 'the profound neural organization was big';
    //            0   4        13     20           33  37
    const gold = [
      { start: 4, end: 32, original: 'deep neural network' },
      { start: 37, end: 40, original: 'large' },
    ];
    const pred = [
      { start: 4, end: 12, suggestions: [{ text: 'deep' }] },
      {
        start: 20,
        end: 32,
        suggestions: [{ text: 'organisation' }, { text: 'system' }, { text: 'network' }],
      },
      { start: 37, end: 40, suggestions: [{ text: 'Large' }] },
    ];
    const o = restorationOutcomes(spun, gold, pred);
    expect(o).toEqual([
      { detected: true, rank: 2 },
      { detected: true, rank: 0 },
    ]);
    const t = topK([...o, { detected: false, rank: -1 }, { detected: true, rank: -1 }]);
    expect(t).toMatchObject({ gold: 4, detected: 3, top1: 1, top5: 2, top1Rate: 0.25, top5Rate: 0.5 });
    expect(t.top1GivenDetected).toBeCloseTo(1 / 3, 12);
    // A filler flagged with a larger span than the gold insertion.
    const spun2 = 'two years later on than planned';
    const o2 = restorationOutcomes(
      spun2,
      [{ start: 16, end: 18, original: '' }],
      [{ start: 10, end: 18, suggestions: [{ text: 'later' }] }],
    );
    expect(o2).toEqual([{ detected: true, rank: 0 }]);
    // Findings beyond rank 5 do not count.
    const many = Array.from({ length: 6 }, (_, i) => ({ text: `x${i}` }));
    const o3 = restorationOutcomes(
      'a b',
      [{ start: 0, end: 1, original: 'x5' }],
      [{ start: 0, end: 1, suggestions: many }],
    );
    expect(o3).toEqual([{ detected: true, rank: -1 }]);
  });

  it('word error rate by word-level Levenshtein', () => {
    expect(editDistance(['a', 'b', 'c'], ['a', 'c', 'd'])).toBe(2);
    expect(editDistance([], ['x'])).toBe(1);
    const w = wer('The cat sat on the mat.', 'the cat sits on mat');
    expect(w).toEqual({ edits: 2, refWords: 6, wer: 2 / 6 });
    expect(wer('two years', 'two years').wer).toBe(0);
  });

  it('ROC AUC with ties, precision at recall, calibration bins', () => {
    expect(rocAuc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(rocAuc([0.1], [0.9])).toBe(0);
    // One tie among four pairs: (1 + 1 + 0.5 + 0) / 4.
    expect(rocAuc([0.5, 0.9], [0.5, 0.7]).toFixed(4)).toBe(((1 + 1 + 0.5 + 0) / 4).toFixed(4));
    expect(rocAuc([0.5, 0.5], [0.5])).toBe(0.5);
    const curve = prCurve([0.9, 0.8, 0.4], [0.85, 0.3]);
    expect(curve.map((p) => [p.threshold, p.precision, p.recall])).toEqual([
      [0.9, 1, 1 / 3],
      [0.85, 0.5, 1 / 3],
      [0.8, 2 / 3, 2 / 3],
      [0.4, 3 / 4, 1],
      [0.3, 3 / 5, 1],
    ]);
    expect(precisionAtRecall(curve, 0.5)).toBe(3 / 4);
    expect(precisionAtRecall(curve, 0.3)).toBe(1);
    const c = calibration(
      [
        { score: 0.05, positive: false },
        { score: 0.15, positive: false },
        { score: 0.12, positive: true },
        { score: 0.95, positive: true },
        { score: 1, positive: true },
      ],
      10,
    );
    expect(c.bins).toHaveLength(10);
    expect(c.bins[0]).toMatchObject({ count: 1, observed: 0 });
    expect(c.bins[1].count).toBe(2);
    expect(c.bins[1].observed).toBe(0.5);
    expect(c.bins[1].meanScore).toBeCloseTo(0.135, 12);
    expect(c.bins[9]).toMatchObject({ count: 2, observed: 1 });
    expect(c.bins[9].meanScore).toBeCloseTo(0.975, 12);
    expect(c.ece).toBeCloseTo((1 / 5) * 0.05 + (2 / 5) * Math.abs(0.5 - 0.135) + (2 / 5) * 0.025, 12);
  });

  it('span precision–recall curve, quantiles and the log–log slope', () => {
    const pts = spanPRCurve(
      [
        { confidence: 0.9, overlapsGold: true },
        { confidence: 0.6, overlapsGold: false },
        { confidence: 0.3, overlapsGold: true },
      ],
      [0.9, 0.3, Number.NEGATIVE_INFINITY],
    );
    expect(pts.map((p) => [p.threshold, p.precision, p.recall])).toEqual([
      [0.9, 1, 1 / 3],
      [0.6, 0.5, 1 / 3],
      [0.3, 2 / 3, 2 / 3],
    ]);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.99)).toBe(5);
    expect(
      logLogSlope([
        { x: 1000, y: 0.1 },
        { x: 10_000, y: 1 },
        { x: 100_000, y: 10 },
      ]),
    ).toBeCloseTo(1, 12);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Corpora, report and charts

describe('corpora and report helpers', () => {
  it('detokenises Brown and aligns original and spun text', () => {
    expect(detokenizeBrown("``/`` Only/rb a/at handful/nn ''/'' ,/, he/pps said/vbd ./.".split(' '))).toBe(
      '"Only a handful", he said.',
    );
    expect(detokenizeBrown(['Ivan/np', 'Allen/np', 'Jr./np', './.'])).toBe('Ivan Allen Jr.');
    const original = 'Several members have said they will oppose the plan.';
    const spun = 'A number of members have actually stated they will oppose the strategy.';
    const gold = alignTexts(original, spun).map((g) => [spun.slice(g.start, g.end), g.original]);
    expect(gold).toEqual([
      ['A number of', 'Several'],
      ['actually stated', 'said'],
      ['strategy', 'plan'],
    ]);
  });

  it('places tortured phrases in templates and paragraphs', () => {
    const p = placeInTemplate('{p} has received attention.', 'bosom disease', 'breast cancer');
    expect(p.text).toBe('Bosom disease has received attention.');
    expect(p.gold).toEqual([{ start: 0, end: 13, original: 'Breast cancer' }]);
    const q = placeInParagraph('One two. Three four. Five six.', p);
    expect(q.text.slice(q.gold[0].start, q.gold[0].end)).toBe('Bosom disease');
    expect(q.text).toBe('One two. Three four. Bosom disease has received attention. Five six.');
  });

  it('rewrites only the marked sections of BENCHMARKS.md', () => {
    const md =
      'intro\n<!-- bench:a -->\nold\n<!-- /bench -->\nmiddle\n<!-- bench:b -->\nx\n<!-- /bench -->\n';
    expect(updateMarkdown(md, { a: 'new', c: 'ignored' })).toBe(
      'intro\n<!-- bench:a -->\nnew\n<!-- /bench -->\nmiddle\n<!-- bench:b -->\nx\n<!-- /bench -->\n',
    );
  });

  it('draws SVG charts', () => {
    const line = lineChart(
      [
        {
          name: 's',
          points: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
      ],
      {
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
      },
    );
    expect(line).toMatch(/^<svg[\s\S]*<path d="M[\s\S]*<\/svg>\n$/);
    const hist = histogramChart([{ name: 'a', counts: [1, 2, 0] }], { title: 't', xLabel: 'x', yLabel: 'y' });
    expect(hist.match(/<rect /g)?.length).toBe(1 + 2 + 1); // background, two bars, legend
  });
});

// ---------------------------------------------------------------------------------------------------------
// A tiny end-to-end pass

const haveData = existsSync(new URL('../data/lexicon.bin', import.meta.url));

describe('harness end to end', () => {
  it.skipIf(!haveData)('runs quality, clean and real-case passes on a few texts', async () => {
    const { runQuality, runClean, runReal } = await import('../bench/harness.js');
    const { loadSystem, spinResources } = await import('../bench/resources.js');
    process.env.BENCH_QUIET = '1';
    const engine = loadSystem('engine');
    const q = runQuality(engine, spinResources(), {
      docs: 2,
      words: 100,
      rates: [0.2, 0.5],
      genres: ['news', 'fiction'],
    });
    expect(q.overall.map((b) => b.mode)).toEqual(['in-lexicon', 'out-of-lexicon']);
    expect(q.byRate).toHaveLength(4);
    expect(q.byGenre).toHaveLength(4);
    for (const b of q.overall) {
      expect(b.docs).toBe(4);
      expect(b.spans.gold).toBeGreaterThan(0);
      expect(b.restoration.gold).toBe(b.spans.gold);
      expect(b.werSpun).toBeGreaterThan(0);
    }
    expect(q.documents[0].calibration.bins).toHaveLength(10);
    expect(q.documents[0].precisionAtRecall.map((p) => p.recall)).toEqual([0.5, 0.8, 0.9, 0.95]);
    const clean = runClean(engine, { docs: 2 });
    expect(clean.words).toBeGreaterThan(100);
    expect(clean.byGenre.some((g) => g.genre === 'eval')).toBe(true);
    const real = runReal(phraseListChecker(), { ppsLimit: 3 });
    expect(real.summaries.map((s) => s.source)).toEqual([
      'tortured-dev',
      'pps-dev',
      'news-dev',
      'all shared cases',
    ]);
    // The phrase list contains these very phrases: every context is found and restored.
    expect(real.summaries[0].recall).toBe(1);
    expect(real.summaries[0].top1).toBe(1);
    expect(real.pps).toHaveLength(3);
  });
});
