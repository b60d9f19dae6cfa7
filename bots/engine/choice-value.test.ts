import { CHOICE_VALUE_MAX_BYTES, choiceValue, fitsChoiceValue, parseChoice, type ParsedChoice } from './choice-value';

describe('parseChoice', () => {
  const cases: Array<[string, ParsedChoice]> = [
    ['lang:vi', { kind: 'language', locale: 'vi' }],
    ['lang:xx', { kind: 'stale' }],
    ['language', { kind: 'language', locale: null }],
    ['consent:yes', { kind: 'consent', accepted: true }],
    ['consent:no', { kind: 'consent', accepted: false }],
    ['consent:maybe', { kind: 'stale' }],
    ['menu', { kind: 'menu' }],
    ['cat:visa', { kind: 'category', id: 'visa' }],
    ['cat:', { kind: 'stale' }],
    ['topic:eu-blue-card', { kind: 'topic', slug: 'eu-blue-card' }],
    ['regions', { kind: 'regions' }],
    ['region:st', { kind: 'region', id: 'st' }],
    ['region:none', { kind: 'region', id: null }],
    ['fb:yes', { kind: 'feedback', helpful: true }],
    ['fb:no', { kind: 'feedback', helpful: false }],
    ['more:eu-blue-card', { kind: 'more', slug: 'eu-blue-card' }],
    ['human', { kind: 'human', reason: 'requested' }],
    ['human:not-helpful', { kind: 'human', reason: 'not-helpful' }],
    ['human:media', { kind: 'human', reason: 'media' }],
    ['human:whatever', { kind: 'human', reason: 'requested' }],
    ['delete:yes', { kind: 'delete-confirm', confirmed: true }],
    ['delete:no', { kind: 'delete-confirm', confirmed: false }],
    ['', { kind: 'stale' }],
    ['{"json":"in a button"}', { kind: 'stale' }],
  ];

  it.each(cases)('reads %j', (value, expected) => {
    expect(parseChoice(value)).toEqual(expected);
  });

  it('reads back every value the builders produce', () => {
    const built: Array<[string, ParsedChoice['kind']]> = [
      [choiceValue.language('de'), 'language'],
      [choiceValue.languageChooser(), 'language'],
      [choiceValue.consent(true), 'consent'],
      [choiceValue.menu(), 'menu'],
      [choiceValue.category('work'), 'category'],
      [choiceValue.topic('settlement-permit'), 'topic'],
      [choiceValue.regions(), 'regions'],
      [choiceValue.region(null), 'region'],
      [choiceValue.feedback(false), 'feedback'],
      [choiceValue.more('x'), 'more'],
      [choiceValue.human('no-answer'), 'human'],
      [choiceValue.deleteConfirm(true), 'delete-confirm'],
    ];
    for (const [value, kind] of built) expect(parseChoice(value).kind).toBe(kind);
  });
});

describe('fitsChoiceValue', () => {
  it.each([
    ['topic:' + 'a'.repeat(CHOICE_VALUE_MAX_BYTES - 6), true],
    ['topic:' + 'a'.repeat(CHOICE_VALUE_MAX_BYTES - 5), false],
    // bytes, not characters: 30 Cyrillic letters are 60 bytes
    ['cat:' + 'ж'.repeat(30), true],
    ['cat:' + 'ж'.repeat(31), false],
  ])('%j fits: %s', (value, fits) => {
    expect(fitsChoiceValue(value)).toBe(fits);
  });
});
