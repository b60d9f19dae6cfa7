import path from 'node:path';
import { readKnowledgeFiles } from './load-files';
import type { Problem } from './problems';
import { normalizeQuestion, validateDirectory, validateSnapshot } from './validate';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures');
const TODAY = '2026-11-27';

function find(problems: Problem[], file: string, field: string, level: Problem['level'] = 'error'): Problem | undefined {
  return problems.find((p) => p.level === level && p.file === file && p.field === field);
}

describe('validateDirectory on a valid tree', () => {
  it('reports nothing', () => {
    const { problems, snapshot } = validateDirectory(path.join(FIXTURES, 'kb-valid'), { today: TODAY });
    expect(problems).toEqual([]);
    expect(snapshot.topics.map((t) => t.slug).sort()).toEqual(['blue-card', 'kita-place']);
  });

  it('warns, without failing, once a review date has passed', () => {
    const { problems } = validateDirectory(path.join(FIXTURES, 'kb-valid'), { today: '2100-01-01' });
    expect(problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(find(problems, 'topics/blue-card.yaml', 'review_by', 'warning')?.message).toMatch(/has passed/);
  });
});

describe('validateDirectory on a broken tree', () => {
  const { problems } = validateDirectory(path.join(FIXTURES, 'kb-broken'), { today: TODAY });

  it.each([
    ['topics/broken.yaml', '', /YAML does not parse/],
    ['topics/wrong-name.yaml', 'slug', /must equal the file name/],
    ['topics/missing-topic.yaml', '', /required topic "missing-topic" is missing/],
    ['topics/blue-card.yaml', 'category', /unknown category "visas"/],
    ['topics/blue-card.yaml', 'content.vi', /missing/],
    ['topics/blue-card.yaml', 'content.en.answer', /at least 200/],
    ['topics/blue-card.yaml', 'content.de.questions', /at least 10/],
    ['topics/blue-card.yaml', 'content.ru.answer', /unknown fact "\{\{fact:unknown-fact\}\}"/],
    ['topics/blue-card.yaml', 'content.es.answer', /typed money figure "50.700 €"/],
    ['topics/blue-card.yaml', 'institutions.nationwide[1]', /unknown institution "no-such-institution"/],
    ['topics/blue-card.yaml', 'sources[0].url', /not a well-formed/],
    ['topics/kita-place.yaml', 'regions[1]', /unknown region "xx"/],
    ['topics/kita-place.yaml', 'content.en.questions[0]', /also in topics\/blue-card.yaml/],
    ['facts/money.yaml', 'minimum-wage.values[1].value', /needs a number/],
    ['institutions.yaml', '[3].id', /duplicate institution id/],
    ['institutions.yaml', '[3].region', /unknown region "zz"/],
  ])('reports an error in %s at "%s"', (file, field, message) => {
    const p = find(problems, file, field);
    expect(p).toBeDefined();
    expect(p!.message).toMatch(message);
  });

  it('warns about a passed review date', () => {
    expect(find(problems, 'topics/blue-card.yaml', 'review_by', 'warning')).toBeDefined();
  });
});

describe('validateSnapshot checks', () => {
  const base = () => readKnowledgeFiles(path.join(FIXTURES, 'kb-valid')).snapshot;

  it('rejects an answer longer than 1400 characters', () => {
    const s = base();
    s.topics[0].content.de!.answer = 'x'.repeat(1401);
    expect(find(validateSnapshot(s, { today: TODAY }), 'topics/blue-card.yaml', 'content.de.answer')?.message).toMatch(/at most 1400/);
  });

  it.each(['kostet 75 EUR', 'cuesta 75 euros', 'стоит 75 евро', 'EUR 1.200 im Monat', 'costs €75'])('rejects a typed money figure: %s', (phrase) => {
    const s = base();
    s.topics[0].content.en!.answer += ` It ${phrase}.`;
    expect(find(validateSnapshot(s, { today: TODAY }), 'topics/blue-card.yaml', 'content.en.answer')?.message).toMatch(/typed money/);
  });

  it('accepts fixed legal figures that are not money (§ 18g, 27 months)', () => {
    const s = base();
    s.topics[0].content.en!.answer += ' See § 18g; permanent residence after 27 months.';
    expect(validateSnapshot(s, { today: TODAY })).toEqual([]);
  });

  it('finds a question variant shared by two topics whatever its case, accents and punctuation', () => {
    const s = base();
    s.topics[1].content.es!.questions.push('cuanto tengo que ganar para la tarjeta azul');
    const p = find(validateSnapshot(s, { today: TODAY }), 'topics/kita-place.yaml', 'content.es.questions[10]');
    expect(p?.message).toMatch(/also in topics\/blue-card.yaml/);
    expect(normalizeQuestion('¿Cuánto tengo que ganar para la Tarjeta Azul?')).toBe('cuanto tengo que ganar para la tarjeta azul');
  });

  it('warns when every value of a fact lies in the future', () => {
    const s = base();
    s.facts['minimum-wage'].values = [{ value: 14.6, valid_from: '2027-01-01' }];
    expect(find(validateSnapshot(s, { today: TODAY }), 'facts/money.yaml', 'minimum-wage.values', 'warning')).toBeDefined();
  });

  it('requires all five languages', () => {
    const s = base();
    delete s.topics[1].content.ru;
    expect(find(validateSnapshot(s, { today: TODAY }), 'topics/kita-place.yaml', 'content.ru')?.message).toBe('is missing');
  });

  it('checks glossary topics exist', () => {
    const s = base();
    s.glossary[0].topics = ['nope'];
    expect(find(validateSnapshot(s, { today: TODAY }), 'glossary.yaml', '[0].topics[0]')).toBeDefined();
  });
});
