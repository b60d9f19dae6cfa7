import { scopeSignals } from './scope';

describe('scopeSignals', () => {
  it.each([
    ['привет, как дела? чем занимаешься?', 'chit-chat'],
    ['chào bot, bạn tên gì vậy', 'chit-chat'],
    ['cuéntame un chiste', 'joke'],
    ['tell me a joke', 'joke'],
    ['кто вчера выиграл, Реал или Барса?', 'sports'],
    ['who won the bundesliga last season?', 'sports'],
    ['bitcoin kaufen oder warten?', 'crypto'],
    ['Ich habe Kopfschmerzen und Fieber, was soll ich nehmen?', 'health-symptoms'],
    ['em bị đau bụng, uống thuốc gì', 'health-symptoms'],
    ['Wie wird das Wetter morgen in Rostock?', 'weather-forecast'],
    ['mai o Ha Noi troi co mua khong', 'weather-forecast'],
  ])('flags "%s" as %s', (text, subject) => {
    expect(scopeSignals(text).offTopic).toContain(subject);
  });

  it.each([
    'Wie ist das Wetter im Winter in Mecklenburg?',
    'My boss makes jokes about my accent, where can I get advice about discrimination?',
    'Em làm thợ hàn 5 năm, sang Đức được không?',
    'Có công ty đòi phí, như vậy có hợp pháp không?',
  ])('does not flag the in-scope "%s"', (text) => {
    const s = scopeSignals(text);
    expect(s.offTopic).toEqual([]);
    expect(s.otherCountry).toBe(false);
  });

  it.each([
    'kak poluchit rabochuyu vizu v Polshu?',
    'Как переехать в Канаду по Express Entry?',
    '¿Qué requisitos piden para la visa de trabajo en Canadá?',
    'Xin visa du lịch Canada cần gì?',
    'Đi Hàn diện EPS năm nay khi nào thi?',
    'How do I get a work permit for Poland?',
  ])('flags another destination country without Germany: "%s"', (text) => {
    expect(scopeSignals(text).otherCountry).toBe(true);
  });

  it('does not flag another country when Germany is named too', () => {
    expect(scopeSignals('I live in Poland now, can I move to Germany with a Blue Card?').otherCountry).toBe(false);
    expect(scopeSignals('Я из Казахстана, хочу в Германию').otherCountry).toBe(false);
  });

  it('lets a German term anchor the message in Germany', () => {
    expect(scopeSignals('visa de Canadá o Chancenkarte?', true).otherCountry).toBe(false);
  });
});
