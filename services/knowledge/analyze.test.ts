import {
  analyze,
  cyrillicSkeleton,
  foldAccents,
  isVietnameseSyllable,
  latinToCyrillic,
  russianTerm,
  russianTranslitTerms,
  type Token,
} from './analyze';

const terms = (tokens: Token[]): Set<string> => new Set(tokens.flatMap((t) => t.terms));
/** Whether every word token of `query` shares a term with some token of `doc`. */
function sameTerms(query: string, qLang: Parameters<typeof analyze>[1], doc: string, dLang: Parameters<typeof analyze>[1]): boolean {
  const d = terms(analyze(doc, dLang));
  return analyze(query, qLang, { alsoLangs: ['de', 'en', 'es'] })
    .filter((t) => t.kind === 'word')
    .every((t) => t.terms.some((x) => d.has(x)));
}

describe('accent folding', () => {
  it.each([
    ['alemán', 'aleman'],
    ['thị thực', 'thi thuc'],
    ['Đức', 'Duc'],
    ['Ausländerbehörde', 'Auslanderbehorde'],
    ['Straße', 'Strasse'],
  ])('folds %s to %s', (input, folded) => {
    expect(foldAccents(input)).toBe(folded);
  });

  it('leaves Cyrillic alone (й stays й)', () => {
    expect(foldAccents('какой')).toBe('какой');
  });
});

describe('Russian', () => {
  it('stems inflected forms to one term', () => {
    expect(russianTerm('голубую')).toBe(russianTerm('голубая'));
    expect(russianTerm('карту')).toBe(russianTerm('карты'));
  });

  it.each([
    ['golubuyu', 'голубую'],
    ['zarplatu', 'зарплату'],
    ['zhena', 'жена'],
    ['khochu', 'хочу'],
    ['xochu', 'хочу'],
    ['shchit', 'щит'],
    ['yazyk', 'язык'],
    ['jazyk', 'язык'],
    ['yubka', 'юбка'],
    ['juridicheskiy', 'юридическиы'],
  ])('converts the transliteration %s towards %s', (latin, cyrillic) => {
    expect(cyrillicSkeleton(latinToCyrillic(latin))).toBe(cyrillicSkeleton(cyrillic));
  });

  it.each([
    ['golubuyu', 'голубую'],
    ['kartu', 'карту'],
    ['poluchit', 'получить'], // soft sign omitted
    ['vizu', 'визу'],
    ['rabotu', 'работа'],
    ['pomosch', 'помощь'],
    ['kak poluchit golubuyu kartu', 'как получить голубую карту'],
  ])('matches Russian typed in Latin letters (%s) with Cyrillic (%s)', (latin, cyrillic) => {
    const cyr = new Set(analyze(cyrillic, 'ru').flatMap((t) => t.terms));
    for (const w of latin.split(' ').filter((x) => !['kak'].includes(x))) {
      expect(russianTranslitTerms(w).some((t) => cyr.has(t))).toBe(true);
    }
  });

  it('drops function words in both scripts', () => {
    expect(analyze('как мне получить', 'ru').map((t) => t.surface)).toEqual(['получить']);
    expect(analyze('kak mne poluchit', 'ru').map((t) => t.surface)).toEqual(['poluchit']);
  });

  it('keeps German terms inside a Russian message matchable with German content', () => {
    const de = terms(analyze('Kindergeld beantragen', 'de'));
    const ru = analyze('положен ли Kindergeld', 'ru').find((t) => t.surface === 'kindergeld');
    expect(ru?.terms.some((t) => de.has(t))).toBe(true);
  });
});

describe('Vietnamese', () => {
  it('matches text without tone marks to text with them', () => {
    const withMarks = terms(analyze('Xin thị thực lao động ở Đức', 'vi'));
    const plain = analyze('xin thi thuc lao dong', 'vi');
    for (const t of plain) expect(t.terms.some((x) => withMarks.has(x))).toBe(true);
  });

  it('forms syllable pairs for multi-syllable words, not across punctuation', () => {
    const surfaces = analyze('thị thực, lao động', 'vi').filter((t) => t.kind === 'bigram').map((t) => t.surface);
    expect(surfaces).toEqual(['thi thuc', 'lao dong']);
  });

  it('expands chat abbreviations', () => {
    expect(terms(analyze('dc ko mn', 'vi'))).toEqual(terms(analyze('được không mọi người', 'vi')));
  });

  it('treats German words inside Vietnamese as German terms', () => {
    const de = terms(analyze('Anerkennung beantragen', 'de'));
    const vi = analyze('muốn làm Anerkennung ở Đức', 'vi').find((t) => t.surface === 'anerkennung');
    expect(vi?.terms.some((t) => de.has(t))).toBe(true);
  });

  it.each([
    ['nghieng', true],
    ['thuong', true],
    ['visa', false],
    ['magdeburg', false],
  ])('tells whether %s can be a Vietnamese syllable', (w, yes) => {
    expect(isVietnameseSyllable(w)).toBe(yes);
  });
});

describe('Spanish, German, English', () => {
  it.each([
    ['informacion', 'información'],
    ['aleman', 'alemán'],
    ['titulo', 'título'],
  ])('makes accents optional in Spanish (%s / %s)', (plain, accented) => {
    expect(sameTerms(plain, 'es', accented, 'es')).toBe(true);
  });

  it('stems Spanish inflections together', () => {
    expect(sameTerms('reconocimiento de títulos', 'es', 'reconocer el título', 'es')).toBe(true);
  });

  it('matches German typed without umlauts', () => {
    expect(sameTerms('auslaenderbehoerde', 'de', 'Ausländerbehörde', 'de')).toBe(true);
    expect(sameTerms('auslanderbehorde', 'de', 'Ausländerbehörde', 'de')).toBe(true);
  });

  it('stems English inflections together', () => {
    expect(sameTerms('recognising degrees', 'en', 'recognised degree', 'en')).toBe(true);
  });

  it('can emit adjacent-word phrases', () => {
    expect(analyze('welcome center', 'en', { bigrams: true }).some((t) => t.kind === 'bigram')).toBe(true);
    expect(analyze('welcome center', 'en').some((t) => t.kind === 'bigram')).toBe(false);
  });
});
