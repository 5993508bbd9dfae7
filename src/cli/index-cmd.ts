/**
 * `unspin index add|stats|remove`: build and maintain the source index. Files are keyed by their path
 * as given (inside a directory: the directory argument joined with the relative path), stdin by
 * --stdin-filename, JSON Lines records by their "id". Every batch is one transaction: a run that is
 * killed leaves the batches it committed, and running the same command again finishes the job.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Command, Option } from '@commander-js/extra-typings';
import { UnspinError } from '../errors.js';
import { openIndex } from '../source/index.js';
import { type CliIO, DEFAULT_MAX_BYTES, fsError, InputReader, Output, parseBytes, STDIN_NAME } from './io.js';
import { DEFAULT_INDEX } from './source.js';

const EXIT_OK = 0;
const EXIT_ERROR = 2;

const ADD_HELP = `
Inputs are plain-text files, directories (read recursively; hidden files and directories are skipped),
or "-" for stdin. With --jsonl each input line is {"id":…,"text":…}. A document whose id is already in
the index with the same text is left alone; with a different text it is replaced. Documents with the
same text are stored once.

Examples:
  $ unspin index add articles/                    into ./unspin-index.db
  $ unspin index add --jsonl corpus.jsonl --index corpus.db
  $ unspin index add papers/ --index postgres://user@db.example/unspin

Exit codes: 0 done, 2 usage or input error (the other inputs are still added).
`;

interface AddCliOptions {
  index: string;
  jsonl?: boolean;
  stdinFilename?: string;
  format: 'text' | 'json';
  maxBytes: number;
  batchSize: number;
}

/** Files under a directory, recursively, in a stable order, skipping hidden entries. */
async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Array<{ name: string; isDirectory(): boolean; isFile(): boolean }>;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw fsError(dir, err);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) yield path;
  }
}

/** JSON Lines records {"id","text"} from a stream; a bad line is reported and skipped. */
async function* jsonlRecords(
  stream: Readable,
  name: string,
  report: (message: string) => void,
): AsyncGenerator<{ id: string; text: string }> {
  stream.setEncoding('utf8');
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  for await (let line of rl) {
    lineNo++;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      report(`${name}:${lineNo}: invalid JSON (${(err as Error).message})`);
      continue;
    }
    const r = rec as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      report(`${name}:${lineNo}: expected an object like {"id":…,"text":…}`);
      continue;
    }
    const id = typeof r.id === 'number' ? String(r.id) : r.id;
    if (typeof id !== 'string' || id === '') {
      report(`${name}:${lineNo}: "id" must be a non-empty string`);
      continue;
    }
    if (typeof r.text !== 'string' || !/\S/.test(r.text)) {
      report(`${name}:${lineNo}: "text" must be a non-empty string`);
      continue;
    }
    yield { id, text: r.text };
  }
}

export async function runIndexAdd(
  inputs: readonly string[],
  opts: AddCliOptions,
  io: CliIO,
): Promise<number> {
  const args = inputs.length > 0 ? inputs : ['-'];
  if (args.includes('-') && io.stdin.isTTY === true) {
    throw new UnspinError('USAGE', 'no input: give files or directories, or pipe text into stdin');
  }
  let failed = false;
  const report = (message: string) => {
    failed = true;
    io.stderr.write(`unspin: ${message}\n`);
  };
  const reader = new InputReader(io, opts.maxBytes, opts.stdinFilename ?? STDIN_NAME);

  async function* plainFile(path: string): AsyncGenerator<{ id: string; text: string }> {
    try {
      const input = await reader.read(path);
      yield { id: input.name, text: input.text };
    } catch (err) {
      if (!(err instanceof UnspinError)) throw err;
      report(err.message);
    }
  }

  async function* documents(): AsyncGenerator<{ id: string; text: string }> {
    for (const arg of args) {
      if (arg === '-') {
        if (opts.jsonl) yield* jsonlRecords(io.stdin, opts.stdinFilename ?? STDIN_NAME, report);
        else yield* plainFile('-');
        continue;
      }
      let isDir = false;
      try {
        isDir = (await stat(arg)).isDirectory();
      } catch (err) {
        report(fsError(arg, err).message);
        continue;
      }
      const files = isDir
        ? walk(arg)
        : (async function* () {
            yield arg;
          })();
      for await (const path of files) {
        if (opts.jsonl) yield* jsonlRecords(createReadStream(path), path, report);
        else yield* plainFile(path);
      }
    }
  }

  const index = await openIndex(opts.index, { create: true });
  try {
    const totals = await index.add(documents(), { batchSize: opts.batchSize });
    const stats = await index.stats();
    const output = new Output(io, undefined);
    if (opts.format === 'json') {
      await output.write(`${JSON.stringify({ ...totals, documents: stats.documents })}\n`);
    } else {
      await output.write(
        `added ${totals.added}, replaced ${totals.replaced}, unchanged ${totals.unchanged}; ` +
          `${stats.documents} document${stats.documents === 1 ? '' : 's'} in ${index.target}\n`,
      );
    }
  } finally {
    await index.close();
  }
  return failed ? EXIT_ERROR : EXIT_OK;
}

