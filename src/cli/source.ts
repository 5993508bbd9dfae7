/**
 * `unspin source FILE --index TARGET`: the indexed documents a text was most likely spun from, and with
 * `--align` the text against the best one, word by word. Also the `--index` support of check and restore.
 */
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { Engine } from '../engine.js';
import { applyEdits } from '../engine.js';
import { UnspinError } from '../errors.js';
import { painter } from '../formats/stylish.js';
import { type AlignedSpan, checkWithSource, openIndex, type SourceIndex } from '../source/index.js';
import type { CheckOptions, CheckResult, Edit, RestoreResult } from '../types.js';
import {
  type CliIO,
  DEFAULT_MAX_BYTES,
  InputReader,
  Output,
  parseBytes,
  STDIN_NAME,
  useColor,
} from './io.js';

/** Where the index lives when --index is not given. */
export const DEFAULT_INDEX = './unspin-index.db';

export const EXIT_FOUND = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_ERROR = 2;

const SOURCE_HELP = `
Ranks the indexed documents by how much of the text they explain: similarity is the share of the
text's words that are the same as, or synonyms of, the aligned words of the document; coverage is the
share of the text inside passages aligned to it (substituted words included).

Examples:
  $ unspin index add articles/ --index news.db
  $ unspin source spun.txt --index news.db
  $ unspin source spun.txt --index news.db --align          the text against the best source
  $ unspin source spun.txt --index postgres://localhost/news -f json

Exit codes: 0 a source was found, 1 none was found, 2 usage or input error.
`;

export interface SourceCliOptions {
  index: string;
  format: 'stylish' | 'json';
  limit: number;
  align?: boolean;
  stdinFilename?: string;
  color: boolean;
  maxBytes: number;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return n;
}

/** The text with every aligned difference shown as [-text-]{+source+}. */
export function alignedDiff(text: string, spans: readonly AlignedSpan[], color: boolean): string {
  const paint = painter(color);
  let out = '';
  let at = 0;
  for (const sp of spans) {
    if (sp.kind === 'same' && sp.query.text.toLowerCase() === sp.source.text.toLowerCase()) continue;
    if (sp.query.start < at) continue;
    out += text.slice(at, sp.query.start);
    if (sp.query.end > sp.query.start) out += paint('red', `[-${sp.query.text}-]`);
    if (sp.source.text !== '') out += paint('green', `{+${sp.source.text}+}`);
    at = sp.query.end;
  }
  return out + text.slice(at);
}

export async function runSource(
  file: string | undefined,
  opts: SourceCliOptions,
  io: CliIO,
): Promise<number> {
  const arg = file ?? '-';
  if (arg === '-' && io.stdin.isTTY === true) {
    throw new UnspinError(
      'USAGE',
      'no input: give a file, or pipe text into stdin (see unspin source --help)',
    );
  }
  const reader = new InputReader(io, opts.maxBytes, opts.stdinFilename ?? STDIN_NAME);
  const input = await reader.read(arg);
  const index = await openIndex(opts.index, { readonly: false });
  try {
    const matches = await index.query(input.text, { limit: opts.limit });
    const best =
      opts.align && matches.length > 0 ? await index.explain(input.text, matches[0].id) : undefined;
    const output = new Output(io, undefined);
    if (opts.format === 'json') {
      const body: Record<string, unknown> = {
        version: 1,
        query: input.name,
        sources: matches.map((m) => ({ id: m.id, similarity: m.similarity, coverage: m.coverage })),
      };
      if (best) body.alignment = best.spans;
      await output.write(`${JSON.stringify(body)}\n`);
    } else {
      const color = useColor(io.stdout, opts.color, io.env);
      const paint = painter(color);
      let out = `${paint('bold', input.name)}\n`;
      if (matches.length === 0) out += '  no source found in the index\n';
      matches.forEach((m, i) => {
        out += `  ${i + 1}. ${m.id}  similarity ${m.similarity.toFixed(2)}  coverage ${m.coverage.toFixed(2)}\n`;
      });
      if (best) {
        out += `\n${paint('dim', `aligned with ${best.match.id}: [-this text-]{+source+}`)}\n`;
        out += `${alignedDiff(input.text, best.spans, color)}\n`;
      }
      await output.write(out);
    }
    return matches.length > 0 ? EXIT_FOUND : EXIT_NOT_FOUND;
  } finally {
    await index.close();
  }
}

export function registerSourceCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('source')
    .description('find the indexed document a text was spun from')
    .argument('[file]', 'the text; "-" or none reads stdin')
    .option('--index <target>', 'the index: a SQLite file or a postgres:// URL', DEFAULT_INDEX)
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['stylish', 'json'] as const)
        .default('stylish' as const),
    )
    .addOption(new Option('-n, --limit <n>', 'most candidates to list').argParser(parseLimit).default(5))
    .option('--align', 'show the text against the best source, word by word')
    .option('--stdin-filename <name>', 'name to show for text read from stdin')
    .option('--no-color', 'never colour the output')
    .addOption(
      new Option('--max-bytes <size>', 'reject inputs larger than this')
        .argParser(parseBytes)
        .default(DEFAULT_MAX_BYTES, '64M'),
    )
    .addHelpText('after', SOURCE_HELP)
    .action(async (file, opts) => {
      setExit(await runSource(file, opts, io));
    });
}

// ---------------------------------------------------------------------------------------------------------
// --index for check and restore

const open = new Map<string, Promise<SourceIndex>>();

/** The index at `target`, opened once per process (it must exist). */
export function indexFor(target: string): Promise<SourceIndex> {
  let p = open.get(target);
  if (!p) {
    p = openIndex(target);
    open.set(target, p);
  }
  return p;
}

/** Closes every index opened by indexFor (a PostgreSQL connection would keep the process alive). */
export async function closeIndexes(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  for (const p of all) await (await p.catch(() => undefined))?.close();
}

/**
 * check with the source index when one is given and a source is found, else the engine alone. The
 * engine (the language model and the decoder) is only loaded when some text is not covered by a source.
 */
export async function checkText(
  engine: () => Promise<Engine>,
  text: string,
  options: CheckOptions,
  indexTarget: string | undefined,
): Promise<CheckResult> {
  if (indexTarget !== undefined) {
    const found = await checkWithSource(engine, await indexFor(indexTarget), text, options);
    if (found) return found;
  }
  return (await engine()).check(text, options);
}

/** restore with the source's words when a source is found, else the engine's suggestions. */
export async function restoreText(
  engine: () => Promise<Engine>,
  text: string,
  options: CheckOptions,
  indexTarget: string | undefined,
): Promise<RestoreResult> {
  if (indexTarget === undefined) return (await engine()).restore(text, options);
  const result = await checkText(engine, text, options, indexTarget);
  const edits: Edit[] = [];
  for (const f of result.findings) {
    const top = f.suggestions[0];
    if (top)
      edits.push({
        start: f.start,
        end: f.end,
        text: f.text,
        replacement: top.text,
        confidence: f.confidence,
      });
  }
  return { text: applyEdits(text, edits), edits };
}
