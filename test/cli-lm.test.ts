/**
 * End-to-end tests of `unspin lm build | import-arpa | info` and of `--lm` / `--no-technical` on check,
 * through the built binary (dist/cli/main.js): exit codes, one-line errors and the exact JSON of
 * `lm info`. dist is rebuilt first when it is older than the sources under test.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, type Run, runCli } from './helpers/run-cli.js';

function run(args: string[], input?: string): Promise<Run> {
  return runCli(args, { input });
}

/** Sources whose changes this file tests through dist. */
const SOURCES = [
  'src/cli/lm.ts',
  'src/cli/main.ts',
  'src/lm/build/index.ts',
  'src/lm/format.ts',
  'src/lm/arpa.ts',
];

function distIsStale(): boolean {
  const built = join(ROOT, 'dist', 'cli', 'lm.js');
  if (!existsSync(BIN) || !existsSync(built)) return true;
  const t = statSync(built).mtimeMs;
  return SOURCES.some((s) => statSync(join(ROOT, s)).mtimeMs > t);
}

let dir: string;
const file = (name: string) => join(dir, name);

/** Three sentences "a b", "a b", "b a": vocabulary <unk> <s> </s> a b, six bigrams. */
const TINY = 'a b\n\na b\n\nb a\n';
const ARPA = `\\data\\
ngram 1=4
ngram 2=2

\\1-grams:
-99\t<s>\t-0.3
-0.5\t</s>
-0.4\thello\t-0.2
-0.6\tworld

\\2-grams:
-0.1\t<s> hello
-0.2\thello world

\\end\\
`;

beforeAll(async () => {
  if (distIsStale()) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await new Promise<void>((resolve) => {
      execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT }, () => resolve());
    });
  }
  dir = mkdtempSync(join(tmpdir(), 'unspin-clilm-'));
  writeFileSync(file('tiny.txt'), TINY);
  writeFileSync(file('empty.txt'), '\n');
  writeFileSync(file('small.arpa'), ARPA);
  writeFileSync(file('bad.arpa'), ARPA.replace('ngram 2=2', 'ngram 2=3'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('unspin lm build and info', () => {
  it('builds a model and describes it exactly in JSON', async () => {
    const out = file('tiny.lm.bin');
    const built = await run([
      'lm',
      'build',
      file('tiny.txt'),
      '--out',
      out,
      '--order',
      '2',
      '--workers',
      '1',
    ]);
    expect(built.code).toBe(0);
    expect(built.stderr).toBe('');
    expect(built.stdout).toContain('order       2');
    const info = await run(['lm', 'info', out, '--format', 'json']);
    expect(info.code).toBe(0);
    expect(info.stderr).toBe('');
    const sha = createHash('sha256').update(TINY).digest('hex');
    const d = '[0.5,1,1.5]'; // too few counts to estimate discounts: the fallback at both orders
    expect(info.stdout).toBe(
      `{"file":${JSON.stringify(out)},"format":"unspin","version":1,"order":2,"vocabulary":5,"ngrams":[5,6],` +
        `"bytes":${statSync(out).size},"source":"unspin lm build (modified Kneser-Ney)",` +
        `"inputs":[${JSON.stringify(file('tiny.txt'))}],"corpusSha256":"${sha}","tokens":6,"sentences":3,` +
        `"oovLogProb":-7.5,"discounts":[${d},${d}],"pruned":[0,0]}\n`,
    );
    const stylish = await run(['lm', 'info', out]);
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toContain('vocabulary  5 words');
    expect(stylish.stdout).toContain('2-grams     6');
  });

  it('reads the corpus from stdin and JSON Lines', async () => {
    const fromStdin = await run(['lm', 'build', '-', '--out', file('stdin.lm.bin'), '-f', 'json'], TINY);
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ ngrams: [5, 6, 4], tokens: 6 });
    writeFileSync(file('tiny.jsonl'), '{"text":"a b"}\n{"text":"a b"}\n{"text":"b a"}\n');
    const fromJsonl = await run([
      'lm',
      'build',
      '--jsonl',
      file('tiny.jsonl'),
      '--out',
      file('j.lm.bin'),
      '-f',
      'json',
    ]);
    expect(fromJsonl.code).toBe(0);
    expect(JSON.parse(fromJsonl.stdout)).toMatchObject({ ngrams: [5, 6, 4], tokens: 6, sentences: 3 });
  });

  it('imports an ARPA model', async () => {
    const r = await run([
      'lm',
      'import-arpa',
      file('small.arpa'),
      '--out',
      file('arpa.lm.bin'),
      '-f',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'unspin', order: 2, vocabulary: 4, ngrams: [4, 2] });
  });

  it('fails with one line and exit 2 on bad input, output or models', async () => {
    writeFileSync(file('corrupt.lm.bin'), readFileSync(file('tiny.lm.bin')).subarray(0, 40));
    const cases: Array<[string[], RegExp]> = [
      [
        ['lm', 'build', file('missing.txt'), '--out', file('x.bin')],
        /missing\.txt: no such file or directory/,
      ],
      [['lm', 'build', file('empty.txt'), '--out', file('x.bin')], /the corpus holds no words/],
      [['lm', 'build', file('tiny.txt'), '--out', join(dir, 'no', 'such', 'x.bin')], /cannot write/],
      [['lm', 'build', file('tiny.txt'), '--out', dir], /is a directory/],
      [['lm', 'build', file('tiny.txt')], /required option '--out <file>'/],
      [['lm', 'build', file('tiny.txt'), '--out', file('x.bin'), '--order', 'seven'], /order/],
      [['lm', 'import-arpa', file('bad.arpa'), '--out', file('x.bin')], /2-grams: 3 declared, 2 found/],
      [['lm', 'info', file('corrupt.lm.bin')], /not a usable unspin language model/],
      [['lm', 'info', file('tiny.txt')], /not a language model unspin can read/],
      [['check', '--lm', file('corrupt.lm.bin'), file('tiny.txt')], /not a usable unspin language model/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^unspin: [^\n]*\n$/);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(file('x.bin'))).toBe(false);
  });

  it('check and restore take --lm and --no-technical', async () => {
    const text = 'The cat sat on the mat and looked at the garden for a long time.';
    writeFileSync(file('doc.txt'), text);
    const r = await run([
      'check',
      '--no-technical',
      '--lm',
      file('tiny.lm.bin'),
      '-f',
      'json',
      file('doc.txt'),
    ]);
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout).files[0].words).toBe(15);
    const restored = await run(['restore', '--no-technical', '--lm', file('tiny.lm.bin'), file('doc.txt')]);
    expect(restored.code).toBe(0);
    expect(restored.stdout.length).toBeGreaterThan(0);
  });
});
