export { type TokenizeResult, tokenize } from './tokenize.js';
