/**
 * BENCHMARKS.md tables from a benchmark report. The file keeps hand-written prose; only the text between
 * `<!-- bench:NAME -->` and the next `<!-- /bench -->` is rewritten.
 */

import { HEAP_GROWING_PERCENT, SEMI_SPACE_MB } from '../src/heap.js';
import type { CaseSummary, CleanReport, QualityReport, RealReport } from './harness.js';
import { MIN_DOC_RATE, MIN_DOC_WORDS } from './harness.js';
import { SYSTEM_LABELS, type SystemName } from './resources.js';
import type { SpeedResult } from './speed.js';

export interface RunInfo {
  mode: 'quick' | 'full';
  command: string;
  date: string;
  commit: string;
  machine: string;
  node: string;
  /** Processes the quality, clean and real-case jobs ran on. */
  processes: number;
  /** Share of all cores busy with other work just before the speed runs (it skews timings). */
  busyBeforeSpeed?: number;
  seconds: Record<string, number>;
}

export interface BenchReport {
  run: RunInfo;
  quality: QualityReport;
  baselineQuality: Partial<Record<SystemName, QualityReport>>;
  clean: Partial<Record<SystemName, CleanReport>>;
  real: Partial<Record<SystemName, RealReport>>;
  speed: SpeedResult[];
  targets: TargetRow[];
}

export interface TargetRow {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '–';
}