function formatOption() {
  return new Option('-f, --format <format>', 'output format')
    .choices(['text', 'json'] as const)
    .default('text' as const);
}

export function registerIndexCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const index = program
    .command('index')
    .description('build and maintain the source index used by unspin source');
  const target = () =>
    new Option('--index <target>', 'the index: a SQLite file or a postgres:// URL').default(DEFAULT_INDEX);

  index
    .command('add')
    .description('add documents (files, directories, stdin, or JSON Lines records) to the index')
    .argument('[inputs...]', 'files or directories; "-" or none reads stdin')
    .addOption(target())
    .option('--jsonl', 'inputs are JSON Lines, one {"id","text"} per line')
    .option('--stdin-filename <name>', 'id of the document read from stdin')
    .addOption(formatOption())
    .addOption(
      new Option('--max-bytes <size>', 'skip files larger than this')
        .argParser(parseBytes)
        .default(DEFAULT_MAX_BYTES, '64M'),
    )
    .addOption(
      new Option('--batch-size <n>', 'documents per transaction')
        .argParser((v) => Math.max(1, Number.parseInt(v, 10) || 500))
        .default(500),
    )
    .addHelpText('after', ADD_HELP)
    .action(async (inputs, opts) => {
      setExit(await runIndexAdd(inputs, opts, io));
    });

  index
    .command('stats')
    .description('how many documents the index holds and how big it is')
    .addOption(target())
    .addOption(formatOption())
    .action(async (opts) => {
      const idx = await openIndex(opts.index, { readonly: false });
      try {
        const s = await idx.stats();
        const perDoc = s.documents === 0 ? 0 : Math.round(s.bytes / s.documents);
        const out =
          opts.format === 'json'
            ? `${JSON.stringify({ backend: s.backend, documents: s.documents, contents: s.contents, bytes: s.bytes, bytesPerDocument: perDoc })}\n`
            : `index: ${idx.target} (${s.backend})\ndocuments: ${s.documents}\ndistinct texts: ${s.contents}\n` +
              `bytes: ${s.bytes}\nbytes per document: ${perDoc}\n`;
        await new Output(io, undefined).write(out);
      } finally {
        await idx.close();
      }
      setExit(EXIT_OK);
    });

  index
    .command('remove')
    .description('remove documents from the index by id')
    .argument('<ids...>', 'document ids (as printed by unspin source)')
    .addOption(target())
    .action(async (ids, opts) => {
      const idx = await openIndex(opts.index);
      let missing = false;
      try {
        for (const id of ids) {
          if (await idx.remove(id)) io.stdout.write(`removed ${id}\n`);
          else {
            missing = true;
            io.stderr.write(`unspin: ${id}: no such document in the index\n`);
          }
        }
      } finally {
        await idx.close();
      }
      setExit(missing ? EXIT_ERROR : EXIT_OK);
    });
}
