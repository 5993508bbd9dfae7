import { describe, expect, it } from 'vitest';
import {
  createJsonReporter,
  createSarifReporter,
  createStylishReporter,
  type FileResult,
  type FormatEntry,
  formatJson,
  formatSarif,
  formatStylish,
  MAX_SARIF_RESULTS,
} from '../src/formats/index.js';
import { LineIndex } from '../src/text/lines.js';

// Line 2 starts at offset 12 (after CRLF); the emoji takes two UTF-16 units, so "leaped" (23) is column 12.
const TEXT = 'Intro line\r\n🙂 The fox leaped over the lethargic dog.\nEnd.';

const SPUN: FileResult = {
  path: 'docs/a b.txt',
  score: 0.91234567,
  verdict: 'spun',
  words: 9,
  findings: [
    {
      start: 23,
      end: 29,
      text: 'leaped',
      suggestions: [
        { text: 'jumped', probability: 0.812345 },
        { text: 'sprang', probability: 0.1 },
        { text: 'hopped', probability: 0.05 },
        { text: 'bounded', probability: 0.01 },
      ],
      confidence: 0.97,
    },
    {
      start: 39,
      end: 48,
      text: 'lethargic',
      suggestions: [{ text: 'lazy', probability: 0.7 }],
      confidence: 0.66,
    },
  ],
};

const CLEAN: FileResult = { path: 'b.txt', score: 0.03, verdict: 'clean', words: 4, findings: [] };

const ENTRIES: FormatEntry[] = [
  { result: SPUN, text: TEXT },
  { result: CLEAN, text: 'All is well here.' },
];

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and UTF-16 columns across LF, CRLF and CR', () => {
    const idx = new LineIndex('ab\r\n🙂c\nd\re');
    expect(idx.lineCount).toBe(4);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.position(2)).toEqual({ line: 1, column: 3 });
    expect(idx.position(4)).toEqual({ line: 2, column: 1 });
    expect(idx.position(6)).toEqual({ line: 2, column: 3 }); // "c" after the two-unit emoji
    expect(idx.position(8)).toEqual({ line: 3, column: 1 });
    expect(idx.position(10)).toEqual({ line: 4, column: 1 });
    expect(idx.position(11)).toEqual({ line: 4, column: 2 }); // end of text
    expect(idx.position(99)).toEqual({ line: 4, column: 2 }); // clamped
    expect(idx.lineStart(2)).toBe(4);
  });

  it('handles empty text and a trailing newline', () => {
    expect(new LineIndex('').position(0)).toEqual({ line: 1, column: 1 });
    const idx = new LineIndex('x\n');
    expect(idx.lineCount).toBe(2);
    expect(idx.position(2)).toEqual({ line: 2, column: 1 });
  });
});

describe('json', () => {
  it('writes exactly the documented shape, keys in order, numbers rounded to 4 decimals', () => {
    expect(formatJson(ENTRIES)).toBe(
      '{"version":1,"files":[' +
        '{"path":"docs/a b.txt","score":0.9123,"verdict":"spun","words":9,"findings":[' +
        '{"start":23,"end":29,"text":"leaped","suggestions":[{"text":"jumped","probability":0.8123},' +
        '{"text":"sprang","probability":0.1},{"text":"hopped","probability":0.05},' +
        '{"text":"bounded","probability":0.01}],"confidence":0.97},' +
        '{"start":39,"end":48,"text":"lethargic","suggestions":[{"text":"lazy","probability":0.7}],' +
        '"confidence":0.66}]},' +
        '{"path":"b.txt","score":0.03,"verdict":"clean","words":4,"findings":[]}]}\n',
    );
  });

  it('appends optional fields after the fixed ones', () => {
    const withKind: FileResult = { ...CLEAN, findings: [{ ...SPUN.findings[1], kind: 'thesaurus' }] };
    const parsed = JSON.parse(formatJson([{ result: withKind, text: TEXT }]));
    expect(Object.keys(parsed.files[0].findings[0])).toEqual([
      'start',
      'end',
      'text',
      'suggestions',
      'confidence',
      'kind',
    ]);
  });

  it('leaves clean inputs out when quiet', () => {
    expect(JSON.parse(formatJson(ENTRIES, { quiet: true })).files.map((f: FileResult) => f.path)).toEqual([
      'docs/a b.txt',
    ]);
    expect(formatJson([{ result: CLEAN, text: 'x' }], { quiet: true })).toBe('{"version":1,"files":[]}\n');
  });

  it('writes an empty report and appends skipped inputs as "errors"', () => {
    expect(formatJson([])).toBe('{"version":1,"files":[]}\n');
    const r = createJsonReporter();
    const out = r.file(CLEAN, 'x');
    r.error('missing.txt', 'NOT_FOUND', 'missing.txt: no such file');
    expect(out + r.end()).toBe(
      '{"version":1,"files":[{"path":"b.txt","score":0.03,"verdict":"clean","words":4,"findings":[]}],' +
        '"errors":[{"path":"missing.txt","code":"NOT_FOUND","message":"missing.txt: no such file"}]}\n',
    );
  });
});

