/**
 * `check` with a known source: when the index holds the text a document was spun from, the alignment
 * says exactly which words were changed and what they were, so findings come from it (origin 'source')
 * instead of from the statistical decoder. Parts of the text that no source covers still go through the
 * decoder.
 */
import type { Engine } from '../engine.js';
import type { CheckOptions, CheckResult, Finding, Verdict } from '../types.js';
import type { AlignedSpan, SourceIndex, SourceMatch } from './index.js';

export type SourceCheckResult = CheckResult & { source?: SourceMatch };

/** A best match below these is not treated as the source. */
export const DEFAULT_SOURCE_THRESHOLD = { coverage: 0.3, similarity: 0.3 };

/** Below this coverage the uncovered rest of the text is also checked by the decoder. */
const FULL_COVERAGE = 0.98;
/** Share of aligned content words changed at which a document counts as fully spun (score 0.99). */
const SPUN_RATE = 0.1;

function verdictOf(score: number): Verdict {
  return score >= 0.9 ? 'spun' : score >= 0.5 ? 'suspicious' : 'clean';
}

/** Findings for the aligned spans that differ from the source. */
export function findingsFromSpans(spans: readonly AlignedSpan[], text: string, sourceId: string): Finding[] {
  const out: Finding[] = [];
  for (const sp of spans) {
    let kind: string;
    let confidence: number;
    let start = sp.query.start;
    const end = sp.query.end;
    if (sp.kind === 'synonym') {
      kind = 'thesaurus';
      confidence = 0.99;
    } else if (sp.kind === 'changed') {
      kind = 'source';
      confidence = 0.95;
    } else if (sp.kind === 'inserted') {
      kind = 'filler';
      confidence = 0.9;
      // Take the space before the inserted words too, so applying the edit leaves single spacing.
      while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    } else if (sp.kind === 'same' && sp.query.text.toLowerCase() !== sp.source.text.toLowerCase()) {
      kind = 'number';
      confidence = 0.95;
    } else {
      continue;
    }
    if (end <= start) continue;
    let suggestion = sp.source.text;
    // "Rep." aligned with "Repp" followed by its own period: do not restore a second period.
    if (suggestion.endsWith('.') && text[end] === '.') suggestion = suggestion.slice(0, -1);
    out.push({
      start,
      end,
      text: text.slice(start, end),
      suggestions: [{ text: suggestion, probability: 1 }],
      confidence,
      kind,
      origin: 'source',
      sourceId,
    });
  }
  return out;
}

/**
 * Check `text` against the index: when a source matches, findings from the alignment (origin 'source',
 * sourceId), else undefined. `engine` may be a function giving the engine: it is then only called when
 * part of the text is not covered by the source (so a fully covered text never loads the models).
 */
export async function checkWithSource(
  engine: Engine | (() => Engine | Promise<Engine>),
  index: SourceIndex,
  text: string,
  options: CheckOptions & { threshold?: { coverage: number; similarity: number } } = {},
): Promise<SourceCheckResult | undefined> {
  const threshold = options.threshold ?? DEFAULT_SOURCE_THRESHOLD;
  const found = await index.explain(text);
  if (!found || found.match.coverage < threshold.coverage || found.match.similarity < threshold.similarity) {
    return undefined;
  }
  const min = options.minConfidence ?? 0.5;
  const a = found.alignment;
  let findings = findingsFromSpans(found.spans, text, found.match.id).filter((f) => f.confidence >= min);
  const rate = a.alignedContentWords === 0 ? 0 : a.changedWords / a.alignedContentWords;
  let score = 0.01 + 0.98 * Math.min(1, rate / SPUN_RATE);
  if (found.match.coverage < FULL_COVERAGE) {
    // The decoder speaks for the parts no source covers.
    const decoder = typeof engine === 'function' ? await engine() : engine;
    const decoded = decoder.check(text, options);
    const covered = (f: Finding) => found.passages.some((p) => f.start < p.end && f.end > p.start);
    const extra = decoded.findings
      .filter((f) => !covered(f))
      .map((f) => ({ ...f, origin: 'decoder' as const }));
    findings = [...findings, ...extra].sort((x, y) => x.start - y.start);
    if (extra.length > 0) score = Math.max(score, decoded.score);
  }
  const { id, similarity, coverage } = found.match;
  return {
    score,
    verdict: verdictOf(score),
    words: a.queryWords,
    findings,
    source: { id, similarity, coverage },
  };
}
