/**
 * SARIF 2.1.0 for CI and GitHub code scanning: one run, rule `SPUN_SUBSTITUTION`, `columnKind`
 * "utf16CodeUnits", 1-based lines/columns (endColumn exclusive) plus charOffset/charLength, the top
 * suggestion as a fix, and `partialFingerprints` that depend only on the finding's text and its
 * surroundings (so they survive runs and edits elsewhere in the file). At most 5,000 results per run
 * (GitHub's limit): the rest are dropped, in input order, with a warning notification saying so.
 * With `quiet`, clean inputs are left out entirely.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { UnspinErrorCode } from '../errors.js';
import { LineIndex } from '../text/lines.js';
import type { Finding } from '../types.js';
import { round4 } from './json.js';
import type { FileResult, FormatEntry, Reporter, ReporterOptions } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const RULE_ID = 'SPUN_SUBSTITUTION';
export const MAX_SARIF_RESULTS = 5000;
/** Name of the partial fingerprint; bump the version if its recipe changes. */
export const FINGERPRINT_KEY = 'unspinSpanHash/v1';

/** Characters of context on each side that go into a fingerprint. */
const FINGERPRINT_CONTEXT = 24;

// Minimal SARIF shapes (the subset unspin writes).
interface SarifRegion {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  charOffset: number;
  charLength: number;
  snippet?: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }>;
  partialFingerprints: Record<string, string>;
  fixes?: Array<{
    description: { text: string };
    artifactChanges: Array<{
      artifactLocation: { uri: string };
      replacements: Array<{ deletedRegion: SarifRegion; insertedContent: { text: string } }>;
    }>;
  }>;
  properties: {
    confidence: number;
    suggestions: Array<{ text: string; probability: number }>;
    kind?: string;
  };
}

interface SarifNotification {
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  descriptor?: { id: string };
  locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
}

/** A file path as a SARIF artifact URI: relative paths stay relative (forward slashes, %-encoded). */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return encodeURI(path.replace(/\\/g, '/')).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/**
 * Fingerprint of a finding: hash of the rule, the observed text and up to 24 characters on each side
 * within its line (whitespace collapsed, lower-cased), plus ":n" counting earlier findings in the file
 * with the same hash.
 */
export function fingerprint(text: string, f: Finding, seen: Map<string, number>): string {
  // Context stops at line breaks, so edits on other lines never change a fingerprint.
  const before =
    text
      .slice(Math.max(0, f.start - FINGERPRINT_CONTEXT), f.start)
      .split(/[\r\n]/)
      .pop() ?? '';
  const after = text.slice(f.end, f.end + FINGERPRINT_CONTEXT).split(/[\r\n]/)[0];
  const key = [RULE_ID, collapse(before), collapse(f.text), collapse(after)].join('\u0000').toLowerCase();
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const n = (seen.get(hash) ?? 0) + 1;
  seen.set(hash, n);
  return `${hash}:${n}`;
}

function message(f: Finding): string {
  const [top, ...rest] = f.suggestions;
  const observed = JSON.stringify(collapse(f.text));
  const conf = f.confidence.toFixed(2);
  if (!top) return `${observed} looks like a spinner's substitution (confidence ${conf}).`;
  let text = `${observed} looks like a spinner's substitution for ${JSON.stringify(top.text)} (confidence ${conf}).`;
  if (rest.length > 0) text += ` Other candidates: ${rest.map((s) => JSON.stringify(s.text)).join(', ')}.`;
  return text;
}

export function createSarifReporter(opts: ReporterOptions = {}): Reporter {
  const results: SarifResult[] = [];
  const notifications: SarifNotification[] = [];
  let total = 0;
  let failed = false;
  const fileProps: Array<{ path: string; score: number; verdict: string; words: number }> = [];

  return {
    file(result: FileResult, text: string) {
      if (opts.quiet && result.verdict === 'clean') return '';
      fileProps.push({
        path: result.path,
        score: round4(result.score),
        verdict: result.verdict,
        words: result.words,
      });
      const uri = artifactUri(result.path);
      const index = new LineIndex(text);
      const seen = new Map<string, number>();
      for (const f of result.findings) {
        total++;
        const fp = fingerprint(text, f, seen);
        if (results.length >= MAX_SARIF_RESULTS) continue;
        const s = index.position(f.start);
        const e = index.position(f.end);
        const region: SarifRegion = {
          startLine: s.line,
          startColumn: s.column,
          endLine: e.line,
          endColumn: e.column,
          charOffset: f.start,
          charLength: f.end - f.start,
          snippet: { text: f.text },
        };
        const top = f.suggestions[0];
        const r: SarifResult = {
          ruleId: RULE_ID,
          ruleIndex: 0,
          level: f.confidence >= 0.8 ? 'warning' : 'note',
          message: { text: message(f) },
          locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
          partialFingerprints: { [FINGERPRINT_KEY]: fp },
          properties: {
            confidence: round4(f.confidence),
            suggestions: f.suggestions.map((x) => ({ text: x.text, probability: round4(x.probability) })),
          },
        };
        if (f.kind !== undefined) r.properties.kind = f.kind;
        if (top) {
          r.fixes = [
            {
              description: { text: `Restore ${JSON.stringify(top.text)}` },
              artifactChanges: [
                {
                  artifactLocation: { uri },
                  replacements: [
                    {
                      deletedRegion: { charOffset: f.start, charLength: f.end - f.start },
                      insertedContent: { text: top.text },
                    },
                  ],
                },
              ],
            },
          ];
        }
        results.push(r);
      }
      return '';
    },
    error(path: string, code: UnspinErrorCode, msg: string) {
      failed = true;
      notifications.push({
        level: 'error',
        message: { text: msg },
        descriptor: { id: code },
        locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(path) } } }],
      });
    },
    end() {
      if (total > MAX_SARIF_RESULTS) {
        notifications.push({
          level: 'warning',
          message: {
            text:
              `Results truncated: ${total} findings, only the first ${MAX_SARIF_RESULTS} are reported ` +
              '(GitHub code scanning shows at most 5,000 results per run). Use --format json for all of them.',
          },
          descriptor: { id: 'RESULTS_TRUNCATED' },
        });
      }
      const log = {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'unspin',
                version: opts.toolVersion ?? '0.0.0',
                rules: [
                  {
                    id: RULE_ID,
                    name: 'SpunSubstitution',
                    shortDescription: { text: 'Word or phrase probably replaced by an article spinner' },
                    fullDescription: {
                      text:
                        'The observed word or phrase reads like a thesaurus substitution made by an article ' +
                        'spinner; the suggestion is the most probable original wording.',
                    },
                    defaultConfiguration: { level: 'warning' },
                    help: {
                      text:
                        'Article spinners disguise copied text by swapping words for thesaurus synonyms ' +
                        '("tortured phrases"). Check the passage against its likely source and restore the ' +
                        'original wording or rewrite it properly.',
                    },
                    properties: { tags: ['spun-text', 'tortured-phrases'] },
                  },
                ],
              },
            },
            invocations: [{ executionSuccessful: !failed, toolExecutionNotifications: notifications }],
            columnKind: 'utf16CodeUnits',
            results,
            properties: { files: fileProps },
          },
        ],
      };
      return `${JSON.stringify(log, null, 2)}\n`;
    },
  };
}

/** The whole SARIF log for already-checked inputs. */
export function formatSarif(entries: readonly FormatEntry[], opts: ReporterOptions = {}): string {
  const r = createSarifReporter(opts);
  for (const e of entries) r.file(e.result, e.text);
  return r.end();
}
