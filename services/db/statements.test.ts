import { escapeLiteral } from 'pg';
import { executeSql, literal, statement } from './statements';

describe('statements', () => {
  it('dollar-quotes texts unchanged', () => {
    for (const text of ['plain', "it's", 'back\\slash', '{"a":"x\\"y","b":"\\\\n"}', "'';drop table x;--", 'Tiếng Việt — «ру»', 'ends in $', 'p$', '$p in the middle']) {
      expect(literal(text)).toBe(`$p$${text}$p$`);
    }
  });

  it('writes a text in which the tag would occur as an escape string, as node-postgres escapes it', () => {
    for (const text of ['has $p$ inside', "it's x$p", '$p', "$p$');drop table x;--\\"]) {
      const mine = literal(text);
      expect(mine.startsWith("E'")).toBe(true);
      // node-postgres writes ' E' only when there is a backslash; the content is the same.
      expect(mine.slice(2, -1)).toBe(escapeLiteral(text).replace(/^ ?E?'/, '').slice(0, -1));
    }
  });

  it('writes numbers and null as they are and refuses what it cannot write', () => {
    expect(literal(42)).toBe('42');
    expect(literal(null)).toBe('NULL');
    expect(() => literal(Number.NaN)).toThrow(/finite/);
    expect(() => literal('a\0b')).toThrow(/NUL/);
  });

  it('executes a prepared statement with one literal per parameter', () => {
    const st = statement('demo_one', ['jsonb', 'bigint[]'], 'select $1::jsonb, $2::bigint[]');
    expect(executeSql(st, ['{"a":1}', '{1,2}'])).toBe('execute demo_one_s($p${"a":1}$p$, $p${1,2}$p$)');
    expect(() => executeSql(st, ['x'])).toThrow(/2 parameters expected/);
    expect(() => statement('bad name', [], 'select 1')).toThrow(/plain name/);
  });
});
