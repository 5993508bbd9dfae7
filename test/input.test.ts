import { describe, expect, it } from 'vitest';
import { UnspinError } from '../src/errors.js';
import { assertSize, decodeInput, firstInvalidUtf8, looksEnglish } from '../src/text/input.js';

const enc = new TextEncoder();

function errorOf(fn: () => unknown): UnspinError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UnspinError) return e;
    throw e;
  }
  throw new Error('expected an UnspinError');
}

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = bigEndian ? 0xfe : 0xff;
  out[1] = bigEndian ? 0xff : 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = bigEndian ? c >> 8 : c & 0xff;
    out[3 + 2 * i] = bigEndian ? c & 0xff : c >> 8;
  }
  return out;
}

describe('decodeInput', () => {
  it('decodes UTF-8, keeping CRLF and astral characters', () => {
    expect(decodeInput(enc.encode('Héllo 🙂\r\nworld'), 'a.txt')).toBe('Héllo 🙂\r\nworld');
  });

  it('removes a UTF-8 BOM (offsets are then into the text without it)', () => {
    const text = decodeInput(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('Hi there')]), 'bom.txt');
    expect(text).toBe('Hi there');
    expect(text.indexOf('there')).toBe(3);
  });

  it('removes only the first BOM', () => {
    const text = decodeInput(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41]), 'x');
    expect(text).toBe('\ufeffA');
  });

  it('decodes UTF-16 LE and BE with a BOM', () => {
    expect(decodeInput(utf16('Spun text 🙂', false), 'le.txt')).toBe('Spun text 🙂');
    expect(decodeInput(utf16('Spun text 🙂', true), 'be.txt')).toBe('Spun text 🙂');
  });

  it('rejects empty and whitespace-only input', () => {
    const empty = errorOf(() => decodeInput(new Uint8Array(0), 'empty.txt'));
    expect(empty.code).toBe('EMPTY_INPUT');
    expect(empty.message).toBe('empty.txt: empty input');
    const blank = errorOf(() => decodeInput(enc.encode(' \n\t\r\n'), 'blank.txt'));
    expect(blank.code).toBe('EMPTY_INPUT');
    expect(blank.message).toBe('blank.txt: input contains only whitespace');
    expect(errorOf(() => decodeInput(new Uint8Array([0xef, 0xbb, 0xbf]), 'b')).code).toBe('EMPTY_INPUT');
  });

  it('rejects binary input: NUL bytes or many control bytes', () => {
    const nul = errorOf(() => decodeInput(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]), 'a.zip'));
    expect(nul.code).toBe('BINARY_INPUT');
    expect(nul.message).toBe('a.zip: binary data (NUL byte at offset 4)');
    const ctl = new Uint8Array(100).fill(0x41);
    for (let i = 0; i < 20; i++) ctl[i * 5] = 0x01;
    const e = errorOf(() => decodeInput(ctl, 'ctl.bin'));
    expect(e.code).toBe('BINARY_INPUT');
    expect(e.message).toBe('ctl.bin: binary data (20% control bytes in the first 100 bytes)');
  });

  it('hints at UTF-16 without a BOM', () => {
    const bytes = utf16('Hello world', false).subarray(2);
    expect(errorOf(() => decodeInput(bytes, 'u16.txt')).message).toBe(
      'u16.txt: binary data (NUL byte at offset 1); it looks like UTF-16 without a byte-order mark',
    );
  });

  it('accepts text with tabs, form feeds and ANSI escapes', () => {
    expect(decodeInput(enc.encode('a\tb\fc \u001b[1mbold\u001b[0m text'), 't')).toContain('bold');
  });

  it('rejects invalid UTF-8 with the byte offset of the first bad sequence', () => {
    const bad = new Uint8Array([...enc.encode('héllo '), 0xc3, 0x28, 0x41]);
    const e = errorOf(() => decodeInput(bad, 'bad.txt'));
    expect(e.code).toBe('INVALID_UTF8');
    expect(e.message).toBe('bad.txt: invalid UTF-8 at byte offset 7 (c3 28 41)');
    // Latin-1 file: "café" with a lone 0xe9.
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b]);
    expect(errorOf(() => decodeInput(latin1, 'l1.txt')).message).toBe(
      'l1.txt: invalid UTF-8 at byte offset 3 (e9 20 6f 6b)',
    );
  });

  it('counts the BOM in the byte offset of invalid UTF-8', () => {
    const bad = new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xff]);
    expect(errorOf(() => decodeInput(bad, 'x')).message).toBe('x: invalid UTF-8 at byte offset 4 (ff)');
  });

  it('rejects input over maxBytes', () => {
    const e = errorOf(() => decodeInput(enc.encode('hello world'), 'big.txt', { maxBytes: 5 }));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe('big.txt: input too large (11 bytes, limit 5 bytes)');
    expect(() => assertSize(50 * 1024 * 1024, 'huge.txt')).not.toThrow();
    expect(errorOf(() => assertSize(65 * 1024 * 1024, 'huge.txt')).message).toBe(
      'huge.txt: input too large (65.0 MiB, limit 64.0 MiB)',
    );
  });
});

describe('firstInvalidUtf8', () => {
  it('finds overlong, surrogate, truncated and out-of-range sequences', () => {
    expect(firstInvalidUtf8(enc.encode('ok 🙂 é'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0x42, 0xe2, 0x82]))).toBe(2); // truncated
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(new Uint8Array([0x80]))).toBe(0); // stray continuation
  });
});

describe('looksEnglish', () => {
  it('accepts English prose, including technical prose', () => {
    expect(
      looksEnglish(
        'Deep convolutional neural networks achieve state-of-the-art accuracy on image classification ' +
          'benchmarks. We propose a novel attention mechanism that reduces computational cost while ' +
          'preserving accuracy, and evaluate it on ImageNet, CIFAR-10 and COCO datasets.',
      ),
    ).toBe(true);
  });

  it('rejects French and German prose', () => {
    expect(
      looksEnglish(
        'Le gouvernement a annoncé mardi une série de mesures destinées à soutenir les entreprises ' +
          "touchées par la crise énergétique. Selon le ministre de l'Économie, ces aides représentent " +
          'plusieurs milliards d’euros et seront versées dès le mois prochain.',
      ),
    ).toBe(false);
    expect(
      looksEnglish(
        'Die Bundesregierung hat am Dienstag eine Reihe von Maßnahmen angekündigt, die Unternehmen ' +
          'unterstützen sollen, die von der Energiekrise betroffen sind. Nach Angaben des Ministers ' +
          'belaufen sich die Hilfen auf mehrere Milliarden Euro.',
      ),
    ).toBe(false);
  });

  it('always accepts texts under 20 words', () => {
    expect(looksEnglish('Bonjour tout le monde')).toBe(true);
    expect(looksEnglish('')).toBe(true);
  });
});
