/**
 * Human-readable report in the style of ESLint's and textlint's "stylish":
 *
 *   essay.txt: spun (score 0.93, 412 words)
 *      3:14  0.97  "leaped" → jumped (0.81), sprang, hopped
 *     12:1   0.66  "acknowledgment" → recognition (0.72)
 *
 *   ✖ 2 findings in 2 files: 1 spun, 0 suspicious, 1 clean
 *
 * Lines and columns are 1-based, columns in UTF-16 code units. Colour (ANSI) only when asked for.
 */
import { LineIndex } from '../text/lines.js';
import type { Verdict } from '../types.js';
import type { FileResult, FormatEntry, Reporter, ReporterOptions } from './types.js';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'underline';

const ANSI: Record<Style, [string, string]> = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  underline: ['\u001b[4m', '\u001b[24m'],
  red: ['\u001b[31m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
};

export type Painter = (style: Style, text: string) => string;

export function painter(color: boolean): Painter {
  return color ? (style, text) => ANSI[style][0] + text + ANSI[style][1] : (_style, text) => text;
}

const VERDICT_STYLE: Record<Verdict, Style> = { spun: 'red', suspicious: 'yellow', clean: 'green' };

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** Collapse whitespace (a span may cross a line break) so each finding stays on one line. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

export function createStylishReporter(opts: ReporterOptions = {}): Reporter {
  const paint = painter(opts.color === true);
  let files = 0;
  let findings = 0;
  let skipped = 0;
  const verdicts: Record<Verdict, number> = { spun: 0, suspicious: 0, clean: 0 };

  return {
    file(result: FileResult, text: string) {
      files++;
      findings += result.findings.length;
      verdicts[result.verdict]++;
      if (opts.quiet && result.verdict === 'clean') return '';
      const head =
        paint('underline', result.path) +
        ': ' +
        paint(VERDICT_STYLE[result.verdict], result.verdict) +
        paint('dim', ` (score ${result.score.toFixed(2)}, ${plural(result.words, 'word')})`);
      const lines = [head];
      if (result.findings.length > 0) {
        const index = new LineIndex(text);
        const locs = result.findings.map((f) => {
          const p = index.position(f.start);
          return `${p.line}:${p.column}`;
        });
        const width = Math.max(...locs.map((l) => l.length));
        result.findings.forEach((f, i) => {
          const conf = f.confidence.toFixed(2);
          const confStyle: Style = f.confidence >= 0.8 ? 'red' : f.confidence >= 0.5 ? 'yellow' : 'dim';
          let line = `  ${paint('dim', locs[i].padEnd(width))}  ${paint(confStyle, conf)}  `;
          line += paint('bold', JSON.stringify(oneLine(f.text)));
          const [top, ...rest] = f.suggestions.slice(0, 3);
          if (top) {
            line += ` → ${paint('green', oneLine(top.text))} (${top.probability.toFixed(2)})`;
            for (const s of rest) line += `, ${oneLine(s.text)}`;
          }
          lines.push(line);
        });
      }
      return `${lines.join('\n')}\n\n`;
    },
    error() {
      skipped++;
    },
    end() {
      const bad = verdicts.spun + verdicts.suspicious;
      const icon = bad > 0 || skipped > 0 ? paint('red', '✖') : paint('green', '✔');
      let summary = `${icon} ${plural(findings, 'finding')} in ${plural(files, 'file')}: `;
      summary += `${verdicts.spun} spun, ${verdicts.suspicious} suspicious, ${verdicts.clean} clean`;
      if (skipped > 0) summary += `; ${plural(skipped, 'input')} skipped`;
      return `${bad > 0 || skipped > 0 ? paint('bold', summary) : summary}\n`;
    },
  };
}

/** The whole stylish report for already-checked inputs. */
export function formatStylish(entries: readonly FormatEntry[], opts: ReporterOptions = {}): string {
  const r = createStylishReporter(opts);
  let out = '';
  for (const e of entries) out += r.file(e.result, e.text);
  return out + r.end();
}
