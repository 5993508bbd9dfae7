#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * The `unspin` command line. Exit codes: 0 every input clean, 1 some input suspicious or spun,
 * 2 usage error, unreadable/invalid input (other inputs are still checked), or internal error.
 * Results go to stdout (or -o FILE), messages and progress to stderr.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { UnspinError } from '../errors.js';
import { FORMATS, type FormatName } from '../formats/types.js';
import { limitHeapGrowth } from '../heap.js';
import { EXIT_ERROR, runCheck, runJsonl } from './check.js';
import { configureEngine } from './engine.js';
import { registerIndexCommands } from './index-cmd.js';
import { type CliIO, DEFAULT_MAX_BYTES, parseBytes, parseUnit } from './io.js';
import { lmFileOption, registerLmCommands } from './lm.js';
import { runRestore } from './restore.js';
import { registerServeCommand } from './serve.js';
import { registerSourceCommand } from './source.js';

/** unspin's version, from package.json (two levels up from both src/cli and dist/cli). */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const MAIN_HELP = `
Examples:
  $ unspin check essay.txt                        report likely substitutions
  $ unspin check -f json a.txt b.txt > out.json   machine-readable report
  $ unspin check -f sarif -o unspin.sarif docs/intro.md docs/usage.md
  $ cat essay.txt | unspin check --stdin-filename essay.txt
  $ unspin check --jsonl batch.jsonl > results.jsonl
  $ unspin restore essay.txt > restored.txt       put the likely original words back
  $ unspin restore --diff essay.txt               show the changes as [-old-]{+new+}

Exit codes:
  0  every input is clean
  1  at least one input is suspicious or spun
  2  usage error, an input that could not be read or is not text, or an internal error

Environment:
  NO_COLOR      disable colour (as does --no-color); colour is only used on a terminal anyway
  UNSPIN_DEBUG  set to 1 to print stack traces for internal errors
`;

const CHECK_HELP = `
Inputs are UTF-8 (a BOM is removed) or UTF-16 with a BOM. Inputs that are missing, empty, binary, not
valid UTF-8 or larger than --max-bytes are reported on stderr as "unspin: PATH: problem" and skipped;
the others are still checked, and the exit code is 2.

With --jsonl each input line is {"id":…,"text":…} and each output line is
{"id":…,"score":…,"verdict":…,"words":…,"findings":[…]} in the same order; a malformed line gives
{"id":…,"line":N,"error":"…"} and exit code 2 at the end.

Examples:
  $ unspin check essay.txt notes.md
  $ unspin check --quiet --min-confidence 0.8 chapters/*.txt
  $ curl -s https://example.com/post.txt | unspin check - -f json
  $ unspin check --jsonl - < batch.jsonl > results.jsonl

Exit codes: 0 clean, 1 suspicious or spun, 2 usage or input error.
`;

const RESTORE_HELP = `
Prints the whole text with each likely substitution replaced by its most probable original; nothing
else is changed (whitespace and line endings included).

Examples:
  $ unspin restore essay.txt > restored.txt
  $ unspin restore --diff essay.txt
  $ pbpaste | unspin restore

Exit codes: 0 restored, 2 usage or input error.
`;

/** Commander's "error: …\n(Did you mean …?)" as one line. */
function oneLine(str: string): string {
  return str
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

export function buildProgram(io: CliIO, version: string, setExit: (code: number) => void) {
  const program = new Command('unspin')
    .description(
      'Find text that an article spinner rewrote with thesaurus synonyms, show where, and restore the original.',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`unspin: ${oneLine(s)} (see unspin --help)\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', MAIN_HELP);

  const minConfidence = () =>
    new Option('--min-confidence <x>', 'hide findings below this confidence, 0 to 1').argParser(parseUnit);
  const maxBytes = () =>
    new Option('--max-bytes <size>', 'reject inputs larger than this (bytes, or with K/M/G)')
      .argParser(parseBytes)
      .default(DEFAULT_MAX_BYTES, '64M');

  const check = program
    .command('check')
    .description('check files (or stdin) for spun text and report the findings')
    .argument('[files...]', 'files to check; "-" or none reads stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(FORMATS as readonly FormatName[])
        .default('stylish' as FormatName),
    )
    .addOption(minConfidence())
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--stdin-filename <name>', 'name to show for text read from stdin')
    .option('-q, --quiet', 'report only suspicious and spun inputs')
    .option('--no-color', 'never colour the output')
    .option('--jsonl', 'read JSON Lines {"id","text"} and write one result per line')
    .option('--index <target>', 'align with the source when this index (file or postgres:// URL) has it')
    .addOption(maxBytes())
    .addOption(lmFileOption())
    .option('--no-technical', 'do not use the shipped technical-English model')
    .option('--collocations', 'also read word pairs as collocations of the language models (slower)')
    .addHelpText('after', CHECK_HELP)
    .action(async (files, opts, cmd) => {
      if (opts.jsonl && cmd.getOptionValueSource('format') === 'cli' && opts.format !== 'json') {
        throw new UnspinError('USAGE', '--jsonl always writes JSON Lines; leave out --format');
      }
      configureEngine(opts);
      setExit(opts.jsonl ? await runJsonl(files, opts, io) : await runCheck(files, opts, io, version));
    });
  void check;

  program
    .command('restore')
    .description('print the text with the likely original wording restored')
    .argument('[file]', 'file to restore; "-" or none reads stdin')
    .option('--diff', 'show the changes inline as [-old-]{+new+} instead')
    .addOption(minConfidence())
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--stdin-filename <name>', 'name to show for text read from stdin')
    .option('--no-color', 'never colour the diff')
    .option('--index <target>', "use the source's words when this index (file or URL) has it")
    .addOption(maxBytes())
    .addOption(lmFileOption())
    .option('--no-technical', 'do not use the shipped technical-English model')
    .option('--collocations', 'also read word pairs as collocations of the language models (slower)')
    .addHelpText('after', RESTORE_HELP)
    .action(async (file, opts) => {
      configureEngine(opts);
      setExit(await runRestore(file, opts, io));
    });

  registerServeCommand(program, io, setExit);
  registerLmCommands(program, io, setExit);
  registerIndexCommands(program, io, setExit);
  registerSourceCommand(program, io, setExit);
  return program;
}

/** Run the CLI; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, readVersion(), (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; help shown for a missing command and all usage errors exit 2.
      return err.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    if (err instanceof UnspinError) {
      io.stderr.write(`unspin: ${err.message}\n`);
      return EXIT_ERROR;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`unspin: internal error: ${message.split('\n')[0]}\n`);
    if (io.env.UNSPIN_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  limitHeapGrowth();
  // `unspin check big.txt | head` closes the pipe early: stop quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const io: CliIO = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
