import { describe, expect, it } from 'vitest';
import { newerThan } from '../../../src/dashboard/collect.js';

describe('newerThan: the latest-document poll asks only for what is newer than the newest seen', () => {
  it('asks the whole collection until a document has been seen', () => {
    expect(newerThan(undefined)).toEqual({});
  });

  it('then only for documents ingested after it (an index range on MongoDB, a scan keeping few matches on FerretDB)', () => {
    const at = new Date('2026-12-04T23:00:00Z');
    expect(newerThan({ _id: 'u1', ingested_at: at })).toEqual({ ingested_at: { $gt: at } });
  });

  it('a document without a date ingested_at (not one of ours) does not narrow the query', () => {
    expect(newerThan({ _id: 'u1', ingested_at: '2026-12-04' })).toEqual({});
  });
});
