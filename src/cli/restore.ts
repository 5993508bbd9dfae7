/** `unspin restore`: print the text with the likely original wording put back, or an inline diff. */
import { UnspinError } from '../errors.js';
import { painter } from '../formats/stylish.js';
import { looksEnglish } from '../text/input.js';
import type { Edit } from '../types.js';
import { EXIT_CLEAN, EXIT_ERROR, say } from './check.js';
import { getEngine } from './engine.js';
import { assertOutputNotInput, type CliIO, InputReader, Output, STDIN_NAME, useColor } from './io.js';
import { closeIndexes, restoreText } from './source.js';

export interface RestoreCliOptions {
  diff?: boolean;
  output?: string;
  stdinFilename?: string;
  minConfidence?: number;
  color: boolean;
  maxBytes: number;
  /** Source index whose words are used when it holds the text's source. */
  index?: string;
}

/**
 * The original text with each edit shown inline as `[-observed-]{+replacement+}` (git's word-diff
 * notation); with colour, the removed part is red and the inserted part green. Overlapping edits after
 * the first are ignored.
 */
export function inlineDiff(text: string, edits: readonly Edit[], color = false): string {
  const paint = painter(color);
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out += text.slice(at, e.start);
    out += paint('red', `[-${text.slice(e.start, e.end)}-]`) + paint('green', `{+${e.replacement}+}`);
    at = e.end;
  }
  return out + text.slice(at);
}

export async function runRestore(file: string | undefined, opts: RestoreCliOptions, io: CliIO) {
  const arg = file ?? '-';
  if (arg === '-' && io.stdin.isTTY === true) {
    throw new UnspinError('USAGE', 'no input: give a file, or pipe text into stdin (see unspin --help)');
  }
  assertOutputNotInput(opts.output, [arg]);
  const reader = new InputReader(io, opts.maxBytes, opts.stdinFilename ?? STDIN_NAME);
  let input: { name: string; text: string };
  try {
    input = await reader.read(arg);
  } catch (err) {
    if (!(err instanceof UnspinError)) throw err;
    say(io, undefined, err.message);
    return EXIT_ERROR;
  }
  if (!looksEnglish(input.text)) {
    say(io, undefined, `warning: ${input.name}: does not look like English text; results may be meaningless`);
  }
  const result = await restoreText(
    getEngine,
    input.text,
    opts.minConfidence === undefined ? {} : { minConfidence: opts.minConfidence },
    opts.index,
  ).finally(closeIndexes);
  const output = new Output(io, opts.output);
  const color = opts.output === undefined && useColor(io.stdout, opts.color, io.env);
  await output.write(opts.diff ? inlineDiff(input.text, result.edits, color) : result.text);
  await output.close();
  return EXIT_CLEAN;
}
