import { describe, expect, it } from 'vitest';
import { InvalidSparkUrlError, parseSparkConnectUrl } from '../../src/index.js';

describe('parseSparkConnectUrl', () => {
  it('parses host and port', () => {
    const u = parseSparkConnectUrl('sc://127.0.0.1:45002');
    expect(u).toMatchObject({ host: '127.0.0.1', port: 45002, address: '127.0.0.1:45002', useSsl: false, headers: {} });
    expect(u.token).toBeUndefined();
  });

  it('defaults the port to 15002', () => {
    expect(parseSparkConnectUrl('sc://spark.example.com').port).toBe(15002);
    expect(parseSparkConnectUrl('sc://spark.example.com/').address).toBe('spark.example.com:15002');
  });

  it('reads reserved parameters and passes others as headers', () => {
    const u = parseSparkConnectUrl(
      'sc://host:1234/;user_id=alice;session_id=9C1A1F3A-6E3B-4F0A-9E63-4B4D0D5E1A2B;token=abc;x-trace=on;user_agent=me',
    );
    expect(u.userId).toBe('alice');
    expect(u.sessionId).toBe('9C1A1F3A-6E3B-4F0A-9E63-4B4D0D5E1A2B');
    expect(u.token).toBe('abc');
    expect(u.useSsl).toBe(true); // a token implies TLS
    expect(u.userAgent).toBe('me');
    expect(u.headers).toEqual({ 'x-trace': 'on' });
  });

  it('lets use_ssl=false override the token default', () => {
    expect(parseSparkConnectUrl('sc://h/;token=t;use_ssl=false').useSsl).toBe(false);
    expect(parseSparkConnectUrl('sc://h/;use_ssl=true').useSsl).toBe(true);
  });

  it('accepts IPv6 hosts', () => {
    const u = parseSparkConnectUrl('sc://[::1]:15003');
    expect(u).toMatchObject({ host: '::1', port: 15003, address: '[::1]:15003' });
  });

  it.each([
    ['http://host:15002', /scheme must be 'sc'/],
    ['sc://:15002', /missing host/],
    ['sc://host:port', /not a number/],
    ['sc://host:70000', /out of range/],
    ['sc://host/path', /must be empty or start with/],
    ['sc://host/;novalue', /not key=value/],
    ['sc://host/;session_id=abc', /not a UUID/],
    ['sc://host/;use_ssl=yes', /use_ssl must be true or false/],
    ['localhost:15002', /expected sc:\/\//],
  ])('rejects %s', (url, message) => {
    expect(() => parseSparkConnectUrl(url)).toThrow(InvalidSparkUrlError);
    expect(() => parseSparkConnectUrl(url)).toThrow(message);
  });
});
