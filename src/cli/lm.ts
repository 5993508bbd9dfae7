/** `unspin lm build | import-arpa | info`: make, convert and describe n-gram language models. */
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { UnspinError } from '../errors.js';
import { describeModelFile, type ModelInfo } from '../lm/info.js';
import { EXIT_CLEAN } from './check.js';
import type { CliIO } from './io.js';

const BUILD_HELP = `
Trains a modified Kneser-Ney back-off model on the text of the inputs (files, directories searched
recursively, or - for stdin), tokenized and lower-cased exactly as the engine looks words up. Counting
spills sorted runs to a temporary directory, so memory stays bounded whatever the corpus size.
--max-size prunes n-grams below a count cut-off (the highest order most) until the file fits.

Examples:
  $ unspin lm build docs/ --out tech.lm.bin --order 4 --max-size 40
  $ unspin lm build --jsonl records.jsonl --out my.lm.bin
  $ unspin check --lm my.lm.bin essay.txt

Exit codes: 0 built, 2 usage or input error.
`;

function parseIntAtLeast(min: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected ${what}.`);
    return n;
  };
}

function parseMegabytes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a size in megabytes (1 MB = 1,000,000 bytes), like 40.');
  }
  return n;
}

/** Refuse early an output that cannot be written (before a long build). */
function checkWritable(path: string): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new UnspinError('IO', `${path}: is a directory`);
  try {
    if (!statSync(dirname(path)).isDirectory()) throw new Error('ENOTDIR');
  } catch {
    throw new UnspinError('IO', `${path}: cannot write (no such directory ${dirname(path)})`);
  }
}

/** Write via a temporary file and a rename, so a failed run never leaves half a model behind. */
export function writeModelFile(path: string, data: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new UnspinError('IO', `${path}: cannot write (${e.code ?? e.message})`);
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function stylishInfo(info: ModelInfo): string {
  const rows: Array<[string, string]> = [
    [
      'format',
      info.format === 'unspin' ? `unspin n-gram model, version ${info.version}` : 'CMU Sphinx trie model',
    ],
    ['order', String(info.order)],
    ['vocabulary', `${fmt(info.vocabulary)} words`],
    ...info.ngrams.map((c, i): [string, string] => [`${i + 1}-grams`, fmt(c)]),
    ['size', `${(info.bytes / 1e6).toFixed(1)} MB (${fmt(info.bytes)} bytes)`],
  ];
  if (info.source) rows.push(['source', info.source]);
  if (info.inputs && info.inputs.length > 0) rows.push(['inputs', info.inputs.join(', ')]);
  if (info.tokens) rows.push(['corpus', `${fmt(info.tokens)} words, ${fmt(info.sentences ?? 0)} sentences`]);
  if (info.corpusSha256) rows.push(['sha256', info.corpusSha256]);
  if (info.pruned?.some((c) => c > 0)) {
    rows.push([
      'pruned',
      info.pruned
        .map((c, i) => `${fmt(c)} ${i + 1}-grams`)
        .filter((_, i) => info.pruned![i] > 0)
        .join(', '),
    ]);
  }
  if (info.discounts && info.discounts.length > 0) {
    rows.push([
      'discounts',
      info.discounts.map((d, i) => `${i + 1}: ${d.map((x) => x.toFixed(3)).join('/')}`).join('  '),
    ]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${info.file}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

/** `--lm <file>` for check and restore: an extra language model, repeatable. */
export function lmFileOption() {
  return new Option('--lm <file>', 'also use this language model (unspin .lm.bin or Sphinx; repeatable)')
    .argParser((value: string, previous: string[]) => [...previous, value])
    .default([] as string[], 'none');
}

function formatOption() {
  return new Option('-f, --format <format>', 'output format')
    .choices(['stylish', 'json'] as const)
    .default('stylish' as const);
}

export function registerLmCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const lm = program.command('lm').description('build, import and describe n-gram language models');

  lm.command('build')
    .description('train a smoothed n-gram model (modified Kneser-Ney) from text')
    .argument('<corpus...>', 'text files, directories (searched recursively) or - for stdin')
    .requiredOption('--out <file>', 'model file to write')
    .addOption(
      new Option('--order <n>', 'n-gram order: 2, 3 or 4')
        .argParser(parseIntAtLeast(2, 'an order of 2 to 4'))
        .default(3),
    )
    .addOption(
      new Option('--max-size <MB>', 'prune until the file fits this many megabytes').argParser(
        parseMegabytes,
      ),
    )
    .option('--jsonl', 'inputs are JSON Lines records {"text": ...}')
    .addOption(
      new Option('--min-count <n>', 'words seen fewer times become <unk>')
        .argParser(parseIntAtLeast(1, 'a whole number of at least 1'))
        .default(1),
    )
    .addOption(
      new Option('--workers <n>', 'counting threads (default: up to 2)').argParser(
        parseIntAtLeast(1, 'a whole number of at least 1'),
      ),
    )
    .addOption(formatOption())
    .addHelpText('after', BUILD_HELP)
    .action(async (corpus, opts) => {
      if (opts.order > 4) throw new UnspinError('USAGE', `order must be 2 to 4, not ${opts.order}`);
      checkWritable(opts.out);
      const { buildModel } = await import('../lm/build/index.js');
      const tty = io.stderr.isTTY === true;
      const started = Date.now();
      const result = await buildModel({
        inputs: corpus,
        order: opts.order,
        maxBytes: opts.maxSize === undefined ? undefined : Math.floor(opts.maxSize * 1e6),
        jsonl: opts.jsonl,
        minCount: opts.minCount,
        workers: opts.workers,
        stdin: io.stdin,
        onProgress: tty ? (m) => io.stderr.write(`\r\u001b[Kunspin: ${m}…`) : undefined,
      });
      if (tty) io.stderr.write('\r\u001b[K');
      writeModelFile(opts.out, result.buffer);
      const info = describeModelFile(opts.out);
      const seconds = (Date.now() - started) / 1000;
      if (opts.format === 'json') {
        io.stdout.write(
          `${JSON.stringify({ ...info, runs: result.report.runs, unknownWords: result.report.unknownWords, minCounts: result.report.minCounts, seconds })}\n`,
        );
      } else {
        io.stdout.write(stylishInfo(info));
        io.stdout.write(
          `  built in ${seconds.toFixed(1)} s (${fmt(result.report.runs)} runs spilled to disk)\n`,
        );
      }
      setExit(EXIT_CLEAN);
    });

  lm.command('import-arpa')
    .description('convert an ARPA model (KenLM, SRILM) into the format unspin reads')
    .argument('<file>', 'ARPA file')
    .requiredOption('--out <file>', 'model file to write')
    .addOption(formatOption())
    .action(async (file, opts) => {
      checkWritable(opts.out);
      const [{ readArpa }, { encodeModel }] = await Promise.all([
        import('../lm/arpa.js'),
        import('../lm/format.js'),
      ]);
      const model = await readArpa(file);
      writeModelFile(opts.out, encodeModel(model));
      const info = describeModelFile(opts.out);
      io.stdout.write(opts.format === 'json' ? `${JSON.stringify(info)}\n` : stylishInfo(info));
      setExit(EXIT_CLEAN);
    });

  lm.command('info')
    .description('print the order, vocabulary, n-gram counts and size of a model file')
    .argument('<file>', 'model file (unspin .lm.bin or CMU Sphinx trie)')
    .addOption(formatOption())
    .action((file, opts) => {
      const info = describeModelFile(file);
      io.stdout.write(opts.format === 'json' ? `${JSON.stringify(info)}\n` : stylishInfo(info));
      setExit(EXIT_CLEAN);
    });
}
