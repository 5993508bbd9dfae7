export { assertSize, DEFAULT_MAX_BYTES, type DecodeOptions, decodeInput, looksEnglish } from './input.js';
export { type TokenizeResult, tokenize } from './tokenize.js';
