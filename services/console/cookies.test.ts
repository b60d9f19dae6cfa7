import { parseCookieHeader, serializeCookie } from './cookies';

describe('session cookie', () => {
  it('is written httpOnly, SameSite=Strict, Secure when asked, with an expiry', () => {
    const header = serializeCookie('__Host-console_session', 'abc-_123', { path: '/', httpOnly: true, secure: true, sameSite: 'Strict', expires: new Date('2026-11-27T12:00:00Z') });
    expect(header).toBe('__Host-console_session=abc-_123; Path=/; SameSite=Strict; Expires=Fri, 27 Nov 2026 12:00:00 GMT; HttpOnly; Secure');
    expect(serializeCookie('console_session', 'x', { path: '/', httpOnly: true, secure: false, sameSite: 'Strict' })).not.toMatch(/Secure|Expires/);
    expect(() => serializeCookie('bad name;', 'x', { path: '/', httpOnly: true, secure: false, sameSite: 'Strict' })).toThrow();
  });

  it('is read from a Cookie header among others; the first of a repeated name wins; bad encodings do not throw', () => {
    expect(parseCookieHeader('a=1; console_session=tok%2Fen; b="q"; console_session=second; c=%E0%A4%A')).toEqual({
      a: '1',
      console_session: 'tok/en',
      b: 'q',
      c: '%E0%A4%A',
    });
    expect(parseCookieHeader(undefined)).toEqual({});
    expect(parseCookieHeader('novalue; =x')).toEqual({});
  });
});
