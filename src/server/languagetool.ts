/**
 * The LanguageTool HTTP API (v2) as editor plugins speak it: request parameters, annotated `data`, and
 * findings turned into LanguageTool matches. Pure functions; the routes live in lt-routes.ts.
 *
 * Offsets are UTF-16 code units. With `data`, the engine checks the plain text (text parts plus each
 * markup's `interpretAs`) and match offsets are mapped back into the document, markup included, as
 * LanguageTool does; `context` and `sentence` are taken from the plain text.
 */
import { round4 } from '../formats/json.js';
import type { CheckResult, Finding } from '../types.js';
import { HttpError } from './http-errors.js';
import type { SentenceBounds } from './protocol.js';

/** Request parameters, all strings as they come from a form or a query. */
export type LtParams = Record<string, string>;

/** Parameters from the query merged with the body; the body is form data whatever the Content-Type says. */
export function ltParams(query: unknown, body: unknown): LtParams {
  const out: LtParams = {};
  const add = (k: string, v: unknown) => {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[v.length - 1] === 'string') out[k] = v[v.length - 1];
  };
  if (query && typeof query === 'object') for (const [k, v] of Object.entries(query)) add(k, v);
  if (typeof body === 'string' && body.length > 0) {
    const trimmed = body.trimStart();
    if (trimmed.startsWith('{')) {
      // A genuine JSON object of parameters (not what LanguageTool accepts, but unambiguous).
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw new HttpError(
          400,
          'BAD_REQUEST',
          'the body looks like JSON but is not valid JSON; send form parameters',
        );
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed))
          add(k, k === 'data' && v && typeof v === 'object' ? JSON.stringify(v) : v);
      }
    } else {
      for (const [k, v] of new URLSearchParams(body)) out[k] = v;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Languages

export interface LtLanguage {
  name: string;
  code: string;
  longCode: string;
}

export const LANGUAGES: readonly LtLanguage[] = [
  { name: 'English', code: 'en', longCode: 'en' },
  { name: 'English (US)', code: 'en', longCode: 'en-US' },
  { name: 'English (GB)', code: 'en', longCode: 'en-GB' },
  { name: 'English (Australian)', code: 'en', longCode: 'en-AU' },
  { name: 'English (Canadian)', code: 'en', longCode: 'en-CA' },
  { name: 'English (New Zealand)', code: 'en', longCode: 'en-NZ' },
  { name: 'English (South African)', code: 'en', longCode: 'en-ZA' },
];

/** The language to report for a request's `language` (and `preferredVariants` when it is `auto`). */
export function resolveLanguage(language: string | undefined, preferredVariants?: string): LtLanguage {
  if (language === undefined || language.trim() === '') {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      "Missing 'language' parameter, e.g. language=en-US or language=auto",
    );
  }
  const wanted = language.trim();
  if (wanted.toLowerCase() === 'auto') {
    const variant = (preferredVariants ?? '')
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .find((v) => v.startsWith('en-'));
    return LANGUAGES.find((l) => l.longCode.toLowerCase() === variant) ?? LANGUAGES[1];
  }
  const found = LANGUAGES.find((l) => l.longCode.toLowerCase() === wanted.toLowerCase().replace('_', '-'));
  if (found) return found;
  throw new HttpError(
    400,
    'BAD_REQUEST',
    `unspin checks English only: '${wanted}' is not supported (see /v2/languages)`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Annotated text

/** A stretch of the document: text copied to the plain text, or markup replaced by `interpretAs`. */
interface Segment {
  plainStart: number;
  plainEnd: number;
  docStart: number;
  docEnd: number;
  markup: boolean;
}

/** The plain text the engine checks and the way back from plain offsets to document offsets. */
export class PlainText {
  private constructor(
    readonly text: string,
    private readonly segments: Segment[],
  ) {}

  static fromText(text: string): PlainText {
    return new PlainText(text, [
      { plainStart: 0, plainEnd: text.length, docStart: 0, docEnd: text.length, markup: false },
    ]);
  }

  /** Parse LanguageTool's `data` parameter: {"annotation":[{"text"} | {"markup", "interpretAs"?}]}. */
  static fromData(data: string): PlainText {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (err) {
      throw new HttpError(400, 'BAD_REQUEST', `Invalid JSON in 'data' parameter: ${(err as Error).message}`);
    }
    const annotation = (parsed as { annotation?: unknown } | null)?.annotation;
    if (!parsed || typeof parsed !== 'object' || !Array.isArray(annotation)) {
      throw new HttpError(400, 'BAD_REQUEST', `'data' must be an object like {"annotation":[{"text":"…"}]}`);
    }
    const segments: Segment[] = [];
    let plain = '';
    let doc = 0;
    annotation.forEach((item: unknown, i: number) => {
      const part = item as { text?: unknown; markup?: unknown; interpretAs?: unknown } | null;
      const bad = (why: string) =>
        new HttpError(400, 'BAD_REQUEST', `Invalid 'data' parameter: annotation[${i}] ${why}`);
      if (!part || typeof part !== 'object' || Array.isArray(part)) throw bad('is not an object');
      const hasText = part.text !== undefined;
      const hasMarkup = part.markup !== undefined;
      if (hasText && hasMarkup) throw bad('has both "text" and "markup"');
      if (hasText) {
        if (typeof part.text !== 'string') throw bad('has a "text" that is not a string');
        segments.push({
          plainStart: plain.length,
          plainEnd: plain.length + part.text.length,
          docStart: doc,
          docEnd: doc + part.text.length,
          markup: false,
        });
        plain += part.text;
        doc += part.text.length;
      } else if (hasMarkup) {
        if (typeof part.markup !== 'string') throw bad('has a "markup" that is not a string');
        const as = part.interpretAs ?? '';
        if (typeof as !== 'string') throw bad('has an "interpretAs" that is not a string');
        segments.push({
          plainStart: plain.length,
          plainEnd: plain.length + as.length,
          docStart: doc,
          docEnd: doc + part.markup.length,
          markup: true,
        });
        plain += as;
        doc += part.markup.length;
      } else {
        throw bad('has neither "text" nor "markup"');
      }
    });
    return new PlainText(plain, segments);
  }

  /**
   * Document offset for a plain-text offset. Inside text the two move together; inside an `interpretAs`
   * a start maps to the markup's start and an end to the markup's end, so a match covers its markup.
   */
  toDocument(offset: number, isEnd: boolean): number {
    const segs = this.segments;
    if (segs.length === 0) return 0;
    // A start belongs to the last segment starting at or before it (after any empty markup there); an
    // end to the last segment starting before it (so it never takes in the markup that follows).
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = segs[mid].plainStart;
      if (s < offset || (!isEnd && s === offset)) lo = mid;
      else hi = mid - 1;
    }
    const seg = segs[lo];
    if (seg.markup) return isEnd ? seg.docEnd : seg.docStart;
    return seg.docStart + Math.min(Math.max(offset - seg.plainStart, 0), seg.plainEnd - seg.plainStart);
  }
}

// ---------------------------------------------------------------------------------------------------
// Matches

export const CATEGORY = { id: 'SPUN_TEXT', name: 'Spun text' } as const;

/** Rule ids stay clear of the patterns clients treat as spelling (MORFOLOGIK_*, *_SPELLER_RULE). */
export const RULES = {
  SPUN_SUBSTITUTION: 'A word an article spinner likely swapped for a synonym',
  TORTURED_PHRASE: 'A phrase an article spinner likely rewrote word by word (a "tortured phrase")',
} as const;

export type RuleId = keyof typeof RULES;

/** Minimum finding confidence for LanguageTool's `level` parameter. */
export const LEVEL_MIN_CONFIDENCE = { default: 0.5, picky: 0.3 } as const;

export function levelMinConfidence(level: string | undefined): number {
  if (level === undefined || level === '' || level === 'default') return LEVEL_MIN_CONFIDENCE.default;
  if (level === 'picky') return LEVEL_MIN_CONFIDENCE.picky;
  throw new HttpError(400, 'BAD_REQUEST', `'level' must be 'default' or 'picky', not '${level}'`);
}

const list = (v: string | undefined) =>
  new Set(
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

/** Which of our rules a request leaves on (enabledRules, disabledRules, categories, enabledOnly). */
export function activeRules(p: LtParams): Set<RuleId> {
  const enabled = list(p.enabledRules);
  const disabled = list(p.disabledRules);
  const enabledCats = list(p.enabledCategories);
  const disabledCats = list(p.disabledCategories);
  const only = p.enabledOnly === 'true';
  if (only && enabled.size === 0 && enabledCats.size === 0) {
    throw new HttpError(400, 'BAD_REQUEST', "enabledOnly=true needs 'enabledRules' or 'enabledCategories'");
  }
  const out = new Set<RuleId>();
  for (const id of Object.keys(RULES) as RuleId[]) {
    const on = only
      ? enabled.has(id) || enabledCats.has(CATEGORY.id)
      : !disabled.has(id) && !disabledCats.has(CATEGORY.id);
    if (on) out.add(id);
  }
  return out;
}

export function ruleFor(f: Finding): RuleId {
  return /\s/.test(f.text.trim()) ? 'TORTURED_PHRASE' : 'SPUN_SUBSTITUTION';
}

const KIND_PHRASES: Record<string, string> = {
  thesaurus: 'a synonym swapped in by an article spinner',
  number: 'a number rewritten by an article spinner',
  filler: 'filler inserted by an article spinner',
  spelling: 'a spelling changed by an article spinner',
  user: 'one of your listed substitutions',
  source: 'a change from the known source text',
};

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function matchMessage(f: Finding): string {
  const what = KIND_PHRASES[f.kind ?? 'thesaurus'] ?? KIND_PHRASES.thesaurus;
  const top = f.suggestions[0];
  const original = top ? ` The original was probably “${top.text}” (${pct(top.probability)}).` : '';
  return `“${f.text}” looks like ${what} (confidence ${pct(f.confidence)}).${original}`;
}

const CONTEXT_CHARS = 40;

/** LanguageTool's context: up to 40 characters either side, "..." where cut, line breaks as spaces. */
export function matchContext(
  text: string,
  start: number,
  end: number,
): { text: string; offset: number; length: number } {
  const from = Math.max(0, start - CONTEXT_CHARS);
  const to = Math.min(text.length, end + CONTEXT_CHARS);
  const lead = from > 0 ? '...' : '';
  const tail = to < text.length ? '...' : '';
  const body = text.slice(from, to).replace(/[\r\n\t]/g, ' ');
  return { text: lead + body + tail, offset: lead.length + (start - from), length: end - start };
}

export interface LtMatch {
  message: string;
  shortMessage: string;
  replacements: Array<{ value: string }>;
  offset: number;
  length: number;
  context: { text: string; offset: number; length: number };
  sentence: string;
  type: { typeName: string };
  rule: {
    id: RuleId;
    description: string;
    issueType: string;
    category: { id: string; name: string };
  };
  ignoreForIncompleteSentence: boolean;
  contextForSureMatch: number;
  /** unspin's own fields (clients ignore unknown keys): calibrated confidence and suggestion probabilities. */
  confidence: number;
  probabilities: number[];
}

/** One match per finding whose rule is active, in document order. */
export function toMatches(
  result: CheckResult,
  sentences: SentenceBounds,
  plain: PlainText,
  rules: ReadonlySet<RuleId>,
): LtMatch[] {
  const out: LtMatch[] = [];
  result.findings.forEach((f, i) => {
    const id = ruleFor(f);
    if (!rules.has(id)) return;
    const offset = plain.toDocument(f.start, false);
    const end = plain.toDocument(f.end, true);
    const [s, e] = sentences[i] ?? [f.start, f.end];
    out.push({
      message: matchMessage(f),
      shortMessage: 'Spun text',
      replacements: f.suggestions.map((x) => ({ value: x.text })),
      offset,
      length: Math.max(0, end - offset),
      context: matchContext(plain.text, f.start, f.end),
      sentence: plain.text.slice(s, e).trim(),
      type: { typeName: 'Hint' },
      rule: { id, description: RULES[id], issueType: 'terminology', category: { ...CATEGORY } },
      ignoreForIncompleteSentence: false,
      contextForSureMatch: 0,
      confidence: round4(f.confidence),
      probabilities: f.suggestions.map((x) => round4(x.probability)),
    });
  });
  return out.sort((a, b) => a.offset - b.offset);
}
