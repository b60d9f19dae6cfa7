import { findMentionedRegion, matchRegion } from './match-region';
import type { RegionView } from './ports';

const regions: RegionView[] = [
  { id: 'mv', name: 'Мекленбург — Передняя Померания', aliases: ['mv', 'meck-pomm', 'mecklenburg', 'rostock', 'schwerin', 'halle-an-der-ostsee'] },
  { id: 'st', name: 'Саксония-Анхальт', aliases: ['st', 'sachsen-anhalt', 'magdeburg', 'halle'] },
];

describe('matchRegion (a short reply to "where do you live?")', () => {
  it.each<[string, string | null]>([
    ['Magdeburg', 'st'],
    ['in Rostock bitte', 'mv'],
    ['Саксония-Анхальт', 'st'],
    ['в Саксонии-Анхальт', 'st'],
    ['Мекленбург — Передняя Померания', 'mv'],
    ['Meck-Pomm', 'mv'],
    ['st', 'st'],
    ['MV', 'mv'],
    ['Sachsen', null],
    ['Rostock oder Magdeburg', null],
    ['Ich wohne noch in Kyjiw, komme aber bald nach Rostock', null],
    ['', null],
  ])('%j → %s', (text, expected) => {
    expect(matchRegion(text, regions)).toBe(expected);
  });
});

describe('findMentionedRegion (a region named inside a question)', () => {
  it.each<[string, string | null]>([
    ['Wie finde ich eine Wohnung in Magdeburg?', 'st'],
    ['kak naiti kvartiru v rostock', 'mv'],
    ['Magdeburger Wohnungsmarkt, wie finde ich etwas?', 'st'],
    ['Ich suche Arbeit in Mecklenburg', 'mv'],
    ['Где искать квартиру в Саксонии-Анхальт?', 'st'],
    ['Ist es schwer, in Deutschland eine Wohnung zu finden?', null],
    ['Ich habe eine schwere Zeit mit dem Amt', null],
    ['Was ist besser, Rostock oder Magdeburg?', null],
    ['Ich wohne in Sachsen, brauche ich eine Anmeldung?', null],
    ['st mv', null],
    ['How do I register my address?', null],
  ])('%j → %s', (text, expected) => {
    expect(findMentionedRegion(text, regions)).toBe(expected);
  });
});
