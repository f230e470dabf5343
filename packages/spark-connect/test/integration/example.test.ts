import { expect, inject, it } from 'vitest';
import { rateThroughJson } from '../../examples/streaming.js';

it('runs the README streaming example', async () => {
  expect(await rateThroughJson(inject('sparkRemote'))).toBeGreaterThan(0);
});
