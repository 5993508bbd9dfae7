import { createJsonReporter } from './json.js';
import { createSarifReporter } from './sarif.js';
import { createStylishReporter } from './stylish.js';
import type { FormatName, Reporter, ReporterOptions } from './types.js';

export { createJsonReporter, formatJson, jsonFinding, jsonResult, round4 } from './json.js';
export { artifactUri, createSarifReporter, formatSarif, MAX_SARIF_RESULTS, RULE_ID } from './sarif.js';
export { createStylishReporter, formatStylish, painter } from './stylish.js';
export * from './types.js';

/** A streaming reporter for the named format. */
export function createReporter(format: FormatName, opts: ReporterOptions = {}): Reporter {
  switch (format) {
    case 'json':
      return createJsonReporter(opts);
    case 'sarif':
      return createSarifReporter(opts);
    default:
      return createStylishReporter(opts);
  }
}
