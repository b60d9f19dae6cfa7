import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords';
import { tokensMatch } from './sessions';

describe('console passwords', () => {
  it('are stored as argon2id hashes with the OWASP minimum cost, and verify', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
  });

  it('a malformed hash or an unknown account never verifies', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
    expect(await verifyAgainstDummy('dummy password that never matches anything')).toBe(false);
  });

  it('refuses short passwords', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('long enough passphrase')).toBeNull();
  });
});

describe('CSRF tokens', () => {
  it('match only exactly', () => {
    expect(tokensMatch('abc123', 'abc123')).toBe(true);
    expect(tokensMatch('abc123', 'abc124')).toBe(false);
    expect(tokensMatch('abc123', 'abc12')).toBe(false);
    expect(tokensMatch('abc123', undefined)).toBe(false);
    expect(tokensMatch('abc123', ['abc123'])).toBe(false);
  });
});
