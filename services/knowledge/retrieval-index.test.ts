import { analyze } from './analyze';
import { osaDistance, RetrievalIndex, type IndexField } from './retrieval-index';

describe('osaDistance', () => {
  it.each([
    ['karte', 'karte', 0],
    ['karte', 'karet', 1], // transposition
    ['kaution', 'kautin', 1],
    ['einburgerung', 'einbuergerung', 1],
    ['abc', 'xyz', 3],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(osaDistance(a, b, 3)).toBe(d);
  });

  it('stops early above the cap', () => {
    expect(osaDistance('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
  });
});

describe('RetrievalIndex', () => {
  const docs: [number, string][] = [
    [0, 'Wie hoch ist die Kaution für die Wohnung?'],
    [0, 'Mietkaution zurückbekommen'],
    [1, 'Wie beantrage ich das Kindergeld?'],
    [1, 'Kindergeld für Kinder im Ausland'],
    [2, 'Wo finde ich eine Wohnung in Rostock?'],
  ];
  const fields: IndexField[] = docs.map(([topic, text]) => ({ topic, field: 'question', terms: analyze(text, 'de').flatMap((t) => t.terms) }));
  const index = RetrievalIndex.build(3, fields);
  const top = (text: string) => index.score(index.resolve(analyze(text, 'de')), 3).topics;

  it('ranks the topic sharing the rarest words first', () => {
    expect(top('Kaution Wohnung')[0].topic).toBe(0);
    expect(top('Kindergeld beantragen')[0].topic).toBe(1);
  });

  it('matches a misspelt word through a typo alternative', () => {
    expect(top('kindergelt')[0].topic).toBe(1);
    expect(index.fuzzy('kindrgeld').map((f) => index.terms[f.id])).toContain('kindergeld');
  });

  it('reports coverage: the share of the message the topic explains', () => {
    const [best] = top('Kindergeld Pizza');
    expect(best.coverage).toBeGreaterThan(0.3);
    expect(best.coverage).toBeLessThan(1);
    expect(top('Kindergeld')[0].coverage).toBe(1);
  });

  it('returns nothing for words it does not know', () => {
    expect(top('Pizza Fußball')).toEqual([]);
  });

  it('survives a round trip through its state', () => {
    const copy = RetrievalIndex.fromState(index.state());
    expect(copy.score(copy.resolve(analyze('Kaution', 'de')), 3)).toEqual(index.score(index.resolve(analyze('Kaution', 'de')), 3));
  });
});
