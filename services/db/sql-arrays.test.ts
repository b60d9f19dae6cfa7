import { idArray, textArray } from './sql-arrays';

describe('array literals', () => {
  it('writes integer ids and UUIDs', () => {
    expect(idArray([1, 22, '333'])).toBe('{1,22,333}');
    expect(idArray(['0b7c1f4e-3a2d-4c5b-9e8f-1a2b3c4d5e6f'])).toBe('{"0b7c1f4e-3a2d-4c5b-9e8f-1a2b3c4d5e6f"}');
    expect(idArray([])).toBe('{}');
  });

  it('refuses anything that is not an id', () => {
    expect(() => idArray(['1,2'])).toThrow(/not an id/);
    expect(() => idArray(['x"}'])).toThrow(/not an id/);
    expect(() => idArray([1.5])).toThrow(/not an id/);
  });

  it('quotes texts, escaping quotes and backslashes', () => {
    expect(textArray(['a', 'b c', 'd"e', 'f\\g', '{h}'])).toBe('{"a","b c","d\\"e","f\\\\g","{h}"}');
  });
});