describe('stylish', () => {
  it('lists findings with aligned line:col, confidence and suggestions, then a summary', () => {
    expect(formatStylish(ENTRIES)).toBe(
      [
        'docs/a b.txt: spun (score 0.91, 9 words)',
        '  2:12  0.97  "leaped" → jumped (0.81), sprang, hopped',
        '  2:28  0.66  "lethargic" → lazy (0.70)',
        '',
        'b.txt: clean (score 0.03, 4 words)',
        '',
        '✖ 2 findings in 2 files: 1 spun, 0 suspicious, 1 clean',
        '',
      ].join('\n'),
    );
  });

  it('pads locations to the widest one in the file and collapses whitespace in spans', () => {
    const text = `${'x\n'.repeat(11)}a big\ndog`;
    const result: FileResult = {
      path: 'p.txt',
      score: 0.6,
      verdict: 'suspicious',
      words: 14,
      findings: [
        { start: 0, end: 1, text: 'x', suggestions: [], confidence: 0.4 },
        {
          start: 24,
          end: 31,
          text: 'big\ndog',
          suggestions: [{ text: 'large dog', probability: 0.5 }],
          confidence: 0.5,
        },
      ],
    };
    expect(formatStylish([{ result, text }])).toBe(
      [
        'p.txt: suspicious (score 0.60, 14 words)',
        '  1:1   0.40  "x"',
        '  12:3  0.50  "big dog" → large dog (0.50)',
        '',
        '✖ 2 findings in 1 file: 0 spun, 1 suspicious, 0 clean',
        '',
      ].join('\n'),
    );
  });

  it('leaves clean files out when quiet, counts skipped inputs, and says ✔ when all is clean', () => {
    const r = createStylishReporter({ quiet: true });
    expect(r.file(CLEAN, 'All is well here.')).toBe('');
    expect(r.end()).toBe('✔ 0 findings in 1 file: 0 spun, 0 suspicious, 1 clean\n');
    const r2 = createStylishReporter();
    r2.file(CLEAN, 'x');
    r2.error('gone.txt', 'NOT_FOUND', 'gone.txt: no such file');
    expect(r2.end()).toBe('✖ 0 findings in 1 file: 0 spun, 0 suspicious, 1 clean; 1 input skipped\n');
  });

  it('colours with ANSI codes only when asked', () => {
    const out = formatStylish([{ result: CLEAN, text: 'x' }], { color: true });
    expect(out).toBe(
      '\u001b[4mb.txt\u001b[24m: \u001b[32mclean\u001b[39m\u001b[2m (score 0.03, 4 words)\u001b[22m\n\n' +
        '\u001b[32m✔\u001b[39m 0 findings in 1 file: 0 spun, 0 suspicious, 1 clean\n',
    );
    expect(formatStylish(ENTRIES)).not.toContain('\u001b[');
  });
});

