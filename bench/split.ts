/**
 * Which Brown files the decoder's weights are fitted on (scripts/train-weights.ts). Benchmarks measure
 * false positives and document scores on the other files only, so no number comes from training text.
 */
export function isTrainingFile(file: string): boolean {
  const n = Number(file.slice(2));
  return Number.isFinite(n) && n % 3 === 0;
}
