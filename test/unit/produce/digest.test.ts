import { describe, expect, it } from 'vitest';
import { canonicalJson, contentDigest, recordDigest } from '../../../src/produce/digest.js';

describe('contentDigest', () => {
  it('is the same for the JSON sent and the document stored: key order, nulls and dates do not matter', () => {
    const sent = { name: { first: 'Ana', last: 'Li' }, dob: { date: '1990-01-02T03:04:05.000Z', age: 35 }, id: null };
    const stored = { dob: { age: 35, date: new Date('1990-01-02T03:04:05.000Z') }, name: { last: 'Li', first: 'Ana' } };
    expect(contentDigest(stored)).toBe(contentDigest(sent));
    expect(canonicalJson(sent)).toBe('{"dob":{"age":35,"date":"1990-01-02T03:04:05.000Z"},"name":{"first":"Ana","last":"Li"}}');
  });

  it('differs when any value differs', () => {
    expect(contentDigest({ city: 'Oslo' })).not.toBe(contentDigest({ city: 'Bergen' }));
  });

  it('reads the data of an envelope, and nothing from other values', () => {
    expect(recordDigest(JSON.stringify({ schema_version: 1, data: { city: 'Oslo' } }))).toBe(contentDigest({ city: 'Oslo' }));
    expect(recordDigest('not json')).toBeUndefined();
  });
});
