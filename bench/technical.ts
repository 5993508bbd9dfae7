/**
 * The technical model's benchmark (`npm run bench:technical`): the same engine with and without the
 * technical-English model and the mined terms, in one run.
 *
 * - Tortured phrases (`tortured-dev.tsv`, `pps-dev.tsv`, placed in sentences exactly as the main harness
 *   does, `runReal`): the share of phrase contexts flagged and the share restored exactly (top suggestion
 *   equal to the expected phrase), plus for pps-dev the same shares weighted by how many papers carry each
 *   phrase.
 * - False findings per 1,000 words on clean technical prose the model never saw: the held-out Debian
 *   documentation packages (`.cache/tech-corpus/heldout.txt`, built by scripts/tech-corpus.ts), cut into
 *   documents of about 300 words.
 *
 * Writes `bench/results/technical.json` and the `<!-- bench:technical -->` section of BENCHMARKS.md.
 *
 * Run: `npm run bench:technical [-- --pps N] [--heldout-words N] [--heldout FILE] [--configs a,b] [--no-write]`
 * (configuration names: general, general+terms, general+technical, general+technical+terms)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine, type EngineOptions } from '../src/engine.js';
import { loadTerms } from '../src/lexicon/terms.js';
import { countWords } from './corpora.js';
import { type CaseSummary, type PhraseResult, runReal } from './harness.js';
import { perThousand } from './metrics.js';
import { int, num, pct, updateMarkdown } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const HELDOUT = join(root, '.cache/tech-corpus/heldout.txt');
const TECH_MODEL = join(root, 'data/tech.lm.bin');
const DOC_WORDS = 300;
/** A low confidence floor, to see how far clean prose stays below the reporting threshold. */
const LOW_CONFIDENCE = 0.1;

interface Config {
  name: string;
  technical: boolean;
  terms: boolean;
}

const CONFIGS: readonly Config[] = [
  { name: 'general', technical: false, terms: false },
  { name: 'general + terms', technical: false, terms: true },
  { name: 'general + technical', technical: true, terms: false },
  { name: 'general + technical + terms', technical: true, terms: true },
];

interface Weighted {
  flagged: number;
  restored: number;
}

interface ConfigResult {
  name: string;
  tortured: CaseSummary;
  pps: CaseSummary;
  /** pps-dev shares weighted by the number of papers carrying each phrase. */
  ppsByPapers: Weighted;
  heldout: {
    docs: number;
    words: number;
    /** Findings at the default minimum confidence (0.5). */
    findings: number;
    perThousand: number;
    /** Findings at confidence 0.1 and above: the margin below the reporting threshold. */
    perThousandLow: number;
    /** Mean document spin score (0–1) of the clean documents. */
    meanScore: number;
  };
  seconds: number;
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** Held-out paragraphs grouped into documents of about DOC_WORDS words, up to `maxWords` in all, spread evenly. */
export function heldoutDocs(text: string, maxWords: number): string[] {
  const paras = text.split('\n').filter((l) => l.trim().length > 0);
  const docs: string[] = [];
  let cur: string[] = [];
  let words = 0;
  for (const p of paras) {
    cur.push(p);
    words += countWords(p);
    if (words >= DOC_WORDS) {
      docs.push(cur.join('\n\n'));
      cur = [];
      words = 0;
    }
  }
  const total = docs.length;
  const want = Math.max(1, Math.floor(maxWords / DOC_WORDS));
  if (total <= want) return docs;
  const step = total / want;
  return Array.from({ length: want }, (_, i) => docs[Math.floor(i * step)]);
}

function byPapers(results: readonly PhraseResult[]): Weighted {
  let w = 0;
  let flagged = 0;
  let restored = 0;
  for (const r of results) {
    const p = r.papers ?? 1;
    w += p;
    flagged += (p * r.detected) / r.contexts;
    restored += (p * r.top1) / r.contexts;
  }
  return { flagged: flagged / w, restored: restored / w };
}

function makeEngine(c: Config): Engine {
  // `technical` is part of EngineOptions once the engine combines models; older engines ignore it.
  const engine = createEngine({ lexiconHoldout: 'exclude', technical: c.technical } as EngineOptions);
  engine.detector.source.useTerms(c.terms ? loadTerms() : undefined);
  return engine;
}

function runConfig(c: Config, ppsLimit: number | 'all', docs: readonly string[]): ConfigResult {
  const t0 = Date.now();
  const engine = makeEngine(c);
  log(`${c.name}: tortured phrases`);
  const real = runReal(engine, { ppsLimit });
  const tortured = real.summaries.find((s) => s.source === 'tortured-dev')!;
  const pps = real.summaries.find((s) => s.source === 'pps-dev')!;
  log(`${c.name}: held-out technical prose (${docs.length} documents)`);
  let words = 0;
  let findings = 0;
  let low = 0;
  let scores = 0;
  for (const d of docs) {
    words += countWords(d);
    const r = engine.check(d, { minConfidence: LOW_CONFIDENCE });
    low += r.findings.length;
    findings += r.findings.filter((f) => f.confidence >= 0.5).length;
    scores += r.score;
  }
  return {
    name: c.name,
    tortured,
    pps,
    ppsByPapers: byPapers(real.pps),
    heldout: {
      docs: docs.length,
      words,
      findings,
      perThousand: perThousand(findings, words),
      perThousandLow: perThousand(low, words),
      meanScore: scores / Math.max(1, docs.length),
    },
    seconds: (Date.now() - t0) / 1000,
  };
}

function markdown(r: {
  command: string;
  date: string;
  commit: string;
  machine: string;
  techModel: string;
  terms: number;
  configs: ConfigResult[];
}): string {
  const base = r.configs[0];
  const rows = r.configs.map((c) => [
    c.name,
    pct(c.tortured.recall),
    pct(c.tortured.top1),
    pct(c.pps.recall),
    pct(c.pps.top1),
    pct(c.ppsByPapers.restored),
    num(c.heldout.perThousand),
    num(c.heldout.perThousandLow),
    num(c.heldout.meanScore, 3),
    c === base
      ? ''
      : `${c.pps.top1 - base.pps.top1 >= 0 ? '+' : ''}${num(100 * (c.pps.top1 - base.pps.top1), 1)} pts`,
  ]);
  const head = [
    'configuration',
    'tortured-dev flagged',
    'tortured-dev restored',
    'pps-dev flagged',
    'pps-dev restored',
    'pps-dev restored (by papers)',
    'held-out false findings /1k words',
    'held-out findings /1k at confidence ≥ 0.1',
    'held-out mean document score',
    'pps-dev restored, gain',
  ];
  const table = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ].join('\n');
  const best = r.configs[r.configs.length - 1];
  const target = best.heldout.perThousand <= 2 ? 'met' : '**SHORT**';
  return [
    `- Command: \`${r.command}\`; ${r.date}; commit ${r.commit}; ${r.machine}.`,
    `- Technical model: ${r.techModel}; terms: ${int(r.terms)}.`,
    `- Phrases: ${int(base.tortured.spans)} tortured-dev and ${int(base.pps.spans)} pps-dev contexts (${int(base.pps.phrases)} pps-dev phrases), placed as in the main harness; "restored" = top suggestion equals the expected phrase.`,
    `- Held-out prose: ${int(base.heldout.words)} words in ${int(base.heldout.docs)} documents from the held-out packages (data/tech-corpus.manifest.tsv, split \`heldout\`).`,
    '',
    table,
    '',
    `Target "false findings on held-out technical prose ≤ 2 per 1,000 words" (${best.name}): ${target} (${num(best.heldout.perThousand)}).`,
  ].join('\n');
}

