import type { UnspinErrorCode } from '../errors.js';
import type { CheckResult } from '../types.js';

/** The result of checking one input, labelled with the path (or stdin name) it came from. */
export type FileResult = CheckResult & { path: string };

export type FormatName = 'stylish' | 'json' | 'sarif';

export const FORMATS: readonly FormatName[] = ['stylish', 'json', 'sarif'];

export interface ReporterOptions {
  /** Emit ANSI colour codes (stylish only). The caller decides: TTY, NO_COLOR, --no-color. */
  color?: boolean;
  /** Leave clean inputs out (stylish: of the listing, the summary still counts them; json, sarif: entirely). */
  quiet?: boolean;
  /** unspin's version, for SARIF's tool.driver.version. */
  toolVersion?: string;
}

/**
 * A streaming formatter: `file` returns the text to write for one checked input as soon as it is done,
 * `error` records an input that could not be checked, `end` returns what comes after the last input
 * (a summary, closing brackets, or for SARIF the whole document). Reporters keep no source text.
 */
export interface Reporter {
  file(result: FileResult, text: string): string;
  error(path: string, code: UnspinErrorCode, message: string): void;
  end(): string;
}

/** One checked input with its source text, for the one-shot `format*` helpers. */
export interface FormatEntry {
  result: FileResult;
  text: string;
}
