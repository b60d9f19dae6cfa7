import { buildLanguageLexicon, detectLanguage } from './detect-language';

describe('detectLanguage', () => {
  it.each([
    ['Как получить голубую карту?', 'ru'],
    ['kak poluchit golubuyu kartu', 'ru'],
    ['u menya diplom kolledzha, mozhno li rabotat v Germanii?', 'ru'],
    ['Em muốn hỏi về thị thực lao động', 'vi'],
    ['em muon hoi ve thi thuc lao dong o Duc', 'vi'],
    ['¿Cuánto cuesta la visa de trabajo?', 'es'],
    ['cuanto cuesta la visa para trabajar en alemania', 'es'],
    ['Wie viel Kaution darf der Vermieter verlangen?', 'de'],
    ['How do I register my address after moving?', 'en'],
  ])('detects %s as %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('treats the bot language as a hint, not a rule', () => {
    expect(detectLanguage('Как получить голубую карту?', { hint: 'es' }).lang).toBe('ru');
    expect(detectLanguage('em muon hoi ve thi thuc lao dong', { hint: 'en' }).lang).toBe('vi');
  });

  it('falls back to the hint when nothing tells the language apart', () => {
    expect(detectLanguage('Kindergeld?', { hint: 'vi' }).lang).toBe('vi');
    expect(detectLanguage('👍', { hint: 'es' }).lang).toBe('es');
  });

  it('uses a content lexicon for words that are not function words', () => {
    const lexicon = buildLanguageLexicon({ de: [['deutschlandticket', 'preis', 'kosten']], en: [['price', 'ticket']] });
    expect(detectLanguage('deutschlandticket preis', { lexicon, hint: 'en' }).lang).toBe('de');
  });
});