describe('sarif', () => {
  const log = JSON.parse(formatSarif(ENTRIES, { toolVersion: '1.2.3' }));
  const run = log.runs[0];

  it('is a SARIF 2.1.0 log with one run, the rule and utf16 columns', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(run.tool.driver.name).toBe('unspin');
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['SPUN_SUBSTITUTION']);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(run.results).toHaveLength(2);
  });

  it('locates results with 1-based lines/columns (end exclusive) and char offsets', () => {
    const r = run.results[0];
    expect(r.ruleId).toBe('SPUN_SUBSTITUTION');
    expect(r.ruleIndex).toBe(0);
    expect(r.level).toBe('warning');
    expect(r.message.text).toBe(
      '"leaped" looks like a spinner\'s substitution for "jumped" (confidence 0.97). ' +
        'Other candidates: "sprang", "hopped", "bounded".',
    );
    expect(r.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'docs/a%20b.txt' },
          region: {
            startLine: 2,
            startColumn: 12,
            endLine: 2,
            endColumn: 18,
            charOffset: 23,
            charLength: 6,
            snippet: { text: 'leaped' },
          },
        },
      },
    ]);
    expect(run.results[1].level).toBe('note');
  });

  it('offers the top suggestion as a fix', () => {
    expect(run.results[0].fixes).toEqual([
      {
        description: { text: 'Restore "jumped"' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'docs/a%20b.txt' },
            replacements: [
              { deletedRegion: { charOffset: 23, charLength: 6 }, insertedContent: { text: 'jumped' } },
            ],
          },
        ],
      },
    ]);
  });

  it('has fingerprints that are stable across runs and survive edits elsewhere in the file', () => {
    const fp = (entries: FormatEntry[]) =>
      JSON.parse(formatSarif(entries)).runs[0].results.map(
        (r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['unspinSpanHash/v1'],
      );
    const first = fp(ENTRIES);
    expect(first[0]).toMatch(/^[0-9a-f]{16}:1$/);
    expect(new Set(first).size).toBe(2);
    expect(fp(ENTRIES)).toEqual(first);
    // Prepend a paragraph: offsets move, fingerprints do not.
    const prefix = 'A new first paragraph.\n\n';
    const shift = (n: number) => n + prefix.length;
    const moved: FileResult = {
      ...SPUN,
      findings: SPUN.findings.map((f) => ({ ...f, start: shift(f.start), end: shift(f.end) })),
    };
    expect(fp([{ result: moved, text: prefix + TEXT }])).toEqual(first);
  });

  it('records skipped inputs as error notifications and marks the run unsuccessful', () => {
    const r = createSarifReporter();
    r.error('bin.dat', 'BINARY_INPUT', 'bin.dat: binary data (NUL byte at offset 0)');
    const inv = JSON.parse(r.end()).runs[0].invocations[0];
    expect(inv).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'bin.dat: binary data (NUL byte at offset 0)' },
          descriptor: { id: 'BINARY_INPUT' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'bin.dat' } } }],
        },
      ],
    });
  });

  it('caps results at 5,000 per run with a notification', () => {
    const text = 'word '.repeat(6000);
    const findings = Array.from({ length: 6000 }, (_, i) => ({
      start: i * 5,
      end: i * 5 + 4,
      text: 'word',
      suggestions: [{ text: 'term', probability: 0.9 }],
      confidence: 0.9,
    }));
    const out = JSON.parse(formatSarif([{ result: { ...CLEAN, verdict: 'spun', findings }, text }]));
    expect(out.runs[0].results).toHaveLength(MAX_SARIF_RESULTS);
    expect(out.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text:
            'Results truncated: 6000 findings, only the first 5000 are reported (GitHub code scanning ' +
            'shows at most 5,000 results per run). Use --format json for all of them.',
        },
        descriptor: { id: 'RESULTS_TRUNCATED' },
      },
    ]);
  });

  it('leaves clean inputs out when quiet', () => {
    const quiet = JSON.parse(formatSarif(ENTRIES, { quiet: true })).runs[0];
    expect(quiet.results).toHaveLength(2);
    expect(quiet.properties.files.map((f: FileResult) => f.path)).toEqual(['docs/a b.txt']);
  });

  it('writes absolute paths as file URIs', () => {
    const out = JSON.parse(
      formatSarif([{ result: { ...CLEAN, path: '/tmp/x y.txt', findings: SPUN.findings }, text: TEXT }]),
    );
    expect(out.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'file:///tmp/x%20y.txt',
    );
  });
});
