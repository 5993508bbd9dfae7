/**
 * The quality harness: simulated spin on Brown documents, clean text for false positives, and the shared real
 * cases. Pure of timing (speed lives in speed.ts), so a tiny run of it is part of the smoke test.
 */
import type { CheckResult, Finding } from '../src/types.js';
import type { Checker } from './baselines.js';
import {
  brownDocs,
  countWords,
  type Doc,
  type Genre,
  isEvalFile,
  loadNewsDev,
  loadPps,
  loadTortured,
  type Placed,
  placeInParagraph,
  placeInTemplate,
  placeOwnSentence,
  sampleDocs,
  sharedCleanDocs,
  TEMPLATES,
  type TorturedCase,
} from './corpora.js';
import {
  type Calibration,
  calibration,
  histogram,
  overlaps,
  type PRF,
  type PRPoint,
  perThousand,
  prCurve,
  precisionAtRecall,
  type RestorationOutcome,
  restorationOutcomes,
  rocAuc,
  spanPRCurve,
  spanPRF,
  sumPRF,
  sumWER,
  type TopK,
  thinCurve,
  topK,
  type WER,
  wer,
} from './metrics.js';
import { hashString } from './prng.js';
import { type PairMode, type SpinKind, type SpinResources, simulateSpin } from './simulate.js';

export const GENRES: readonly Genre[] = ['news', 'editorial', 'learned', 'fiction'];
export const RATES: readonly number[] = [0.1, 0.2, 0.3, 0.45, 0.6];
export const MODES: readonly PairMode[] = ['in-lexicon', 'out-of-lexicon'];
/** Document-level figures use texts of at least this many words and spin rates of at least MIN_DOC_RATE. */
export const MIN_DOC_WORDS = 150;
export const MIN_DOC_RATE = 0.2;
export const RECALL_LEVELS = [0.5, 0.8, 0.9, 0.95];

export interface QualityConfig {
  /** Clean Brown documents to spin, spread evenly over `genres`. */
  docs: number;
  /** Target words per document. */
  words: number;
  rates: readonly number[];
  modes: readonly PairMode[];
  genres: readonly Genre[];
  seed: number;
  /** Also run each spun text at minConfidence 0 for the span precision–recall curve. */
  spanCurve: boolean;
}

export const QUICK_QUALITY: QualityConfig = {
  docs: 40,
  words: 300,
  rates: RATES,
  modes: MODES,
  genres: GENRES,
  seed: 1,
  spanCurve: true,
};

export const FULL_QUALITY: QualityConfig = { ...QUICK_QUALITY, docs: 400 };

