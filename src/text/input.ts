/**
 * Turning bytes from a file, stdin or a request into the text the engine checks, with one-line
 * UnspinErrors for inputs that cannot be text.
 *
 * Encodings: UTF-8 (a leading BOM is removed), UTF-16 LE/BE when the input starts with their BOM.
 * Offsets everywhere downstream are UTF-16 code units into the string this module returns, i.e. AFTER
 * the BOM was removed: a finding at offset 0 is the first character after the BOM. (For UTF-8 files
 * with a BOM the string is one code unit shorter than an editor that keeps the BOM would count.)
 */
import { UnspinError } from '../errors.js';

/** Default limit on input size: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** How many leading bytes the binary sniffing looks at. */
const SNIFF_BYTES = 8192;

/** Share of control bytes (other than tab, newline, CR, form feed, vertical tab, ESC) above which input is binary. */
const MAX_CONTROL_SHARE = 0.1;

export interface DecodeOptions {
  /** Reject inputs larger than this many bytes (default 64 MiB). */
  maxBytes?: number;
}

/** A byte count for messages: "512 bytes", "1.5 KiB", "64.0 MiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Throws TOO_LARGE when `bytes` exceeds the limit (use before reading a file whose size is known). */
export function assertSize(bytes: number, name: string, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (bytes > maxBytes) {
    throw new UnspinError(
      'TOO_LARGE',
      `${name}: input too large (${formatBytes(bytes)}, limit ${formatBytes(maxBytes)})`,
    );
  }
}

function isControl(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b && c !== 0x1b) ||
    c === 0x7f
  );
}

/** Throws BINARY_INPUT when the first 8 KiB have a NUL byte or a high share of control bytes. */
function sniffBinary(buf: Uint8Array, name: string): void {
  const limit = Math.min(buf.length, SNIFF_BYTES);
  let controls = 0;
  for (let i = 0; i < limit; i++) {
    const c = buf[i];
    if (c === 0) {
      // ASCII text in UTF-16 without a BOM has a NUL in every other byte: say so.
      const hint = looksLikeBomlessUtf16(buf) ? '; it looks like UTF-16 without a byte-order mark' : '';
      throw new UnspinError('BINARY_INPUT', `${name}: binary data (NUL byte at offset ${i})${hint}`);
    }
    if (isControl(c)) controls++;
  }
  if (limit > 0 && controls / limit > MAX_CONTROL_SHARE) {
    throw new UnspinError(
      'BINARY_INPUT',
      `${name}: binary data (${Math.round((100 * controls) / limit)}% control bytes in the first ${formatBytes(limit)})`,
    );
  }
}

function looksLikeBomlessUtf16(buf: Uint8Array): boolean {
  const limit = Math.min(buf.length, SNIFF_BYTES) & ~1;
  if (limit < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < limit; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  const pairs = limit / 2;
  return (oddNul > 0.9 * pairs && evenNul === 0) || (evenNul > 0.9 * pairs && oddNul === 0);
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    const second = buf[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function hexBytes(buf: Uint8Array, at: number, count: number): string {
  return Array.from(buf.subarray(at, at + count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decode an input's bytes to text, or throw an UnspinError naming the input:
 * TOO_LARGE (over `maxBytes`), BINARY_INPUT, INVALID_UTF8 (with the byte offset of the first bad
 * sequence; also used for malformed UTF-16), EMPTY_INPUT (nothing but whitespace).
 * A UTF-8 BOM is removed; input starting with a UTF-16 LE or BE BOM is decoded as UTF-16.
 */
export function decodeInput(buf: Uint8Array, name: string, opts: DecodeOptions = {}): string {
  assertSize(buf.length, name, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  let text: string;
  const utf16 =
    buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
      ? buf[0] === 0xff
        ? 'utf-16le'
        : 'utf-16be'
      : null;
  if (utf16 !== null) {
    try {
      text = new TextDecoder(utf16, { fatal: true, ignoreBOM: true }).decode(buf.subarray(2));
    } catch {
      throw new UnspinError(
        'INVALID_UTF8',
        `${name}: invalid ${utf16.toUpperCase()} (odd length or unpaired surrogate)`,
      );
    }
    // Binary check on the decoded text: NULs or many control characters.
    const limit = Math.min(text.length, SNIFF_BYTES);
    let controls = 0;
    for (let i = 0; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 0)
        throw new UnspinError('BINARY_INPUT', `${name}: binary data (NUL character at offset ${i})`);
      if (isControl(c)) controls++;
    }
    if (limit > 0 && controls / limit > MAX_CONTROL_SHARE) {
      throw new UnspinError('BINARY_INPUT', `${name}: binary data (too many control characters)`);
    }
  } else {
    sniffBinary(buf, name);
    const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    try {
      text = UTF8.decode(start === 0 ? buf : buf.subarray(start));
    } catch {
      const at = firstInvalidUtf8(buf.subarray(start));
      const offset = at < 0 ? start : at + start;
      throw new UnspinError(
        'INVALID_UTF8',
        `${name}: invalid UTF-8 at byte offset ${offset} (${hexBytes(buf, offset, 4)})`,
      );
    }
  }
  if (!/\S/.test(text)) {
    throw new UnspinError(
      'EMPTY_INPUT',
      text.length === 0 ? `${name}: empty input` : `${name}: input contains only whitespace`,
    );
  }
  return text;
}

/** Very common English function words: their share among words separates English from other languages. */
const FUNCTION_WORDS = new Set(
  (
    'the of and to a in is that for it was on with as be by at this are from or have an but not they his ' +
    'her which he she we you i has had were been their will would can there all more one if so what about ' +
    'who its no than them when do up out into our my these some also other only then may could should ' +
    'me him us your those such how any most over after very did does just being'
  ).split(' '),
);

/** How much text `looksEnglish` samples. */
const SAMPLE_CHARS = 100_000;
/** Texts with fewer words than this are always accepted. */
const MIN_WORDS = 20;
/** English prose has 35-50% function words; other languages in Latin script rarely reach 10%. */
const MIN_SHARE = 0.15;

/**
 * Whether the text looks like English: the share of very common English function words among its words
 * (first 100,000 characters). Texts under 20 words always pass. Meant for a NOT_ENGLISH warning, not an error.
 */
export function looksEnglish(text: string): boolean {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const re = /\p{L}+(?:['’]\p{L}+)*/gu;
  let words = 0;
  let common = 0;
  for (let m = re.exec(sample); m !== null; m = re.exec(sample)) {
    words++;
    if (FUNCTION_WORDS.has(m[0].toLowerCase())) common++;
  }
  if (words < MIN_WORDS) return true;
  return common / words >= MIN_SHARE;
}
