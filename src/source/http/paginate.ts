import type { Pagination } from '../../pipeline/sources.js';
import { valueAt } from '../items.js';
import type { Position } from '../runtime.js';

// The four paginators of httpJson as pure functions of (declaration, position, what a page returned):
// where a request goes, and where the next one goes (or `end`). The shell in runtime.ts does the I/O.

/** The position of the first request. A cursor's start is the empty cursor: the request without the parameter. */
export function firstPosition(pagination: Pagination, url: string): Position {
  switch (pagination.kind) {
    case 'page':
      return { kind: 'page', page: pagination.first };
    case 'offset':
      return { kind: 'offset', offset: 0 };
    case 'cursor':
      return { kind: 'cursor', cursor: '' };
    case 'link':
    case 'none':
      return { kind: 'url', url };
  }
}

const EXPECTED_KIND = { page: 'page', offset: 'offset', cursor: 'cursor', link: 'url', none: 'url' } as const;

/** Why `position` cannot resume a source paged this way (a position file of another pipeline), or undefined. */
export function positionMismatch(pagination: Pagination, position: Position): string | undefined {
  if (position.kind === 'end' || position.kind === EXPECTED_KIND[pagination.kind]) return undefined;
  return `a '${position.kind}' position cannot resume a source with ${pagination.kind} pagination`;
}

/** The URL of the request at `position`; the base URL's own query is kept. */
export function requestUrl(base: string, pagination: Pagination, position: Position): string {
  const url = new URL(position.kind === 'url' ? position.url : base);
  if (pagination.kind === 'page' && position.kind === 'page') {
    url.searchParams.set(pagination.param, String(position.page));
    if (pagination.sizeParam !== undefined && pagination.size !== undefined) url.searchParams.set(pagination.sizeParam, String(pagination.size));
  } else if (pagination.kind === 'offset' && position.kind === 'offset') {
    url.searchParams.set(pagination.param, String(position.offset));
    url.searchParams.set(pagination.limitParam, String(pagination.limit));
  } else if (pagination.kind === 'cursor' && position.kind === 'cursor' && position.cursor !== '') {
    url.searchParams.set(pagination.param, position.cursor);
  }
  return url.toString();
}

/**
 * RFC 8288 `Link` header: the target of the first link with `rel` among its relation types, resolved
 * against the request URL. Handles several links per header, quoted and unquoted rel, and rel lists.
 */
export function linkTarget(header: string | null, rel: string, requestedUrl: string): string | undefined {
  if (header === null) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    for (const param of params.matchAll(/;\s*([A-Za-z*-]+)\s*=\s*(?:"([^"]*)"|([^\s;,]+))/g)) {
      if ((param[1] ?? '').toLowerCase() !== 'rel') continue;
      const rels = (param[2] ?? param[3] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes(rel.toLowerCase())) return new URL(match[1] ?? '', requestedUrl).toString();
    }
  }
  return undefined;
}

export interface PageResult {
  readonly items: number;
  readonly body: unknown;
  readonly link: string | null;
  readonly requestedUrl: string;
}

/**
 * Where the request after this page goes, and whether this page counts (the empty page that ends `page`
 * pagination carries no records and is not yielded). Stop rules: `page` at an empty page, `offset` at a
 * short page, `cursor` at a null/absent/empty cursor, `link` when there is no `rel` link, `none` at once.
 */
export function nextPosition(pagination: Pagination, position: Position, page: PageResult): { readonly next: Position; readonly yieldPage: boolean } | { readonly reason: string } {
  const end = { kind: 'end' } as const;
  switch (pagination.kind) {
    case 'none':
      return { next: end, yieldPage: true };
    case 'page':
      if (page.items === 0 || position.kind !== 'page') return { next: end, yieldPage: false };
      return { next: { kind: 'page', page: position.page + 1 }, yieldPage: true };
    case 'offset':
      if (page.items === 0 || position.kind !== 'offset') return { next: end, yieldPage: false };
      return { next: page.items < pagination.limit ? end : { kind: 'offset', offset: position.offset + page.items }, yieldPage: true };
    case 'cursor': {
      const value = valueAt(page.body, pagination.nextAt);
      if (value === undefined || value === null || value === '') return { next: end, yieldPage: true };
      if (typeof value !== 'string' && typeof value !== 'number') return { reason: `the cursor at '${pagination.nextAt}' is ${typeof value}, not a string or a number` };
      const cursor = String(value);
      // A cursor that does not move would ask for the same page forever.
      if (position.kind === 'cursor' && cursor === position.cursor) return { reason: `the cursor at '${pagination.nextAt}' did not move (${JSON.stringify(cursor)})` };
      return { next: { kind: 'cursor', cursor }, yieldPage: true };
    }
    case 'link': {
      const target = linkTarget(page.link, pagination.rel, page.requestedUrl);
      if (target === undefined) return { next: end, yieldPage: true };
      if (target === page.requestedUrl) return { reason: `the Link rel="${pagination.rel}" points at the page itself` };
      return { next: { kind: 'url', url: target }, yieldPage: true };
    }
  }
}
