/** An expected runtime failure: printed as a short message with a hint, never a stack trace. */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    message: string,
    readonly hint?: string,
    readonly details?: string,
  ) {
    super(message);
  }
}
