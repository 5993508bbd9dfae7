/**
 * Training text: inputs (files, directories searched recursively, `-` for stdin; JSON Lines records
 * `{"text": …}` with `jsonl`) read as a stream of text chunks cut at line breaks, and the sentences of a
 * chunk as the word forms the engine looks up in a language model.
 */

import { isAscii } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { numberWord } from '../../detect/channels.js';
import { UnspinError } from '../../errors.js';
import { tokenize } from '../../text/tokenize.js';

/** Stand-in for words outside the vocabulary (and digit strings that have no number word). */
export const UNK = '<unk>';
export const BOS = '<s>';
export const EOS = '</s>';

/** Chunks handed to the tokenizer are about this long (it is fastest on modest pieces). */
const CHUNK_CHARS = 256 * 1024;
const READ_BYTES = 1 << 20;

/** Paragraphs longer than this are tokenized a line at a time (the tokenizer slows down on huge strings). */
const MAX_PARAGRAPH = 64 * 1024;

/**
 * Call `onWord` for each training word of `text` and `onSentenceEnd` after each sentence, as the engine sees
 * them when it queries a language model: word tokens by their lower-case `norm`, digit tokens as their
 * number word ("2" → "two") or `<unk>`, punctuation and symbols left out; sentence boundaries from the
 * tokenizer. Paragraphs (blank-line separated: a blank line always ends a sentence) are tokenized one by one.
 */
export function forEachTrainingWord(
  text: string,
  onWord: (w: string) => void,
  onSentenceEnd: () => void,
): void {
  for (const para of text.split(/\n[^\S\n]*\n/)) {
    const pieces = para.length > MAX_PARAGRAPH ? para.split('\n') : [para];
    for (const piece of pieces) {
      const { tokens, sentences } = tokenize(piece);
      for (const s of sentences) {
        let words = 0;
        for (let i = s.firstToken; i < s.endToken; i++) {
          const t = tokens[i];
          if (t.kind === 'word') onWord(t.norm);
          else if (t.kind === 'number') onWord(numberWord(t.norm) ?? UNK);
          else continue;
          words++;
        }
        if (words > 0) onSentenceEnd();
      }
    }
  }
}

/** The training sentences of `text` as word lists (see `forEachTrainingWord`). */
export function trainingSentences(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  forEachTrainingWord(
    text,
    (w) => cur.push(w),
    () => {
      out.push(cur);
      cur = [];
    },
  );
  return out;
}

/** Regular files under the inputs: directories are searched recursively, in name order. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string, top: boolean): Promise<void> => {
    if (path === '-') {
      out.push(path);
      return;
    }
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (top)
        throw new UnspinError(
          'NOT_FOUND',
          `${path}: ${code === 'ENOENT' ? 'no such file or directory' : code}`,
        );
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
      for (const name of names) await walk(join(path, name), false);
    } else if (st.isFile()) out.push(path);
  };
  for (const input of inputs) await walk(input, true);
  return out;
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

async function* fileBytes(path: string, stdin: Readable): AsyncGenerator<Uint8Array> {
  if (path === '-') {
    for await (const chunk of stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    return;
  }
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_BYTES);
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Plain-text chunks of one input, cut at line breaks (a sentence never spans a paragraph break): while at
 * least CHUNK_CHARS code units are pending, the next chunk ends after the last paragraph break ("\n\n")
 * within the next CHUNK_CHARS code units, else after the last line break there (if there is none, the
 * text waits for more). The pending text is one flat string walked by index: slicing and re-joining it
 * per chunk cost about as much CPU time as tokenizing.
 */
async function* plainChunks(path: string, stdin: Readable, hash: Hash): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let first = true;
  let clean = true;
  for await (const bytes of fileBytes(path, stdin)) {
    if (first && looksBinary(bytes)) return; // a binary file in a directory: not training text
    hash.update(bytes);
    // ASCII bytes read while the decoder holds no partial character decode to the same code units as
    // Latin-1, which is much cheaper (the decoder still sees the first read, for its byte-order-mark rule).
    let decoded: string;
    if (clean && !first && isAscii(bytes))
      decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    else {
      decoded = decoder.decode(bytes, { stream: true });
      // A last byte below 0x80 ends any multi-byte sequence: nothing is left pending in the decoder.
      clean = bytes.length > 0 && bytes[bytes.length - 1] < 0x80;
    }
    first = false;
    const text = carry + decoded;
    let pos = 0;
    while (text.length - pos >= CHUNK_CHARS) {
      const end = pos + CHUNK_CHARS;
      const para = text.lastIndexOf('\n\n', end - 2);
      const at = para >= pos ? para + 1 : text.lastIndexOf('\n', end - 1);
      if (at < pos) break;
      yield text.slice(pos, at + 1);
      pos = at + 1;
    }
    carry = pos === 0 ? text : text.slice(pos);
  }
  carry += decoder.decode();
  if (carry.trim() !== '') yield carry;
}

/** Texts of JSON Lines records `{"text": …}`, batched into chunks; a malformed line is an input error. */
async function* jsonlChunks(path: string, stdin: Readable, hash: Hash): AsyncGenerator<string> {
  let batch = '';
  let lineNo = 0;
  for await (const line of plainLines(path, stdin, hash)) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new UnspinError('BAD_JSON', `${path}:${lineNo}: not a JSON record`);
    }
    const text = (rec as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new UnspinError('BAD_JSON', `${path}:${lineNo}: no "text" string`);
    // Records are separate documents: a blank line between them ends any open sentence.
    batch += `${text}\n\n`;
    if (batch.length >= CHUNK_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

async function* plainLines(path: string, stdin: Readable, hash: Hash): AsyncGenerator<string> {
  let carry = '';
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of fileBytes(path, stdin)) {
    hash.update(bytes);
    carry += decoder.decode(bytes, { stream: true });
    const lines = carry.split('\n');
    carry = lines.pop() as string;
    yield* lines;
  }
  carry += decoder.decode();
  if (carry !== '') yield carry;
}

export interface CorpusOptions {
  /** Inputs are JSON Lines records `{"text": …}`. */
  jsonl?: boolean;
  /** Stream read for `-`. */
  stdin?: Readable;
}

/** The training text as chunks; `hash` receives every byte read, in order. */
export async function* corpusChunks(
  files: readonly string[],
  options: CorpusOptions,
  hash: Hash = createHash('sha256'),
): AsyncGenerator<string> {
  const stdin = options.stdin ?? process.stdin;
  for (const file of files) {
    yield* options.jsonl ? jsonlChunks(file, stdin, hash) : plainChunks(file, stdin, hash);
  }
}
