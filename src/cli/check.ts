/** `unspin check`: files or stdin through the engine into a reporter; `--jsonl` for batch streams. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { UnspinError } from '../errors.js';
import { createReporter, type FileResult, type FormatName } from '../formats/index.js';
import { jsonResult } from '../formats/json.js';
import { looksEnglish } from '../text/input.js';
import type { CheckOptions, CheckResult } from '../types.js';
import { getEngine } from './engine.js';
import {
  assertOutputNotInput,
  type CliIO,
  fsError,
  InputReader,
  Output,
  STDIN_NAME,
  useColor,
} from './io.js';
import { Progress } from './progress.js';
import { checkText, closeIndexes } from './source.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export interface CheckCliOptions {
  format: FormatName;
  minConfidence?: number;
  output?: string;
  stdinFilename?: string;
  quiet?: boolean;
  color: boolean;
  maxBytes: number;
  jsonl?: boolean;
  /** Source index to align with (SQLite file or postgres:// URL). */
  index?: string;
}

/** Write `unspin: <message>` on stderr, erasing the progress line first. */
export function say(io: CliIO, progress: Progress | undefined, message: string): void {
  progress?.clear();
  io.stderr.write(`unspin: ${message}\n`);
}

function checkOptions(opts: CheckCliOptions): CheckOptions {
  return opts.minConfidence === undefined ? {} : { minConfidence: opts.minConfidence };
}

/** Engine result with findings below --min-confidence removed (whatever the engine's own default). */
function filtered(result: CheckResult, opts: CheckCliOptions): CheckResult {
  const min = opts.minConfidence;
  if (min === undefined) return result;
  return { ...result, findings: result.findings.filter((f) => f.confidence >= min) };
}

function noInputOnTerminal(io: CliIO, files: readonly string[]): void {
  if (files.length === 0 && io.stdin.isTTY === true) {
    throw new UnspinError(
      'USAGE',
      'no input: give one or more files, or pipe text into stdin (see unspin --help)',
    );
  }
}

export async function runCheck(files: readonly string[], opts: CheckCliOptions, io: CliIO, version: string) {
  noInputOnTerminal(io, files);
  assertOutputNotInput(opts.output, files);
  const inputs = files.length > 0 ? files : ['-'];
  const output = new Output(io, opts.output);
  const reporter = createReporter(opts.format, {
    color: opts.output === undefined && useColor(io.stdout, opts.color, io.env),
    quiet: opts.quiet,
    toolVersion: version,
  });
  const reader = new InputReader(io, opts.maxBytes, opts.stdinFilename ?? STDIN_NAME);
  const progress = new Progress(io.stderr);
  let failed = false;
  let flagged = false;
  let done = 0;
  let words = 0;

  for (const arg of inputs) {
    let input: { name: string; text: string };
    try {
      input = await reader.read(arg);
    } catch (err) {
      if (!(err instanceof UnspinError)) throw err;
      failed = true;
      say(io, progress, err.message);
      reporter.error(arg === '-' ? (opts.stdinFilename ?? STDIN_NAME) : arg, err.code, err.message);
      continue;
    }
    if (!looksEnglish(input.text)) {
      say(
        io,
        progress,
        `warning: ${input.name}: does not look like English text; results may be meaningless`,
      );
    }
    const result = filtered(await checkText(getEngine, input.text, checkOptions(opts), opts.index), opts);
    if (result.verdict !== 'clean') flagged = true;
    const fileResult: FileResult = { path: input.name, ...result };
    await output.write(reporter.file(fileResult, input.text));
    done++;
    words += result.words;
    progress.update(done, words);
  }
  progress.clear();
  await closeIndexes();
  await output.write(reporter.end());
  await output.close();
  return failed ? EXIT_ERROR : flagged ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Validate one JSONL record; returns its id and text or an error message. */
function parseRecord(line: string, maxBytes: number): { id: unknown; text?: string; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { id: null, error: `invalid JSON (${(err as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { id: null, error: 'expected an object like {"id":…,"text":…}' };
  }
  const rec = value as Record<string, unknown>;
  const id = rec.id ?? null;
  if (typeof rec.text !== 'string') return { id, error: '"text" must be a string' };
  if (!/\S/.test(rec.text)) return { id, error: 'empty text' };
  if (rec.text.length > maxBytes) return { id, error: 'text too large' };
  return { id, text: rec.text };
}

/**
 * `check --jsonl`: one {"id","text"} object per input line, one result object per output line, in input
 * order, streamed with constant memory (readline over the stream, writes wait for drain). Malformed lines
 * produce {"id","line","error"} and a stderr message; the run goes on and exits 2 at the end.
 * Blank lines are skipped. Bytes that are not UTF-8 are read as U+FFFD.
 */
export async function runJsonl(files: readonly string[], opts: CheckCliOptions, io: CliIO) {
  if (files.length > 1) throw new UnspinError('USAGE', '--jsonl reads one input (a file or stdin)');
  noInputOnTerminal(io, files);
  assertOutputNotInput(opts.output, files);
  const arg = files[0] ?? '-';
  const name = arg === '-' ? (opts.stdinFilename ?? STDIN_NAME) : arg;
  let stream: Readable;
  if (arg === '-') {
    stream = io.stdin;
  } else {
    try {
      if ((await stat(arg)).isDirectory()) throw new UnspinError('IO', `${arg}: is a directory`);
    } catch (err) {
      if (err instanceof UnspinError) throw err;
      throw fsError(arg, err);
    }
    stream = createReadStream(arg);
  }
  stream.setEncoding('utf8');
  const output = new Output(io, opts.output);
  const progress = new Progress(io.stderr);
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let failed = false;
  let flagged = false;
  let notEnglish = 0;
  let done = 0;
  let words = 0;
  const readError = new Promise<never>((_, reject) => stream.once('error', (e) => reject(fsError(name, e))));
  readError.catch(() => {});

  const lines = (async () => {
    for await (let line of rl) {
      lineNo++;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === '') continue;
      const rec = parseRecord(line, opts.maxBytes);
      if (rec.text === undefined) {
        failed = true;
        say(io, progress, `${name}:${lineNo}: ${rec.error}`);
        await output.write(`${JSON.stringify({ id: rec.id, line: lineNo, error: rec.error })}\n`);
        continue;
      }
      if (!looksEnglish(rec.text)) notEnglish++;
      const result = filtered(await checkText(getEngine, rec.text, checkOptions(opts), opts.index), opts);
      if (result.verdict !== 'clean') flagged = true;
      await output.write(`${JSON.stringify(jsonResult(result, { id: rec.id }))}\n`);
      done++;
      words += result.words;
      progress.update(done, words);
    }
  })();
  try {
    await Promise.race([lines, readError]);
  } catch (err) {
    rl.close();
    throw err;
  }
  progress.clear();
  if (notEnglish > 0) {
    say(
      io,
      progress,
      `warning: ${name}: ${notEnglish} text(s) do not look like English; results may be meaningless`,
    );
  }
  await closeIndexes();
  await output.close();
  return failed ? EXIT_ERROR : flagged ? EXIT_FINDINGS : EXIT_CLEAN;
}