function main(): void {
  const ppsArg = arg('--pps');
  const ppsLimit: number | 'all' = ppsArg ? Number(ppsArg) : 'all';
  const maxWords = Number(arg('--heldout-words') ?? 30_000);
  const only = arg('--configs')?.split(',');
  const heldoutFile = arg('--heldout') ?? HELDOUT;
  if (!existsSync(heldoutFile)) {
    log(`unspin bench: ${heldoutFile} is missing; build it with: npx tsx scripts/tech-corpus.ts`);
    process.exit(2);
  }
  const hasTech = existsSync(TECH_MODEL);
  if (!hasTech) log('data/tech.lm.bin is missing: configurations with the technical model are skipped');
  const docs = heldoutDocs(readFileSync(heldoutFile, 'utf8'), maxWords);
  const terms = loadTerms();
  const configs = CONFIGS.filter(
    (c) =>
      (hasTech || !c.technical) && (terms || !c.terms) && (!only || only.includes(c.name.replace(/ /g, ''))),
  );
  const results = configs.map((c) => runConfig(c, ppsLimit, docs));
  const c0 = cpus();
  const report = {
    command: `npm run bench:technical${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 10),
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--', 'src', 'data']) ? ' + uncommitted changes' : ''}`,
    machine: `${c0[0]?.model.trim() ?? 'unknown CPU'}, ${c0.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    techModel: hasTech ? 'data/tech.lm.bin' : 'absent',
    terms: terms?.size ?? 0,
    configs: results,
  };
  for (const r of results) {
    log(
      `${r.name}: tortured-dev ${pct(r.tortured.recall)} flagged, ${pct(r.tortured.top1)} restored; pps-dev ${pct(r.pps.recall)} flagged, ${pct(r.pps.top1)} restored (${pct(r.ppsByPapers.restored)} by papers); held-out ${num(r.heldout.perThousand)} findings/1k words (${r.seconds.toFixed(0)} s)`,
    );
  }
  // Partial runs (a few phrases, some configurations) are for development: they do not touch the page.
  if (process.argv.includes('--no-write')) return;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/technical.json'), `${JSON.stringify(report, null, 1)}\n`);
  const mdPath = join(root, 'BENCHMARKS.md');
  let md = readFileSync(mdPath, 'utf8');
  if (!md.includes('<!-- bench:technical -->')) {
    md = `${md.trimEnd()}\n\n## Technical model\n\nWritten by \`npm run bench:technical\` (bench/technical.ts).\n\n<!-- bench:technical -->\n<!-- /bench -->\n`;
  }
  writeFileSync(mdPath, updateMarkdown(md, { technical: markdown(report) }));
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) main();
