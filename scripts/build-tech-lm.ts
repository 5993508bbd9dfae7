/**
 * Builds the technical-English language model `data/tech.lm.bin` from the technical corpus with the
 * engine's own builder (`unspin lm build`), and writes the provenance block of `data/NOTICE` for the model
 * and the mined terms (`data/terms.tsv`, scripts/build-terms.ts): every Debian package, its version and
 * licence, from the committed manifest `data/tech-corpus.manifest.tsv`.
 *
 * The corpus is reused from `.cache/tech-corpus/train.txt` when it is there; otherwise (or with
 * `--corpus`) scripts/tech-corpus.ts builds it first. Needs `dist/` (`npm run build`).
 *
 * Run: `npx tsx scripts/build-tech-lm.ts [--corpus] [--max-size 24] [--min-count 3] [--notice-only]`
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../src/data.js';
import { MANIFEST_FILE, MANIFEST_HEADER, TRAIN_FILE } from './tech-corpus.js';

const MODEL_FILE = 'tech.lm.bin';
const NOTICE_HEADING = '## tech.lm.bin, terms.tsv';

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: 'inherit' });
}

/** Replace (or append) this block in data/NOTICE, keeping every other section (as scripts/build-lm.ts). */
function writeNotice(noticePath: string, block: string): void {
  const old = existsSync(noticePath) ? readFileSync(noticePath, 'utf8') : '';
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === NOTICE_HEADING);
  let next: string;
  if (start < 0) next = old.trim() === '' ? `${block}\n` : `${old.trimEnd()}\n\n${block}\n`;
  else {
    let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = `${[before, block, after].filter(Boolean).join('\n\n')}\n`;
  }
  writeFileSync(noticePath, next);
}

function noticeBlock(): string {
  const manifest = readFileSync(dataPath(MANIFEST_FILE), 'utf8').trim().split('\n');
  if (manifest[0] !== MANIFEST_HEADER) throw new Error(`${MANIFEST_FILE}: unexpected header`);
  const rows = manifest.slice(1).map((l) => l.split('\t'));
  const licence = (l: string) =>
    l === 'other' ? 'other (a package-specific free licence, see its copyright file)' : l;
  const line = (r: string[]) =>
    `- ${r[0]} ${r[1]} (${r[2]}): ${licence(r[4])}; ${Number(r[7]).toLocaleString('en-US')} words`;
  const train = rows.filter((r) => r[3] === 'train');
  const held = rows.filter((r) => r[3] === 'heldout');
  const words = train.reduce((a, r) => a + Number(r[7]), 0);
  const model = dataPath(MODEL_FILE);
  const sha = existsSync(model)
    ? createHash('sha256').update(readFileSync(model)).digest('hex')
    : 'not built';
  return [
    NOTICE_HEADING,
    '',
    'data/tech.lm.bin (technical-English trigram model, built by scripts/build-tech-lm.ts with `unspin lm build`)',
    'and data/terms.tsv (multiword terms with counts and association scores, scripts/build-terms.ts) are',
    `derived from the English prose (${words.toLocaleString('en-US')} words after deduplication) of the documentation in`,
    'these Debian packages (Debian main, DFSG-free). They contain n-gram statistics and short phrases of',
    "that text, not the text itself. Each package's licence is the one its debian/copyright file gives",
    'for its files (`Files: *`); the full terms are in /usr/share/doc/<package>/copyright of each package.',
    `tech.lm.bin sha256 ${sha}`,
    '',
    ...train.map(line),
    '',
    'Held out (not used for the model or the terms; read only by the benchmark for false findings):',
    '',
    ...held.map(line),
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  if (!args.includes('--notice-only')) {
    if (args.includes('--corpus') || !existsSync(TRAIN_FILE)) sh('npx', ['tsx', 'scripts/tech-corpus.ts']);
    if (!existsSync('dist/cli/main.js')) sh('npm', ['run', 'build']);
    sh('node', [
      'dist/cli/main.js',
      'lm',
      'build',
      TRAIN_FILE,
      '--out',
      dataPath(MODEL_FILE),
      '--order',
      '3',
      '--max-size',
      option(args, '--max-size', '24'),
      '--min-count',
      option(args, '--min-count', '3'),
    ]);
  }
  writeNotice(dataPath('NOTICE'), noticeBlock());
  process.stderr.write(`data/NOTICE: block "${NOTICE_HEADING}" written\n`);
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) main();
