/**
 * End-to-end tests of the built `unspin` binary (dist/cli/main.js): exit codes, exact messages and the
 * structure of each output format. They never assert WHICH words get flagged (the engine is tuned
 * separately). beforeAll builds dist with tsc.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { BIN, ROOT, type Run, runCli } from './helpers/run-cli.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/** Run the built binary with args and optional stdin; env additions merged over a colour-free env. */
function run(args: string[], input?: string | Buffer, env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, { input, env });
}

let dir: string;
const file = (name: string) => join(dir, name);

const ORDINARY =
  'The committee met on Tuesday to discuss the budget for next year. Members agreed that the library ' +
  'needs a new roof and that the town should ask the state for help with the cost of the repairs.';

beforeAll(async () => {
  // Build dist (type errors elsewhere in the tree do not stop tsc from emitting).
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT }, (err, stdout) => {
      if (err) console.warn(`tsc reported problems:\n${stdout}`);
      resolve();
    });
  });
  if (!existsSync(BIN)) throw new Error(`build did not produce ${BIN}`);
  dir = mkdtempSync(join(tmpdir(), 'unspin-cli-'));
  writeFileSync(file('ordinary.txt'), ORDINARY);
  writeFileSync(file('second.txt'), 'A short second note about the weather, which was fine all week.\n');
  writeFileSync(file('empty.txt'), '');
  writeFileSync(file('blank.txt'), ' \n\t\n');
  writeFileSync(file('binary.dat'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]));
  writeFileSync(file('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('help, version, usage errors', () => {
  it('--help prints usage, examples and exit codes, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: unspin \[options\] \[command\]/);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(
      'Exit codes:\n  0  every input is clean\n  1  at least one input is suspicious or spun\n',
    );
  });

  it('check --help documents the options, exit 0', async () => {
    const r = await run(['check', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--format',
      '--min-confidence',
      '--output',
      '--stdin-filename',
      '--quiet',
      '--no-color',
      '--jsonl',
      '--collocations',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('no command shows help on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: unspin/);
  });

  it('an unknown flag is a one-line usage error, exit 2', async () => {
    const r = await run(['check', '--bogus', file('ordinary.txt')]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: "unspin: unknown option '--bogus' (see unspin --help)\n",
    });
  });

  it('an unknown command is a one-line usage error, exit 2', async () => {
    const r = await run(['chekc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("unspin: unknown command 'chekc' (Did you mean check?) (see unspin --help)\n");
  });

  it('bad option values are one-line usage errors, exit 2', async () => {
    const bad = [
      ['check', '-f', 'xml', file('ordinary.txt')],
      ['check', '--min-confidence', '1.5', file('ordinary.txt')],
      ['check', '--min-confidence', 'high', file('ordinary.txt')],
      ['check', '--max-bytes', 'lots', file('ordinary.txt')],
      ['check', '--jsonl', '-f', 'sarif'],
    ];
    for (const args of bad) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^unspin: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    }
    expect((await run(['check', '-f', 'xml'])).stderr).toBe(
      "unspin: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are stylish, json, sarif. (see unspin --help)\n",
    );
  });

  it('refuses to write the report over an input', async () => {
    const r = await run(['check', '-o', file('ordinary.txt'), file('ordinary.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`unspin: refusing to write the output over the input ${file('ordinary.txt')}\n`);
    expect(readFileSync(file('ordinary.txt'), 'utf8')).toBe(ORDINARY);
  });
});

describe('bad inputs are reported, skipped, and exit 2', () => {
  const SKIPPED_ONE = '✖ 0 findings in 0 files: 0 spun, 0 suspicious, 0 clean; 1 input skipped\n';

  it('missing file', async () => {
    const r = await run(['check', file('missing.txt')]);
    expect(r).toEqual({
      code: 2,
      stdout: SKIPPED_ONE,
      stderr: `unspin: ${file('missing.txt')}: no such file\n`,
    });
  });

  it('empty and whitespace-only files', async () => {
    expect(await run(['check', file('empty.txt')])).toEqual({
      code: 2,
      stdout: SKIPPED_ONE,
      stderr: `unspin: ${file('empty.txt')}: empty input\n`,
    });
    expect((await run(['check', file('blank.txt')])).stderr).toBe(
      `unspin: ${file('blank.txt')}: input contains only whitespace\n`,
    );
  });

  it('binary file', async () => {
    expect(await run(['check', file('binary.dat')])).toEqual({
      code: 2,
      stdout: SKIPPED_ONE,
      stderr: `unspin: ${file('binary.dat')}: binary data (NUL byte at offset 4)\n`,
    });
  });

  it('invalid UTF-8', async () => {
    expect(await run(['check', file('latin1.txt')])).toEqual({
      code: 2,
      stdout: SKIPPED_ONE,
      stderr: `unspin: ${file('latin1.txt')}: invalid UTF-8 at byte offset 3 (e9 20 6f 6b)\n`,
    });
  });

  it('a directory', async () => {
    const r = await run(['check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`unspin: ${dir}: is a directory\n`);
  });

  it('still checks and reports the good inputs, and lists the bad ones in JSON', async () => {
    const r = await run([
      'check',
      '-f',
      'json',
      file('missing.txt'),
      file('ordinary.txt'),
      file('binary.dat'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `unspin: ${file('missing.txt')}: no such file\n` +
        `unspin: ${file('binary.dat')}: binary data (NUL byte at offset 4)\n`,
    );
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['version', 'files', 'errors']);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual([file('ordinary.txt')]);
    expect(report.errors).toEqual([
      { path: file('missing.txt'), code: 'NOT_FOUND', message: `${file('missing.txt')}: no such file` },
      {
        path: file('binary.dat'),
        code: 'BINARY_INPUT',
        message: `${file('binary.dat')}: binary data (NUL byte at offset 4)`,
      },
    ]);
  });

  it('rejects a 50 MB file over --max-bytes without reading it, and a 65 MiB file over the default limit', async () => {
    const big = file('big.txt');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'spun text '));
    try {
      const t0 = Date.now();
      const r = await run(['check', '--max-bytes', '10M', big]);
      expect(r).toEqual({
        code: 2,
        stdout: SKIPPED_ONE,
        stderr: `unspin: ${big}: input too large (50.0 MiB, limit 10.0 MiB)\n`,
      });
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      rmSync(big, { force: true });
    }
    const sparse = file('sparse.txt');
    writeFileSync(sparse, '');
    truncateSync(sparse, 65 * 1024 * 1024);
    try {
      const r = await run(['check', sparse]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`unspin: ${sparse}: input too large (65.0 MiB, limit 64.0 MiB)\n`);
    } finally {
      rmSync(sparse, { force: true });
    }
  });

  it('rejects stdin over --max-bytes', async () => {
    const r = await run(['check', '--max-bytes', '1M'], Buffer.alloc(2 * 1024 * 1024, 'word '));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('unspin: <stdin>: input too large (over the 1.0 MiB limit)\n');
  });
});

describe('check', () => {
  it('reads stdin when no file is given, named <stdin> or --stdin-filename', async () => {
    const r = await run(['check'], ORDINARY);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^<stdin>: (clean|suspicious|spun) \(score \d\.\d\d, \d+ words\)\n/);
    expect(r.stdout).toMatch(/\n[✖✔] \d+ findings? in 1 file: \d spun, \d suspicious, \d clean\n$/);
    const named = await run(['check', '--stdin-filename', 'essay.txt', '-'], ORDINARY);
    expect(named.stdout).toMatch(/^essay\.txt: /);
  });

  it('exit code follows the verdicts: 0 when all clean, 1 otherwise', async () => {
    const r = await run(['check', '-f', 'json', file('ordinary.txt'), file('second.txt')]);
    const report = JSON.parse(r.stdout);
    const anyFlagged = report.files.some((f: { verdict: string }) => f.verdict !== 'clean');
    expect(r.code).toBe(anyFlagged ? 1 : 0);
  });

  it('check and restore take --collocations', async () => {
    writeFileSync(file('food.txt'), 'They had quick food for dinner again and felt bad about it.\n');
    const r = await run(['check', '-f', 'json', '--no-technical', '--collocations', file('food.txt')]);
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout).files[0].words).toBe(12);
    const restored = await run(['restore', '--no-technical', '--collocations', file('food.txt')]);
    expect(restored.code).toBe(0);
    expect(restored.stdout.split(' ').length).toBeGreaterThan(8);
  });

  it('json output has exactly the documented keys, in order', async () => {
    const r = await run(
      ['check', '-f', 'json', '--min-confidence', '0', file('ordinary.txt'), '-'],
      ORDINARY,
    );
    expect([0, 1]).toContain(r.code);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['version', 'files']);
    expect(report.version).toBe(1);
    expect(report.files).toHaveLength(2);
    expect(report.files[1].path).toBe('<stdin>');
    for (const f of report.files) {
      expect(Object.keys(f)).toEqual(['path', 'score', 'verdict', 'words', 'findings']);
      expect(['clean', 'suspicious', 'spun']).toContain(f.verdict);
      expect(f.score).toBeGreaterThanOrEqual(0);
      expect(f.score).toBeLessThanOrEqual(1);
      expect(f.words).toBe(37);
      for (const x of f.findings) {
        expect(Object.keys(x).slice(0, 5)).toEqual(['start', 'end', 'text', 'suggestions', 'confidence']);
        expect(ORDINARY.slice(x.start, x.end)).toBe(x.text);
        for (const s of x.suggestions) expect(Object.keys(s)).toEqual(['text', 'probability']);
      }
    }
  });

  it('--min-confidence 1 leaves only findings of confidence 1', async () => {
    const r = await run(['check', '-f', 'json', '--min-confidence', '1', file('ordinary.txt')]);
    const report = JSON.parse(r.stdout);
    for (const x of report.files[0].findings) expect(x.confidence).toBe(1);
  });

  it('--quiet lists only suspicious and spun inputs', async () => {
    const r = await run(['check', '-f', 'json', '--quiet', file('ordinary.txt'), file('second.txt')]);
    for (const f of JSON.parse(r.stdout).files) expect(f.verdict).not.toBe('clean');
  });

  it('sarif output is valid SARIF 2.1.0 JSON', async () => {
    const r = await run(['check', '-f', 'sarif', file('ordinary.txt'), file('missing.txt')]);
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const run0 = log.runs[0];
    expect(run0.tool.driver.name).toBe('unspin');
    expect(run0.tool.driver.version).toBe(VERSION);
    expect(run0.columnKind).toBe('utf16CodeUnits');
    expect(Array.isArray(run0.results)).toBe(true);
    for (const res of run0.results) {
      expect(res.ruleId).toBe('SPUN_SUBSTITUTION');
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(run0.invocations[0].executionSuccessful).toBe(false);
    expect(run0.invocations[0].toolExecutionNotifications[0].message.text).toBe(
      `${file('missing.txt')}: no such file`,
    );
  });

  it('-o writes the report to a file and nothing to stdout', async () => {
    const out = file('report.json');
    const r = await run(['check', '-f', 'json', '-o', out, file('ordinary.txt')]);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).files[0].path).toBe(file('ordinary.txt'));
  });

  it('colours only when forced or on a terminal, never with --no-color or NO_COLOR', async () => {
    const plain = await run(['check', file('ordinary.txt')]);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await run(['check', file('ordinary.txt')], undefined, { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
    const noColor = await run(['check', file('ordinary.txt')], undefined, {
      FORCE_COLOR: '1',
      NO_COLOR: '1',
    });
    expect(noColor.stdout).not.toContain('\u001b[');
    const flag = await run(['check', '--no-color', file('ordinary.txt')], undefined, { FORCE_COLOR: '1' });
    expect(flag.stdout).not.toContain('\u001b[');
  });
});

describe('check --jsonl', () => {
  it('answers each line in input order and reports malformed lines without stopping', async () => {
    const input = [
      JSON.stringify({ id: 'a', text: ORDINARY }),
      'not json',
      JSON.stringify({ id: 7, body: 'no text field' }),
      '',
      JSON.stringify({ id: 'c', text: '   ' }),
      '[1,2]',
      JSON.stringify({ id: 'd', text: 'The dog slept by the fire all evening.' }),
    ].join('\n');
    const r = await run(['check', '--jsonl'], `${input}\n`);
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const out = lines.map((l) => JSON.parse(l));
    expect(Object.keys(out[0])).toEqual(['id', 'score', 'verdict', 'words', 'findings']);
    expect(out[0].id).toBe('a');
    expect(out[0].words).toBe(37);
    expect(out[1]).toEqual({
      id: null,
      line: 2,
      error: expect.stringMatching(/^invalid JSON \(/),
    });
    expect(lines[2]).toBe('{"id":7,"line":3,"error":"\\"text\\" must be a string"}');
    expect(lines[3]).toBe('{"id":"c","line":5,"error":"empty text"}');
    expect(lines[4]).toBe('{"id":null,"line":6,"error":"expected an object like {\\"id\\":…,\\"text\\":…}"}');
    expect(out[5].id).toBe('d');
    expect(Object.keys(out[5])).toEqual(['id', 'score', 'verdict', 'words', 'findings']);
    const errLines = r.stderr.trimEnd().split('\n');
    expect(errLines).toHaveLength(4);
    expect(errLines[0]).toMatch(/^unspin: <stdin>:2: invalid JSON \(/);
    expect(errLines.slice(1)).toEqual([
      'unspin: <stdin>:3: "text" must be a string',
      'unspin: <stdin>:5: empty text',
      'unspin: <stdin>:6: expected an object like {"id":…,"text":…}',
    ]);
  });

  it('streams many lines in order from a file, with CRLF line ends', async () => {
    const n = 500;
    const path = file('batch.jsonl');
    const rows = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: i, text: `Note ${i}: the meeting moved to room ${i % 7} on the third floor.` }),
    );
    writeFileSync(path, `${rows.join('\r\n')}\r\n`);
    const r = await run(['check', '--jsonl', path]);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe('');
    const ids = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('a missing jsonl file is an input error', async () => {
    const r = await run(['check', '--jsonl', file('nope.jsonl')]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `unspin: ${file('nope.jsonl')}: no such file\n` });
  });
});

describe('restore', () => {
  it('prints the restored text, and --diff marks exactly the changes', async () => {
    const restored = await run(['restore', file('ordinary.txt')]);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toBe('');
    expect(restored.stdout.length).toBeGreaterThan(0);
    const diff = await run(['restore', '--diff', file('ordinary.txt')]);
    expect(diff.code).toBe(0);
    const marker = /\[-([\s\S]*?)-\]\{\+([\s\S]*?)\+\}/g;
    expect(diff.stdout.replace(marker, '$1')).toBe(ORDINARY);
    expect(diff.stdout.replace(marker, '$2')).toBe(restored.stdout);
  });

  it('reads stdin and keeps the text byte for byte where nothing changes', async () => {
    const text = 'Hello.\r\n\r\n  Indented line\twith tab.\n';
    const r = await run(['restore', '--diff'], text);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\[-([\s\S]*?)-\]\{\+([\s\S]*?)\+\}/g, '$1')).toBe(text);
  });

  it('reports a bad input with exit 2', async () => {
    expect(await run(['restore', file('binary.dat')])).toEqual({
      code: 2,
      stdout: '',
      stderr: `unspin: ${file('binary.dat')}: binary data (NUL byte at offset 4)\n`,
    });
  });
});

describe('internal errors', () => {
  function fakeIO(env: Record<string, string>) {
    let stderr = '';
    const stdout = new PassThrough();
    stdout.write = () => {
      throw new Error('disk on fire\nsecond line');
    };
    const stderrStream = new PassThrough();
    stderrStream.write = (chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    };
    return { io: { stdin: new PassThrough(), stdout, stderr: stderrStream, env }, err: () => stderr };
  }

  it('print one line without a stack trace, exit 2', async () => {
    const { io, err } = fakeIO({});
    const code = await main(['check', join(tmpdir(), 'unspin-no-such-file')], io);
    expect(code).toBe(2);
    expect(err()).toBe(
      `unspin: ${join(tmpdir(), 'unspin-no-such-file')}: no such file\nunspin: internal error: disk on fire\n`,
    );
  });

  it('print the stack with UNSPIN_DEBUG=1', async () => {
    const { io, err } = fakeIO({ UNSPIN_DEBUG: '1' });
    expect(await main(['check', join(tmpdir(), 'unspin-no-such-file')], io)).toBe(2);
    expect(err()).toMatch(/unspin: internal error: disk on fire\nError: disk on fire\nsecond line\n\s+at /);
  });
});
