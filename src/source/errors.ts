import { StreamlineError, type ErrorDetails } from '../core/errors.js';

/**
 * A source could not be read: a URL that fails after its retries, a body without the declared items, a
 * file that is missing or unreadable. The message names the source (URL with credentials and env values
 * masked, or the file) and where in it (page, line); records that merely fail validation are never this.
 */
export class SourceError extends StreamlineError {
  override name = 'SourceError';
  constructor(message: string, more?: ErrorDetails) {
    super('SOURCE_FAILED', message, more);
  }
}
