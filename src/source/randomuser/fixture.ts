import { readFile } from 'node:fs/promises';
import type { PiiOptions } from '../../model/pii.js';
import { classifyApiBody, type ApiInfo } from './raw.js';
import { normalizeRecords, type NormalizedRecords } from './record.js';

export interface FixtureUsers extends NormalizedRecords {
  readonly info: ApiInfo | undefined;
}

/**
 * Normalised users from a saved API response (e.g. test/fixtures/randomuser-1.4-sample.json),
 * through exactly the path live responses take. Throws naming the file if it is not a users response.
 */
export async function readUsersFixture(path: string | URL, options: PiiOptions = { pii: 'keep' }): Promise<FixtureUsers> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${String(path)}: not JSON (${(error as Error).message})`);
  }
  const body = classifyApiBody(json);
  if (body.kind === 'api-error') throw new Error(`${String(path)}: an API error response: ${body.message}`);
  if (body.kind === 'invalid') throw new Error(`${String(path)}: ${body.reason}`);
  return { ...normalizeRecords(body.results, options), info: body.info };
}
