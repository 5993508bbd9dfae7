export { assertSize, DEFAULT_MAX_BYTES, type DecodeOptions, decodeInput, looksEnglish } from './input.js';
export { LineIndex, type Position } from './lines.js';
export { type TokenizeResult, tokenize } from './tokenize.js';
