/** Codes for failures a user can cause and fix; surfaces map them to exit codes and HTTP statuses. */
export type UnspinErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'EMPTY_INPUT'
  | 'BINARY_INPUT'
  | 'INVALID_UTF8'
  | 'TOO_LARGE'
  | 'NOT_ENGLISH'
  | 'BAD_JSON'
  | 'BAD_MODEL'
  | 'BAD_INDEX'
  | 'IO';

/** One error type for user-facing failures: a code plus a one-line message, never a stack trace. */
export class UnspinError extends Error {
  readonly code: UnspinErrorCode;
  constructor(code: UnspinErrorCode, message: string) {
    super(message);
    this.name = 'UnspinError';
    this.code = code;
  }
}
