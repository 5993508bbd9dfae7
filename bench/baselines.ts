/**
 * Naive systems the engine is compared with in the same run (speed and quality), behind the same
 * `check`/`restore` surface as the engine.
 *
 * - `phrase-list`: exact, case-insensitive matching of the development tortured-phrase lists (pps-dev and
 *   tortured-dev), longest match first. Circular on those cases by construction (it is their own list); it
 *   shows what a fingerprint list catches and what it costs, not a quality target.
 * - The engine itself with one candidate per word (`maxPerSpan: 1, perPosition: 1`) is the other baseline;
 *   it is built in resources.ts.
 */
import type { CheckOptions, CheckResult, Finding, RestoreResult } from '../src/types.js';
import { loadPps, loadTortured } from './corpora.js';

export interface Checker {
  check(text: string, options?: CheckOptions): CheckResult;
  restore(text: string, options?: CheckOptions): RestoreResult;
}

const WORD_RE = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

interface W {
  start: number;
  end: number;
  norm: string;
}

function words(text: string): W[] {
  const out: W[] = [];
  for (const m of text.matchAll(WORD_RE)) {
    out.push({ start: m.index, end: m.index + m[0].length, norm: m[0].toLowerCase().replace(/’/g, "'") });
  }
  return out;
}

function matchCase(observed: string, replacement: string): string {
  if (observed.length > 1 && observed === observed.toUpperCase()) return replacement.toUpperCase();
  if (observed[0] !== observed[0].toLowerCase())
    return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  return replacement;
}

function restoreFrom(text: string, findings: readonly Finding[]): RestoreResult {
  let out = '';
  let pos = 0;
  const edits = [];
  for (const f of findings) {
    if (f.start < pos || f.suggestions.length === 0) continue;
    out += text.slice(pos, f.start) + f.suggestions[0].text;
    edits.push({
      start: f.start,
      end: f.end,
      text: f.text,
      replacement: f.suggestions[0].text,
      confidence: f.confidence,
    });
    pos = f.end;
  }
  return { text: out + text.slice(pos), edits };
}

function verdictOf(score: number): CheckResult['verdict'] {
  return score >= 0.8 ? 'spun' : score >= 0.5 ? 'suspicious' : 'clean';
}

/** Document score of the baselines: 1 - exp(-findings per 100 words), a monotone squash of the finding rate. */
function docScore(findings: number, nWords: number): number {
  return nWords === 0 ? 0 : 1 - Math.exp(-(100 * findings) / nWords);
}

/** Exact matching of a phrase list (observed → original). */
export function phraseListChecker(pairs?: ReadonlyArray<{ observed: string; original: string }>): Checker {
  const list =
    pairs ?? [...loadPps(), ...loadTortured()].map((c) => ({ observed: c.tortured, original: c.expected }));
  const map = new Map<string, string>();
  let maxLen = 1;
  for (const p of list) {
    const key = words(p.observed)
      .map((w) => w.norm)
      .join(' ');
    if (!key || map.has(key)) continue;
    map.set(key, p.original);
    maxLen = Math.max(maxLen, key.split(' ').length);
  }
  const check = (text: string): CheckResult => {
    const ws = words(text);
    const findings: Finding[] = [];
    let i = 0;
    while (i < ws.length) {
      let hit = 0;
      for (let L = Math.min(maxLen, ws.length - i); L >= 1 && !hit; L--) {
        let key = ws[i].norm;
        for (let k = 1; k < L; k++) key += ` ${ws[i + k].norm}`;
        const orig = map.get(key);
        if (orig !== undefined) {
          const start = ws[i].start;
          const end = ws[i + L - 1].end;
          const observed = text.slice(start, end);
          findings.push({
            start,
            end,
            text: observed,
            suggestions: [{ text: matchCase(observed, orig), probability: 1 }],
            confidence: 1,
            kind: 'term',
          });
          hit = L;
        }
      }
      i += hit || 1;
    }
    const score = docScore(findings.length, ws.length);
    return { score, verdict: verdictOf(score), words: ws.length, findings };
  };
  return { check, restore: (text) => restoreFrom(text, check(text).findings) };
}
