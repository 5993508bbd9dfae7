/**
 * The JSON report other tools parse. Keys come in exactly this order; fields added later are only ever
 * appended after them; numbers are rounded to 4 decimals:
 * {"version":1,"files":[{"path","score","verdict","words","findings":[{"start","end","text",
 *   "suggestions":[{"text","probability"}],"confidence"(,"kind")}]}](,"errors":[{"path","code","message"}])}
 * "errors" is present only when some input could not be checked.
 */
import type { UnspinErrorCode } from '../errors.js';
import type { CheckResult, Finding } from '../types.js';
import type { FileResult, FormatEntry, Reporter, ReporterOptions } from './types.js';

/** Round to 4 decimals (and turn -0 into 0). */
export function round4(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

/** A finding as a plain object with the documented key order. */
export function jsonFinding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    start: f.start,
    end: f.end,
    text: f.text,
    suggestions: f.suggestions.map((s) => ({ text: s.text, probability: round4(s.probability) })),
    confidence: round4(f.confidence),
  };
  if (f.kind !== undefined) out.kind = f.kind;
  if (f.origin !== undefined) out.origin = f.origin;
  if (f.sourceId !== undefined) out.sourceId = f.sourceId;
  return out;
}

/** score, verdict, words, findings of a result, in that order, after the given leading fields. */
export function jsonResult(result: CheckResult, lead: Record<string, unknown>): Record<string, unknown> {
  return {
    ...lead,
    score: round4(result.score),
    verdict: result.verdict,
    words: result.words,
    findings: result.findings.map(jsonFinding),
  };
}

/** Streaming JSON reporter; with `quiet`, clean inputs are left out of "files". */
export function createJsonReporter(opts: ReporterOptions = {}): Reporter {
  let count = 0;
  const errors: Array<{ path: string; code: UnspinErrorCode; message: string }> = [];
  return {
    file(result: FileResult) {
      if (opts.quiet && result.verdict === 'clean') return '';
      const chunk = JSON.stringify(jsonResult(result, { path: result.path }));
      return (count++ === 0 ? '{"version":1,"files":[' : ',') + chunk;
    },
    error(path, code, message) {
      errors.push({ path, code, message });
    },
    end() {
      const head = count === 0 ? '{"version":1,"files":[' : '';
      const tail = errors.length > 0 ? `],"errors":${JSON.stringify(errors)}}` : ']}';
      return `${head}${tail}\n`;
    },
  };
}

/** The whole JSON report for already-checked inputs. */
export function formatJson(entries: readonly FormatEntry[], opts: ReporterOptions = {}): string {
  const r = createJsonReporter(opts);
  let out = '';
  for (const e of entries) out += r.file(e.result, e.text);
  return out + r.end();
}
