/** Reading inputs, writing outputs, colour decisions and option parsing for the CLI. */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { UnspinError } from '../errors.js';
import { assertSize, DEFAULT_MAX_BYTES, decodeInput, formatBytes } from '../text/input.js';

export const STDIN_NAME = '<stdin>';

/** Everything the CLI touches in the outside world, so tests and callers can substitute it. */
export interface CliIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface InputText {
  /** The name shown in reports: the path as given, or the stdin name. */
  name: string;
  text: string;
}

/** Message for a file-system error, naming the path. */
export function fsError(path: string, err: unknown): UnspinError {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return new UnspinError('NOT_FOUND', `${path}: no such file`);
    case 'EISDIR':
      return new UnspinError('IO', `${path}: is a directory`);
    case 'EACCES':
    case 'EPERM':
      return new UnspinError('IO', `${path}: permission denied`);
    default:
      return new UnspinError(
        'IO',
        `${path}: cannot read (${e?.code ?? (e as Error)?.message ?? String(err)})`,
      );
  }
}

/** Read a whole stream, giving up with TOO_LARGE as soon as it passes maxBytes. */
export async function readStream(stream: Readable, name: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new UnspinError(
        'TOO_LARGE',
        `${name}: input too large (over the ${formatBytes(maxBytes)} limit)`,
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

/** Read and decode one input: a path, or "-" for stdin (read once; later "-" get the same text). */
export class InputReader {
  private stdinText: Promise<string> | undefined;

  constructor(
    private readonly io: CliIO,
    private readonly maxBytes: number,
    private readonly stdinName: string,
  ) {}

  async read(arg: string): Promise<InputText> {
    if (arg === '-') {
      this.stdinText ??= readStream(this.io.stdin, this.stdinName, this.maxBytes).then((buf) =>
        decodeInput(buf, this.stdinName, { maxBytes: this.maxBytes }),
      );
      return { name: this.stdinName, text: await this.stdinText };
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(arg);
    } catch (err) {
      throw fsError(arg, err);
    }
    if (info.isDirectory()) throw new UnspinError('IO', `${arg}: is a directory`);
    if (info.isFile()) assertSize(info.size, arg, this.maxBytes);
    let buf: Uint8Array;
    try {
      // Regular files were size-checked above; pipes and devices are capped while reading.
      buf = await readStream(createReadStream(arg), arg, this.maxBytes);
    } catch (err) {
      if (err instanceof UnspinError) throw err;
      throw fsError(arg, err);
    }
    return { name: arg, text: decodeInput(buf, arg, { maxBytes: this.maxBytes }) };
  }
}

/** A destination for results: stdout or a file (opened on first write). Writes respect backpressure. */
export class Output {
  private stream: Writable | undefined;
  private closed = false;

  constructor(
    private readonly io: CliIO,
    private readonly path: string | undefined,
  ) {}

  private async ensure(): Promise<Writable> {
    if (this.stream) return this.stream;
    if (this.path === undefined) {
      this.stream = this.io.stdout;
    } else {
      try {
        const handle = await open(this.path, 'w');
        this.stream = handle.createWriteStream();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new UnspinError('IO', `${this.path}: cannot write (${e.code ?? e.message})`);
      }
    }
    return this.stream;
  }

  async write(chunk: string): Promise<void> {
    if (chunk.length === 0 && this.path === undefined) return;
    const s = await this.ensure();
    if (!s.write(chunk)) await once(s, 'drain');
  }

  /** Flush and close a file output (stdout stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.path === undefined) return;
    const s = await this.ensure();
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.end(() => res());
    });
  }
}

/** Refuse `-o` pointing at one of the inputs (it would be truncated before it is read). */
export function assertOutputNotInput(output: string | undefined, inputs: readonly string[]): void {
  if (output === undefined) return;
  const out = resolve(output);
  for (const f of inputs) {
    if (f !== '-' && resolve(f) === out) {
      throw new UnspinError('USAGE', `refusing to write the output over the input ${f}`);
    }
  }
}

/** Colour for a stream: off with --no-color or NO_COLOR, forced with FORCE_COLOR, else only on a TTY. */
export function useColor(stream: { isTTY?: boolean }, colorFlag: boolean, env: NodeJS.ProcessEnv): boolean {
  if (!colorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

/** Commander parser for a number in [0, 1]. */
export function parseUnit(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new InvalidArgumentError('expected a number from 0 to 1.');
  }
  return x;
}

/** Commander parser for a byte count with an optional K, M or G suffix (powers of 1024). */
export function parseBytes(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) throw new InvalidArgumentError('expected a size in bytes, like 1000000, 512K or 64M.');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.floor(Number(m[1]) * mult);
  if (n < 1) throw new InvalidArgumentError('expected a size of at least 1 byte.');
  return n;
}

export { DEFAULT_MAX_BYTES };