function progress(msg: string): void {
  if (process.env.BENCH_QUIET) return;
  const tag = process.env.BENCH_TAG;
  process.stderr.write(`${tag ? `[${tag}] ` : ''}${msg.trim()}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Aggregated blocks

export interface Block {
  docs: number;
  words: number;
  /** Mean achieved share of content words replaced by word/phrase substitutions. */
  achievedRate: number;
  spans: PRF;
  restoration: TopK;
  /** WER of the spun text against the original, and of the restored text. */
  werSpun: number;
  werRestored: number;
}

/** Recall and restoration of gold spans of one kind (precision cannot be attributed to a kind). */
export interface KindBlock {
  kind: SpinKind;
  heldOut: boolean;
  gold: number;
  recall: number;
  restoration: TopK;
}

interface SpunRecord {
  doc: Doc;
  rate: number;
  mode: PairMode;
  achievedRate: number;
  score: number;
  prf: PRF;
  outcomes: Array<RestorationOutcome & { kind: SpinKind; heldOut: boolean }>;
  werSpun: WER;
  werRestored: WER;
  spanConf: Array<{ confidence: number; overlapsGold: boolean }>;
  goldBest: number[];
}

function block(rs: readonly SpunRecord[]): Block {
  return {
    docs: rs.length,
    words: rs.reduce((a, r) => a + r.doc.words, 0),
    achievedRate: rs.length ? rs.reduce((a, r) => a + r.achievedRate, 0) / rs.length : Number.NaN,
    spans: sumPRF(rs.map((r) => r.prf)),
    restoration: topK(rs.flatMap((r) => r.outcomes)),
    werSpun: sumWER(rs.map((r) => r.werSpun)).wer,
    werRestored: sumWER(rs.map((r) => r.werRestored)).wer,
  };
}

function kindBlocks(rs: readonly SpunRecord[]): KindBlock[] {
  const out: KindBlock[] = [];
  const all = rs.flatMap((r) => r.outcomes);
  const kinds: SpinKind[] = ['word', 'phrase', 'number', 'filler', 'spelling'];
  for (const kind of kinds) {
    for (const heldOut of [false, true]) {
      const os = all.filter((o) => o.kind === kind && o.heldOut === heldOut);
      if (os.length === 0) continue;
      out.push({
        kind,
        heldOut,
        gold: os.length,
        recall: os.filter((o) => o.detected).length / os.length,
        restoration: topK(os),
      });
    }
  }
  return out;
}

export interface DocLevel {
  mode: PairMode;
  /** AUC of spun (rate ≥ MIN_DOC_RATE) against clean texts of ≥ MIN_DOC_WORDS words, all genres. */
  auc: number;
  /** The same on news texts only (the engine's target). */
  aucNews: number;
  /** Spun and clean texts behind `auc` and `aucNews`. */
  texts: { spun: number; clean: number; spunNews: number; cleanNews: number };
  byRate: Array<{ rate: number; auc: number; meanScore: number }>;
  byGenre: Array<{ genre: Genre; auc: number }>;
  /** On a balanced set: one spun version (rates ≥ MIN_DOC_RATE in turn) per clean text. */
  precisionAtRecall: Array<{ recall: number; precision: number }>;
  calibration: Calibration;
  prCurve: PRPoint[];
  spanPrCurve: PRPoint[];
  /** Score histograms (20 bins over [0, 1]) of the balanced set. */
  scoreHistogram: { clean: number[]; spun: number[] };
}

export interface QualityReport {
  config: QualityConfig;
  consistency: Consistency;
  cleanMeanScore: number;
  overall: Array<{ mode: PairMode } & Block>;
  byRate: Array<{ mode: PairMode; rate: number } & Block>;
  byGenre: Array<{ mode: PairMode; genre: Genre } & Block>;
  byKind: Array<{ mode: PairMode } & KindBlock>;
  documents: DocLevel[];
  /** Findings on the unspun versions of the same documents. */
  clean: CleanReport;
}

/** The default `minConfidence` of `check` (CheckOptions documents 0.5). */
export const DEFAULT_THRESHOLD = 0.5;

export interface Consistency {
  /** Texts on which the single-pass evaluation was compared with plain check() and restore() calls. */
  checked: number;
  /** Of those, how many disagreed (score, findings or restored text). Must be 0. */
  mismatched: number;
}

interface Evaluated {
  /** What check(text) returns at the default threshold. */
  result: CheckResult;
  /** Every finding, at minConfidence 0. */
  all: Finding[];
  /** What restore(text) returns: the top suggestion of each default finding applied. */
  restored: string;
}

function applyTop(text: string, findings: readonly Finding[]): string {
  let out = text;
  let limit = text.length;
  for (const f of [...findings].sort((a, b) => b.start - a.start)) {
    const top = f.suggestions[0];
    if (!top || f.end > limit) continue;
    out = out.slice(0, f.start) + top.text + out.slice(f.end);
    limit = f.start;
  }
  return out;
}

/**
 * One engine pass per text: check at minConfidence 0, then the default findings are those at or above the
 * default threshold and the restoration applies their top suggestions. `verify` also calls check() and
 * restore() the ordinary way and counts disagreements, so the shortcut is checked on every run.
 */
function evaluate(checker: Checker, text: string, consistency?: Consistency): Evaluated {
  const full = checker.check(text, { minConfidence: 0 });
  const findings = full.findings.filter((f) => f.confidence >= DEFAULT_THRESHOLD);
  const result: CheckResult = { ...full, findings };
  const restored = applyTop(text, findings);
  if (consistency) {
    consistency.checked++;
    const plain = checker.check(text);
    const same =
      Math.abs(plain.score - result.score) < 1e-9 &&
      plain.verdict === result.verdict &&
      JSON.stringify(plain.findings) === JSON.stringify(findings) &&
      checker.restore(text).text === restored;
    if (!same) consistency.mismatched++;
  }
  return { result, all: full.findings, restored };
}

/** Every VERIFY_EVERY-th text is evaluated both ways. */
const VERIFY_EVERY = 20;

/** Simulated spin on Brown documents: spans, restoration, WER, document scores, by rate, genre and kind. */
export function runQuality(
  checker: Checker,
  resources: SpinResources,
  partial: Partial<QualityConfig> = {},
): QualityReport {
  const cfg: QualityConfig = { ...QUICK_QUALITY, ...partial };
  const docs = sampleDocs(brownDocs({ docWords: cfg.words, files: isEvalFile }), cfg.docs, cfg.genres);
  const consistency: Consistency = { checked: 0, mismatched: 0 };
  let counter = 0;
  const run = (text: string) =>
    evaluate(checker, text, counter++ % VERIFY_EVERY === 0 ? consistency : undefined);
  const clean = docs.map((doc) => ({ doc, result: run(doc.text).result }));
  const records: SpunRecord[] = [];
  let n = 0;
  for (const doc of docs) {
    for (const mode of cfg.modes) {
      for (const rate of cfg.rates) {
        const seed = hashString(`${cfg.seed}|${doc.id}|${mode}|${rate}`);
        const spun = simulateSpin(doc.text, { seed, rate, pairs: mode, resources });
        const { result: res, all, restored } = run(spun.text);
        const outcomes = restorationOutcomes(spun.text, spun.spans, res.findings);
        let spanConf: SpunRecord['spanConf'] = [];
        let goldBest: number[] = [];
        if (cfg.spanCurve) {
          spanConf = all.map((f) => ({
            confidence: f.confidence,
            overlapsGold: spun.spans.some((g) => overlaps(g, f)),
          }));
          goldBest = spun.spans.map((g) =>
            all.reduce(
              (m, f) => (overlaps(g, f) && f.confidence > m ? f.confidence : m),
              Number.NEGATIVE_INFINITY,
            ),
          );
        }
        records.push({
          doc,
          rate,
          mode,
          achievedRate: spun.achievedRate,
          score: res.score,
          prf: spanPRF(spun.spans, res.findings),
          outcomes: outcomes.map((o, i) => ({
            ...o,
            kind: spun.spans[i].kind,
            heldOut: spun.spans[i].heldOut,
          })),
          werSpun: wer(doc.text, spun.text),
          werRestored: wer(doc.text, restored),
          spanConf,
          goldBest,
        });
      }
    }
    if (++n % 10 === 0) progress(`  quality: ${n}/${docs.length} documents`);
  }

  const overall = cfg.modes.map((mode) => ({ mode, ...block(records.filter((r) => r.mode === mode)) }));
  const byRate = cfg.modes.flatMap((mode) =>
    cfg.rates.map((rate) => ({
      mode,
      rate,
      ...block(records.filter((r) => r.mode === mode && r.rate === rate)),
    })),
  );
  const byGenre = cfg.modes.flatMap((mode) =>
    cfg.genres.map((genre) => ({
      mode,
      genre,
      ...block(records.filter((r) => r.mode === mode && r.doc.genre === genre)),
    })),
  );
  const byKind = cfg.modes.flatMap((mode) =>
    kindBlocks(records.filter((r) => r.mode === mode)).map((k) => ({ mode, ...k })),
  );

  // Document level.
  const cleanScore = new Map(clean.map((c) => [c.doc.id, c.result.score]));
  const longEnough = (d: Doc) => d.words >= MIN_DOC_WORDS;
  const negatives = (filter: (d: Doc) => boolean) =>
    clean.filter((c) => longEnough(c.doc) && filter(c.doc)).map((c) => c.result.score);
  const highRates = cfg.rates.filter((r) => r >= MIN_DOC_RATE - 1e-9);
  const documents: DocLevel[] = cfg.modes.map((mode) => {
    const mine = records.filter((r) => r.mode === mode && longEnough(r.doc));
    const pos = (filter: (r: SpunRecord) => boolean) => mine.filter(filter).map((r) => r.score);
    const high = (r: SpunRecord) => highRates.includes(r.rate);
    const balancedPos: number[] = [];
    const balancedNeg: number[] = [];
    docs.filter(longEnough).forEach((d, i) => {
      const rate = highRates[i % Math.max(1, highRates.length)];
      const r = mine.find((x) => x.doc.id === d.id && x.rate === rate);
      if (r) balancedPos.push(r.score);
      balancedNeg.push(cleanScore.get(d.id) ?? 0);
    });
    const curve = prCurve(balancedPos, balancedNeg);
    const spanRecords = records.filter((r) => r.mode === mode);
    return {
      mode,
      texts: {
        spun: pos(high).length,
        clean: negatives(() => true).length,
        spunNews: pos((r) => high(r) && r.doc.genre === 'news').length,
        cleanNews: negatives((d) => d.genre === 'news').length,
      },
      auc: rocAuc(
        pos(high),
        negatives(() => true),
      ),
      aucNews: rocAuc(
        pos((r) => high(r) && r.doc.genre === 'news'),
        negatives((d) => d.genre === 'news'),
      ),
      byRate: cfg.rates.map((rate) => {
        const p = pos((r) => r.rate === rate);
        return {
          rate,
          auc: rocAuc(
            p,
            negatives(() => true),
          ),
          meanScore: mean(p),
        };
      }),
      byGenre: cfg.genres.map((genre) => ({
        genre,
        auc: rocAuc(
          pos((r) => high(r) && r.doc.genre === genre),
          negatives((d) => d.genre === genre),
        ),
      })),
      precisionAtRecall: RECALL_LEVELS.map((recall) => ({
        recall,
        precision: precisionAtRecall(curve, recall),
      })),
      calibration: calibration([
        ...balancedPos.map((score) => ({ score, positive: true })),
        ...balancedNeg.map((score) => ({ score, positive: false })),
      ]),
      prCurve: thinCurve(curve, 200),
      spanPrCurve: cfg.spanCurve
        ? thinCurve(
            spanPRCurve(
              spanRecords.flatMap((r) => r.spanConf),
              spanRecords.flatMap((r) => r.goldBest),
            ),
            200,
          )
        : [],
      scoreHistogram: { clean: histogram(balancedNeg, 20), spun: histogram(balancedPos, 20) },
    };
  });

  if (consistency.mismatched > 0) {
    progress(
      `WARNING: ${consistency.mismatched}/${consistency.checked} texts disagree between check(text, {minConfidence: 0}) filtered at ${DEFAULT_THRESHOLD} and plain check()/restore()`,
    );
  }
  return {
    config: cfg,
    consistency,
    cleanMeanScore: mean(clean.map((c) => c.result.score)),
    overall,
    byRate,
    byGenre,
    byKind,
    documents,
    clean: cleanBlock(clean),
  };
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

// ---------------------------------------------------------------------------------------------------------
// Clean text

export interface CleanGroup {
  docs: number;
  words: number;
  findings: number;
  perThousand: number;
  meanScore: number;
  /** Share of documents whose verdict is not 'clean'. */
  flaggedDocs: number;
}

export interface CleanReport extends CleanGroup {
  byGenre: Array<{ genre: Genre | 'eval' } & CleanGroup>;
  /** The most frequent flagged words (lower case) with counts, to see what the false positives are. */
  topFlagged: Array<{ text: string; count: number }>;
}

function cleanGroup(rs: ReadonlyArray<{ doc: Doc; result: CheckResult }>): CleanGroup {
  const words = rs.reduce((a, r) => a + r.doc.words, 0);
  const findings = rs.reduce((a, r) => a + r.result.findings.length, 0);
  return {
    docs: rs.length,
    words,
    findings,
    perThousand: perThousand(findings, words),
    meanScore: mean(rs.map((r) => r.result.score)),
    flaggedDocs: rs.length ? rs.filter((r) => r.result.verdict !== 'clean').length / rs.length : Number.NaN,
  };
}

function cleanBlock(rs: ReadonlyArray<{ doc: Doc; result: CheckResult }>): CleanReport {
  const order: Array<Genre | 'eval'> = ['news', 'editorial', 'learned', 'fiction', 'other', 'eval'];
  const present = new Set(rs.map((r) => (r.doc.category === 'eval' ? 'eval' : r.doc.genre)));
  const genres = order.filter((g) => present.has(g));
  const counts = new Map<string, number>();
  for (const r of rs)
    for (const f of r.result.findings)
      counts.set(f.text.toLowerCase(), (counts.get(f.text.toLowerCase()) ?? 0) + 1);
  return {
    ...cleanGroup(rs),
    byGenre: genres.map((genre) => ({
      genre,
      ...cleanGroup(rs.filter((r) => (r.doc.category === 'eval' ? 'eval' : r.doc.genre) === genre)),
    })),
    topFlagged: [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 15)
      .map(([text, count]) => ({ text, count })),
  };
}

export interface CleanConfig {
  /** Brown documents to check ('all' for the whole corpus). */
  docs: number | 'all';
  words: number;
  genres: readonly Genre[];
}

export const QUICK_CLEAN: CleanConfig = { docs: 120, words: 300, genres: [...GENRES, 'other'] };
export const FULL_CLEAN: CleanConfig = { docs: 'all', words: 300, genres: [...GENRES, 'other'] };

/** Findings per 1,000 words on clean Brown text (by genre) and on the originals of the shared cases. */
export function runClean(checker: Checker, partial: Partial<CleanConfig> = {}): CleanReport {
  const cfg = { ...QUICK_CLEAN, ...partial };
  const all = brownDocs({ docWords: cfg.words, files: isEvalFile }).filter((d) =>
    cfg.genres.includes(d.genre),
  );
  const docs = cfg.docs === 'all' ? all : sampleDocs(all, cfg.docs, cfg.genres);
  const rs: Array<{ doc: Doc; result: CheckResult }> = [];
  for (const doc of [...docs, ...sharedCleanDocs()]) {
    rs.push({ doc, result: checker.check(doc.text) });
    if (rs.length % 200 === 0) progress(`  clean: ${rs.length}/${docs.length} documents`);
  }
  return cleanBlock(rs);
}

// ---------------------------------------------------------------------------------------------------------
// Real cases

export interface PhraseResult {
  tortured: string;
  expected: string;
  papers?: number;
  contexts: number;
  detected: number;
  top1: number;
  top5: number;
  /** Findings outside the phrase, in the spun contexts. */
  otherFindings: number;
  /** Findings in the same contexts with the expected phrase in place (clean versions). */
  cleanFindings: number;
}

export interface CaseSummary {
  source: string;
  phrases: number;
  /** Gold spans judged (phrases × contexts, or substituted spans of the news texts). */
  spans: number;
  recall: number;
  top1: number;
  top5: number;
  /** Findings per 1,000 words of the clean versions of the same texts. */
  cleanPerThousand: number;
}

export interface RealReport {
  summaries: CaseSummary[];
  tortured: PhraseResult[];
  pps: PhraseResult[];
  news: Array<{
    id: string;
    words: number;
    spans: PRF;
    restoration: TopK;
    werSpun: number;
    werRestored: number;
    spunScore: number;
    cleanScore: number;
    cleanFindings: number;
  }>;
}

export interface RealConfig {
  /** pps-dev phrases to use (the first N rows, the file's order), or 'all'. */
  ppsLimit: number | 'all';
}

export const QUICK_REAL: RealConfig = { ppsLimit: 150 };
export const FULL_REAL: RealConfig = { ppsLimit: 'all' };

/** Paragraphs of clean learned prose (Brown 'learned') to embed tortured phrases in. */
function paragraphPool(): string[] {
  const pool: string[] = [];
  for (const d of brownDocs({ docWords: 300, genres: ['learned'], files: isEvalFile })) {
    for (const p of d.text.split('\n\n')) {
      const w = countWords(p);
      if (w >= 80 && w <= 200) pool.push(p);
    }
    if (pool.length >= 40) break;
  }
  return pool;
}

function judge(
  checker: Checker,
  placed: Placed,
): { detected: boolean; rank: number; other: number; clean: number; words: number } {
  const res = checker.check(placed.text);
  const g = placed.gold[0];
  const [o] = restorationOutcomes(placed.text, placed.gold, res.findings);
  const other = res.findings.filter((f: Finding) => !overlaps(f, g)).length;
  const cleanText = placed.text.slice(0, g.start) + g.original + placed.text.slice(g.end);
  const clean = checker.check(cleanText).findings.length;
  return { detected: o.detected, rank: o.rank, other, clean, words: countWords(cleanText) };
}

function phraseResults(
  checker: Checker,
  cases: readonly TorturedCase[],
  pool: readonly string[],
  own: boolean,
): { results: PhraseResult[]; cleanWords: number; cleanFindings: number } {
  const results: PhraseResult[] = [];
  let cleanWords = 0;
  let cleanFindings = 0;
  cases.forEach((c, i) => {
    const contexts: Placed[] = TEMPLATES.map((t) => placeInTemplate(t, c.tortured, c.expected));
    const ownSentence = own ? placeOwnSentence(c) : undefined;
    if (ownSentence) contexts.unshift(ownSentence);
    const inPara = ownSentence ?? contexts[i % contexts.length];
    if (pool.length) contexts.push(placeInParagraph(pool[i % pool.length], inPara));
    const r: PhraseResult = {
      tortured: c.tortured,
      expected: c.expected,
      papers: c.papers,
      contexts: contexts.length,
      detected: 0,
      top1: 0,
      top5: 0,
      otherFindings: 0,
      cleanFindings: 0,
    };
    for (const ctx of contexts) {
      const j = judge(checker, ctx);
      if (j.detected) r.detected++;
      if (j.rank === 0) r.top1++;
      if (j.rank >= 0 && j.rank < 5) r.top5++;
      r.otherFindings += j.other;
      r.cleanFindings += j.clean;
      cleanWords += j.words;
      cleanFindings += j.clean;
    }
    results.push(r);
    if ((i + 1) % 100 === 0) progress(`  phrases: ${i + 1}/${cases.length}`);
  });
  return { results, cleanWords, cleanFindings };
}

function summarize(
  source: string,
  results: readonly PhraseResult[],
  cleanWords: number,
  cleanFindings: number,
): CaseSummary {
  const spans = results.reduce((a, r) => a + r.contexts, 0);
  const sum = (f: (r: PhraseResult) => number) => results.reduce((a, r) => a + f(r), 0);
  return {
    source,
    phrases: results.length,
    spans,
    recall: sum((r) => r.detected) / spans,
    top1: sum((r) => r.top1) / spans,
    top5: sum((r) => r.top5) / spans,
    cleanPerThousand: perThousand(cleanFindings, cleanWords),
  };
}

/** The shared development cases: tortured phrases in context, and the aligned news texts. */
export function runReal(checker: Checker, partial: Partial<RealConfig> = {}): RealReport {
  const cfg = { ...QUICK_REAL, ...partial };
  const pool = paragraphPool();
  const tortured = phraseResults(checker, loadTortured(), pool, true);
  const ppsCases = loadPps();
  const pps = phraseResults(
    checker,
    cfg.ppsLimit === 'all' ? ppsCases : ppsCases.slice(0, cfg.ppsLimit),
    pool,
    false,
  );
  const news = loadNewsDev().map((p) => {
    const res = checker.check(p.spun);
    const cleanRes = checker.check(p.original);
    return {
      id: p.id,
      words: countWords(p.original),
      spans: spanPRF(p.gold, res.findings),
      restoration: topK(restorationOutcomes(p.spun, p.gold, res.findings)),
      werSpun: wer(p.original, p.spun).wer,
      werRestored: wer(p.original, checker.restore(p.spun).text).wer,
      spunScore: res.score,
      cleanScore: cleanRes.score,
      cleanFindings: cleanRes.findings.length,
      _outcomes: restorationOutcomes(p.spun, p.gold, res.findings),
    };
  });
  const newsOutcomes = news.flatMap((n) => n._outcomes);
  const newsT = topK(newsOutcomes);
  const newsWords = news.reduce((a, n) => a + n.words, 0);
  const summaries: CaseSummary[] = [
    summarize('tortured-dev', tortured.results, tortured.cleanWords, tortured.cleanFindings),
    summarize('pps-dev', pps.results, pps.cleanWords, pps.cleanFindings),
    {
      source: 'news-dev',
      phrases: news.length,
      spans: newsT.gold,
      recall: newsT.detected / newsT.gold,
      top1: newsT.top1Rate,
      top5: newsT.top5Rate,
      cleanPerThousand: perThousand(
        news.reduce((a, n) => a + n.cleanFindings, 0),
        newsWords,
      ),
    },
  ];
  const allSpans = summaries.reduce((a, s) => a + s.spans, 0);
  const weighted = (f: (s: CaseSummary) => number) =>
    summaries.reduce((a, s) => a + f(s) * s.spans, 0) / allSpans;
  summaries.push({
    source: 'all shared cases',
    phrases: summaries.reduce((a, s) => a + s.phrases, 0),
    spans: allSpans,
    recall: weighted((s) => s.recall),
    top1: weighted((s) => s.top1),
    top5: weighted((s) => s.top5),
    cleanPerThousand: perThousand(
      tortured.cleanFindings + pps.cleanFindings + news.reduce((a, n) => a + n.cleanFindings, 0),
      tortured.cleanWords + pps.cleanWords + newsWords,
    ),
  });
  return {
    summaries,
    tortured: tortured.results,
    pps: pps.results,
    news: news.map(({ _outcomes, ...rest }) => rest),
  };
}
