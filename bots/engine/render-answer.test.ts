import { createStrictTranslator } from '../../test/helpers/strict-translator';
import type { InstitutionView, TopicAnswer } from './ports';
import { renderAnswer, type RegionalPart } from './render-answer';
import { createSay } from './say';

const t = createStrictTranslator();
const say = createSay(t, 'en');
afterAll(() => expect(t.problems).toEqual([]));

const base: TopicAnswer = {
  slug: 'some-topic',
  title: 'Some topic',
  mode: 'answer',
  text: 'The core answer.',
  regionDependent: false,
  sources: [
    { title: 'Official page', url: 'https://example.org/a', checkedOn: '2026-10-01' },
    { title: 'Same page again', url: 'https://example.org/a', checkedOn: '2026-10-01' },
  ],
  asOf: '2026-11-27',
  institutions: [],
};

const withUrl: InstitutionView = { id: 'a', name: 'Office A', helpsWith: 'recognition', url: 'https://example.org/office-a', region: 'nationwide' };
const withCity: InstitutionView = { id: 'b', name: 'Office B', helpsWith: 'housing', city: 'Halle', region: 'st' };

describe('renderAnswer', () => {
  it.each<[string, Partial<TopicAnswer>, RegionalPart[], boolean, InstitutionView[], (main: string) => void, string[]]>([
    [
      'a plain answer: title, text, as-of date; feedback follow-up',
      {},
      [],
      false,
      [],
      (main) => {
        expect(main).toBe('Some topic\n\nThe core answer.\n\nAs of 27 November 2026');
      },
      ['fb:yes', 'fb:no', 'menu'],
    ],
    [
      'an answer with detail offers "more"',
      { more: 'Detail.' },
      [],
      false,
      [],
      (main) => expect(main).not.toContain('Detail.'),
      ['fb:yes', 'fb:no', 'more:some-topic', 'menu'],
    ],
    [
      'a known region: its part under its name',
      { regionDependent: true, regionalText: 'Regional part.' },
      [{ regionName: 'Saxony-Anhalt', text: 'Regional part.' }],
      false,
      [],
      (main) => {
        expect(main).toContain('In Saxony-Anhalt:\nRegional part.');
        expect(main).not.toContain('depend on the federal state');
      },
      ['fb:yes', 'fb:no', 'menu'],
    ],
    [
      'region not decided: a note and every region’s part',
      { regionDependent: true },
      [
        { regionName: 'Mecklenburg-Western Pomerania', text: 'MV part.' },
        { regionName: 'Saxony-Anhalt', text: 'ST part.' },
      ],
      true,
      [],
      (main) => {
        expect(main).toContain('Some details depend on the federal state:');
        expect(main.indexOf('MV part.')).toBeLessThan(main.indexOf('ST part.'));
      },
      ['fb:yes', 'fb:no', 'menu'],
    ],
    [
      'answer+refer names who helps with the individual case',
      { mode: 'answer+refer' },
      [],
      false,
      [withUrl, withCity],
      (main) => {
        expect(main).toContain('For advice on your individual case, you can contact:');
        expect(main).toContain('• Office A — recognition');
        expect(main).toContain('• Office B (Halle) — housing');
      },
      ['fb:yes', 'fb:no', 'menu'],
    ],
    [
      'a handoff topic: orientation, then the counsellor at once',
      { mode: 'handoff' },
      [],
      false,
      [withUrl],
      (main) => expect(main).toContain('For advice on your individual case, you can contact:\n• Office A — recognition'),
      ['human:topic-mode', 'menu'],
    ],
  ])('%s', (_name, patch, parts, allRegions, institutions, checkMain, followUpValues) => {
    const answer = { ...base, ...patch };
    const [main, followUp] = renderAnswer({ answer, regionalParts: parts, allRegions, institutions, say });
    checkMain(main.text);
    expect(main.text.endsWith('As of 27 November 2026')).toBe(true);
    expect(followUp.choices?.map((c) => c.value)).toEqual(followUpValues);
  });

  it('links each source once, then institutions with a confirmed URL only', () => {
    const [main] = renderAnswer({ answer: base, regionalParts: [], allRegions: false, institutions: [withUrl, withCity], say });
    expect(main.links).toEqual([
      { label: 'Official page', url: 'https://example.org/a' },
      { label: 'Office A', url: 'https://example.org/office-a' },
    ]);
  });

  it('says a handoff topic can be taken over by a counsellor', () => {
    const [, followUp] = renderAnswer({ answer: { ...base, mode: 'handoff' }, regionalParts: [], allRegions: false, institutions: [], say });
    expect(followUp.text).toBe(say('answer.handoffOffer'));
  });

  it('explains the German terms the answer uses, after the text and before who helps', () => {
    const answer: TopicAnswer = { ...base, terms: [{ term: 'Sperrkonto', explanation: 'Sperrkonto – a blocked bank account.' }] };
    const [main] = renderAnswer({ answer, regionalParts: [], allRegions: false, institutions: [withCity], say });
    const termsAt = main.text.indexOf(`${say('answer.terms')}\n• Sperrkonto – a blocked bank account.`);
    expect(termsAt).toBeGreaterThan(main.text.indexOf(base.text));
    expect(termsAt).toBeLessThan(main.text.indexOf('Office B'));
    const [plain] = renderAnswer({ answer: base, regionalParts: [], allRegions: false, institutions: [], say });
    expect(plain.text).not.toContain(say('answer.terms'));
  });
});