export function num(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

export function int(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [header.map(cell), align, ...rows.map((r) => r.map(cell))]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');
}

const MET = '✅ met';
const SHORT = '❌ **SHORT**';

// ---------------------------------------------------------------------------------------------------------
// Targets

export function targetRows(
  quality: QualityReport,
  clean: CleanReport | undefined,
  real: RealReport | undefined,
  speed: SpeedResult | undefined,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const shared = real?.summaries.find((s) => s.source === 'all shared cases');
  if (shared) {
    rows.push({
      target: 'shared eval cases: substituted spans flagged',
      goal: '≥ 80%',
      measured: pct(shared.recall),
      met: shared.recall >= 0.8,
    });
    rows.push({
      target: 'shared eval cases: exact original, top-1',
      goal: '≥ 50%',
      measured: pct(shared.top1),
      met: shared.top1 >= 0.5,
    });
    rows.push({
      target: 'shared eval cases: exact original, top-5',
      goal: '≥ 75%',
      measured: pct(shared.top5),
      met: shared.top5 >= 0.75,
    });
  }
  if (clean) {
    const brown = clean.byGenre.filter((g) => g.genre !== 'eval');
    const words = brown.reduce((a, g) => a + g.words, 0);
    const findings = brown.reduce((a, g) => a + g.findings, 0);
    const rate = (1000 * findings) / words;
    rows.push({
      target: 'clean Brown text: findings per 1,000 words (default threshold)',
      goal: '≤ 2',
      measured: num(rate),
      met: rate <= 2,
    });
  }
  for (const d of quality.documents) {
    rows.push({
      target: `document AUC, news ≥ ${MIN_DOC_WORDS} words, spin ≥ ${pct(MIN_DOC_RATE, 0)} (${d.mode}; ${d.texts.spunNews} spun / ${d.texts.cleanNews} clean texts)`,
      goal: '≥ 0.98',
      measured: num(d.aucNews, 3),
      met: d.aucNews >= 0.98,
    });
  }
  if (speed) {
    rows.push({
      target: 'speed on news text, one core',
      goal: '≥ 20,000 words/s',
      measured: `${int(speed.wordsPerSecond)} words/s`,
      met: speed.wordsPerSecond >= 20000,
    });
    rows.push({
      target: 'peak memory (RSS) checking news documents',
      goal: '< 500 MB',
      measured: `${int(speed.peakRssDocsMB)} MB`,
      met: speed.peakRssDocsMB < 500,
    });
    const largest = speed.scaling[speed.scaling.length - 1];
    if (largest) {
      rows.push({
        target: `peak memory (RSS) including one text of ${int(largest.words)} words`,
        goal: '< 500 MB',
        measured: largest.error ? `run failed (${largest.error.slice(0, 80)})` : `${int(speed.peakRssMB)} MB`,
        met: !largest.error && speed.peakRssMB < 500,
      });
    }
    rows.push({
      target: 'linear cost (log–log slope of time on words)',
      goal: '≤ 1.10',
      measured: `${num(speed.scalingSlope)} (${speed.scaling
        .filter((p) => !p.error)
        .map((p) => int(p.words))
        .join(', ')} words)${speed.scaling.some((p) => p.error) ? '; a larger text failed' : ''}`,
      met: speed.scalingSlope <= 1.1 && !speed.scaling.some((p) => p.error),
    });
  }
  return rows;
}

function cpuCount(machine: string): string {
  return /(\d+) cores/.exec(machine)?.[1] ?? '?';
}

// ---------------------------------------------------------------------------------------------------------
// Sections

export function sections(r: BenchReport): Record<string, string> {
  const q = r.quality;
  const out: Record<string, string> = {};

  const sec = (k: string) => `${(r.run.seconds[k] ?? 0).toFixed(0)} s`;
  const cpu = Object.entries(r.run.seconds)
    .filter(([k]) => k.endsWith('(cpu-s)'))
    .map(([k, v]) => `${k.replace(' (cpu-s)', '')} ${v.toFixed(0)} s`)
    .join(', ');
  const secs = `${sec('total')} in all: measuring passes ${sec('parallel')} on ${r.run.processes} processes (time per section, summed over systems: ${cpu}), then speed runs ${sec('speed')} alone`;
  out.run = [
    `- Command: \`${r.run.command}\` (${r.run.mode} run)`,
    `- Date: ${r.run.date}`,
    `- Commit: \`${r.run.commit}\``,
    `- Machine: ${r.run.machine}; Node ${r.run.node}`,
    `- Time: ${secs}`,
    `- Harness self-check: the single-pass evaluation (check at minConfidence 0, filtered at the default threshold) agreed with plain \`check()\`/\`restore()\` on ${q.consistency.checked - q.consistency.mismatched} of ${q.consistency.checked} texts compared${q.consistency.mismatched ? ' — **MISMATCH: the quality figures are suspect**' : ''}.`,
    `- Simulated spin: ${q.config.docs} Brown documents of ~${q.config.words} words (${q.config.genres.join(', ')}), spin rates ${q.config.rates.map((x) => pct(x, 0)).join(', ')}, seed ${q.config.seed}; the engine runs with the held-out slice of the lexicon excluded.`,
  ].join('\n');

  out.targets = table(
    ['Target', 'Goal', 'Measured', 'Status'],
    r.targets.map((t) => [t.target, t.goal, t.measured, t.met ? MET : SHORT]),
  );

  const qRow = (label: string, b: QualityReport['overall'][number]) => [
    label,
    int(b.docs),
    pct(b.achievedRate),
    int(b.spans.gold),
    pct(b.spans.precision),
    pct(b.spans.recall),
    pct(b.spans.f1),
    pct(b.restoration.top1Rate),
    pct(b.restoration.top5Rate),
    `${pct(b.werSpun)} → ${pct(b.werRestored)}`,
  ];
  const qHeader = [
    '',
    'docs',
    'spun words',
    'gold spans',
    'precision',
    'recall',
    'F1',
    'top-1',
    'top-5',
    'WER spun → restored',
  ];
  const overallRows = q.overall.map((b) => qRow(`**${SYSTEM_LABELS.engine}**, ${b.mode}`, b));
  for (const [name, bq] of Object.entries(r.baselineQuality) as Array<[SystemName, QualityReport]>) {
    for (const b of bq.overall) overallRows.push(qRow(`${SYSTEM_LABELS[name]}, ${b.mode}`, b));
  }
  out.quality = [
    '**Overall** (all rates and genres pooled; spans micro-averaged; the baselines run on a quarter as many documents):',
    '',
    table(qHeader, overallRows),
    '',
    '**By spin rate** (share of content words the simulator was asked to replace; "spun words" is the share it achieved):',
    '',
    table(
      qHeader,
      q.byRate.map((b) => qRow(`${b.mode}, ${pct(b.rate, 0)}`, b)),
    ),
    '',
    '**By genre**:',
    '',
    table(
      qHeader,
      q.byGenre.map((b) => qRow(`${b.mode}, ${b.genre}`, b)),
    ),
    '',
    '**By kind of substitution** (recall and restoration of gold spans; "held out" = the pair is unknown to the engine):',
    '',
    table(
      ['pairs', 'kind', 'gold spans', 'recall', 'top-1', 'top-5', 'top-1 when flagged'],
      q.byKind.map((k) => [
        k.mode,
        `${k.kind}${k.kind === 'word' || k.kind === 'phrase' ? (k.heldOut ? ' (held out)' : ' (in lexicon)') : ''}`,
        int(k.gold),
        pct(k.recall),
        pct(k.restoration.top1Rate),
        pct(k.restoration.top5Rate),
        pct(k.restoration.top1GivenDetected),
      ]),
    ),
  ].join('\n');

  const docRows = q.documents.map((d) => [
    d.mode,
    `${d.texts.spun} / ${d.texts.clean}`,
    num(d.auc, 3),
    `${d.texts.spunNews} / ${d.texts.cleanNews}`,
    num(d.aucNews, 3),
    ...d.byRate.map((x) => num(x.auc, 3)),
    ...d.precisionAtRecall.map((x) => pct(x.precision)),
  ]);
  const calib = q.documents.map((d) =>
    [
      `*${d.mode}* (ECE ${num(d.calibration.ece, 3)}):`,
      '',
      table(
        ['score bin', 'texts', 'mean score', 'observed spun'],
        d.calibration.bins.map((b) => [
          `${num(b.lo, 1)}–${num(b.hi, 1)}`,
          int(b.count),
          num(b.meanScore),
          pct(b.observed),
        ]),
      ),
    ].join('\n'),
  );
  out.documents = [
    `AUC of the document score, spun against clean texts of ≥ ${MIN_DOC_WORDS} words (clean mean score ${num(q.cleanMeanScore, 3)}). Precision at fixed recall and the reliability table use a balanced set: each clean text once and one spun version of it (rates ≥ ${pct(MIN_DOC_RATE, 0)} in turn).`,
    '',
    table(
      [
        'pairs',
        'texts spun / clean',
        `AUC (rates ≥ ${pct(MIN_DOC_RATE, 0)})`,
        'news texts spun / clean',
        'AUC news',
        ...q.config.rates.map((x) => `AUC ${pct(x, 0)}`),
        ...q.documents[0].precisionAtRecall.map((x) => `P@R${pct(x.recall, 0)}`),
      ],
      docRows,
    ),
    '',
    table(
      ['pairs', ...q.config.genres.map((g) => `AUC ${g}`)],
      q.documents.map((d) => [d.mode, ...d.byGenre.map((g) => num(g.auc, 3))]),
    ),
    '',
    'Reliability of the score (balanced set):',
    '',
    ...calib.flatMap((c) => [c, '']),
    '![Precision–recall curves](bench/results/pr-curve.svg) ![Score distributions](bench/results/scores.svg)',
  ].join('\n');

  const cleanEngine = r.clean.engine;
  if (cleanEngine) {
    const rows = cleanEngine.byGenre.map((g) => [
      g.genre === 'eval' ? 'shared eval originals' : g.genre,
      int(g.docs),
      int(g.words),
      int(g.findings),
      num(g.perThousand),
      num(g.meanScore, 3),
      pct(g.flaggedDocs),
    ]);
    rows.push([
      '**all**',
      int(cleanEngine.docs),
      int(cleanEngine.words),
      int(cleanEngine.findings),
      num(cleanEngine.perThousand),
      num(cleanEngine.meanScore, 3),
      pct(cleanEngine.flaggedDocs),
    ]);
    const base = (Object.entries(r.clean) as Array<[SystemName, CleanReport]>)
      .filter(([n]) => n !== 'engine')
      .map(([n, c]) => `${SYSTEM_LABELS[n]}: ${num(c.perThousand)} findings per 1,000 words`);
    out.clean = [
      table(
        ['genre', 'docs', 'words', 'findings', 'per 1,000 words', 'mean score', 'docs not "clean"'],
        rows,
      ),
      '',
      `Most frequent flagged words: ${cleanEngine.topFlagged.map((t) => `${t.text} (${t.count})`).join(', ') || 'none'}.`,
      '',
      base.length ? `Other systems on the same texts: ${base.join('; ')}.` : '',
    ].join('\n');
  }

  const re = r.real.engine;
  if (re) {
    const sumRow = (s: CaseSummary, label = s.source) => [
      label,
      int(s.phrases),
      int(s.spans),
      pct(s.recall),
      pct(s.top1),
      pct(s.top5),
      num(s.cleanPerThousand),
    ];
    const rows = re.summaries.map((s) => sumRow(s));
    for (const [name, rb] of Object.entries(r.real) as Array<[SystemName, RealReport]>) {
      if (name === 'engine') continue;
      const all = rb.summaries.find((s) => s.source === 'all shared cases');
      if (all)
        rows.push(
          sumRow(
            all,
            `${SYSTEM_LABELS[name]}: all shared cases${name === 'phrase-list' ? ' (its own list: circular)' : ''}`,
          ),
        );
    }
    const phraseRow = (p: RealReport['tortured'][number]) => [
      `${p.tortured} → ${p.expected}`,
      p.papers === undefined ? '' : int(p.papers),
      `${p.detected}/${p.contexts}`,
      `${p.top1}/${p.contexts}`,
      `${p.top5}/${p.contexts}`,
      int(p.otherFindings),
      int(p.cleanFindings),
    ];
    const phraseHeader = [
      'phrase → expected',
      'papers',
      'flagged',
      'top-1',
      'top-5',
      'other findings',
      'findings in clean version',
    ];
    out.real = [
      table(
        ['source', 'phrases/texts', 'spans', 'flagged', 'top-1', 'top-5', 'clean findings per 1,000 words'],
        rows,
      ),
      '',
      'Contexts per phrase: tortured-dev: its own sentence, five neutral templates and its sentence inside a paragraph of clean Brown "learned" prose; pps-dev: five templates and one paragraph.',
      '',
      '**tortured-dev, per phrase**:',
      '',
      table(
        phraseHeader.filter((h) => h !== 'papers'),
        re.tortured.map((p) => phraseRow(p).filter((_, i) => i !== 1)),
      ),
      '',
      `**pps-dev, the ${Math.min(20, re.pps.length)} most-cited phrases** (all ${re.pps.length} in \`bench/results/pps-per-phrase.tsv\`):`,
      '',
      table(
        phraseHeader,
        [...re.pps]
          .sort((a, b) => (b.papers ?? 0) - (a.papers ?? 0))
          .slice(0, 20)
          .map(phraseRow),
      ),
      '',
      '**news-dev**:',
      '',
      table(
        [
          'text',
          'words',
          'gold spans',
          'precision',
          'recall',
          'top-1',
          'top-5',
          'WER spun → restored',
          'score spun / clean',
        ],
        re.news.map((n) => [
          n.id,
          int(n.words),
          int(n.spans.gold),
          pct(n.spans.precision),
          pct(n.spans.recall),
          pct(n.restoration.top1Rate),
          pct(n.restoration.top5Rate),
          `${pct(n.werSpun)} → ${pct(n.werRestored)}`,
          `${num(n.spunScore, 3)} / ${num(n.cleanScore, 3)}`,
        ]),
      ),
    ].join('\n');
  }

  if (r.speed.length) {
    const eng = r.speed.find((s) => s.system === 'engine' && !s.defaultHeap) ?? r.speed[0];
    // Rows measured on the news documents only (the default-heap comparison) stay out of the length series.
    const scaled = r.speed.filter((s) => s.scaling.length > 0);
    const label = (s: SpeedResult) =>
      `${SYSTEM_LABELS[s.system]}${s.defaultHeap ? ', V8 default heap settings' : ''}`;
    const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–');
    out.speed = [
      `News text (${int(eng.docs)} texts: Brown news pieces of ~300 words and the news-dev original, ${int(eng.words)} words), one document at a time after a short warm-up, each system in a fresh process${eng.pinned ? ' pinned to one core (taskset)' : ''}. Load time runs from importing the system to the end of its first check (models load lazily). Every process caps V8's heap growth at ${HEAP_GROWING_PERCENT}% of the live heap, as the CLI and the server do, and runs with ${SEMI_SPACE_MB} MB young-generation semi-spaces, as the CLI's #! line starts it (src/heap.ts); the row marked "V8 default heap settings" runs the engine on the same documents with neither.`,
      '',
      table(
        [
          'system',
          'load (s)',
          'words/s',
          'docs/s',
          'p50 ms/doc',
          'p99 ms/doc',
          'RSS after load (MB)',
          'peak RSS, docs (MB)',
          'peak RSS, largest text (MB)',
          'engine words/s ÷ this',
        ],
        r.speed.map((s) => [
          label(s),
          num(s.loadSeconds),
          int(s.wordsPerSecond),
          num(s.docsPerSecond, 1),
          num(s.p50ms),
          num(s.p99ms),
          int(s.rssAfterLoadMB),
          int(s.peakRssDocsMB),
          s.scaling.length ? int(s.peakRssMB) : '–',
          s === eng ? '1×' : ratio(eng.wordsPerSecond, s.wordsPerSecond),
        ]),
      ),
      '',
      r.run.busyBeforeSpeed === undefined || r.run.busyBeforeSpeed === null
        ? ''
        : `Other work on the machine just before the speed runs: ${pct(r.run.busyBeforeSpeed, 0)} of its ${cpuCount(r.run.machine)} cores busy${r.run.busyBeforeSpeed > 0.2 ? ' (timings are pessimistic)' : ''}.`,
      '',
      '**Cost by text length** (one text of N words made of Brown sentences; up to 10k words the median over several different texts; the largest sizes repeat the corpus):',
      '',
      table(
        [
          'words',
          ...scaled.map((s) => `${SYSTEM_LABELS[s.system]} (s)`),
          ...scaled.map((s) => `${SYSTEM_LABELS[s.system]} words/s`),
        ],
        eng.scaling.map((p, i) => [
          int(p.words),
          ...scaled.map((s) =>
            s.scaling[i]?.error ? 'failed (see latest.json)' : num(s.scaling[i]?.seconds ?? Number.NaN, 3),
          ),
          ...scaled.map((s) => int(s.scaling[i]?.wordsPerSecond ?? Number.NaN)),
        ]),
      ),
      '',
      `Log–log slope of time on words (1 = linear): ${scaled.map((s) => `${SYSTEM_LABELS[s.system]} ${num(s.scalingSlope)}`).join(', ')}.`,
      '',
      '![Cost by text length](bench/results/scaling.svg)',
    ].join('\n');
  }
  return out;
}

/** Replaces the text between `<!-- bench:NAME -->` and the next `<!-- /bench -->` for each section given. */
export function updateMarkdown(md: string, secs: Record<string, string>): string {
  let out = md;
  for (const [name, body] of Object.entries(secs)) {
    const re = new RegExp(`(<!-- bench:${name} -->)[\\s\\S]*?(<!-- /bench -->)`);
    if (!re.test(out)) continue;
    out = out.replace(re, (_m, open: string, close: string) => `${open}\n${body.trim()}\n${close}`);
  }
  return out;
}
