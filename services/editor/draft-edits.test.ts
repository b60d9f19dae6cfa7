import path from 'node:path';
import { createKnowledgeBase } from '../knowledge/knowledge-base';
import { loadSnapshotFromFiles } from '../knowledge/load-files';
import { translationStatus } from '../knowledge/translation-status';
import { validateSnapshot } from '../knowledge/validate';
import { addQuestionVariant, createTopicSkeleton, editFact, editTopicLanguage, parseAmount, upsertInstitution } from './draft-edits';
import { EditorError } from './errors';
import { groupUnanswered } from './inbox-groups';
import { previewTopic, telegramSegments } from './preview';

const FIXTURE = path.resolve(__dirname, '../../test/fixtures/kb-valid');
const fresh = () => loadSnapshotFromFiles(FIXTURE);
const lang = (s: ReturnType<typeof fresh>, l: 'de' | 'en' | 'ru' | 'vi' | 'es') => {
  const c = s.topics.find((t) => t.slug === 'blue-card')!.content[l]!;
  return { title: c.title, answer: c.answer, more: c.more, questions: c.questions };
};

describe('translation status', () => {
  it('marks translations outdated when the German or English source changes after them, and up to date once re-saved', () => {
    const s = fresh();
    const topic = () => s.topics.find((t) => t.slug === 'blue-card')!;
    expect(translationStatus(topic())).toEqual({ de: 'source', en: 'source', ru: 'up-to-date', vi: 'up-to-date', es: 'up-to-date' });

    editTopicLanguage(s, 'blue-card', 'de', { ...lang(s, 'de'), answer: `${lang(s, 'de').answer}\nNeuer Satz zur Blauen Karte.` });
    expect(translationStatus(topic())).toEqual({ de: 'source', en: 'source', ru: 'outdated', vi: 'outdated', es: 'outdated' });

    editTopicLanguage(s, 'blue-card', 'ru', lang(s, 'ru'));
    expect(translationStatus(topic())).toMatchObject({ ru: 'up-to-date', vi: 'outdated' });

    // Adding question variants to the source does not outdate translations.
    editTopicLanguage(s, 'blue-card', 'en', { ...lang(s, 'en'), questions: [...lang(s, 'en').questions, 'blue card money needed'] });
    expect(translationStatus(topic())).toMatchObject({ ru: 'up-to-date', vi: 'outdated' });

    delete topic().content.es;
    expect(translationStatus(topic()).es).toBe('missing');
  });
});

describe('draft edits', () => {
  it('changes a fact for every language; a new valid_from adds a value in date order', () => {
    const s = fresh();
    expect(editFact(s, 'blue-card-salary', { value: '51 234', valid_from: '2026-01-01', source: 'https://www.example.org/new' })).toContain('50700 → 51234');
    const kb = createKnowledgeBase(s);
    expect(kb.answer('blue-card', 'en', { region: null, today: '2026-06-01' })!.text).toContain('€51,234');
    expect(kb.answer('blue-card', 'ru', { region: null, today: '2026-06-01' })!.text).toMatch(/51\s234\s€/);
    editFact(s, 'blue-card-salary', { value: 60000, valid_from: '2027-01-01' });
    expect(s.facts['blue-card-salary'].values.map((v) => v.valid_from)).toEqual(['2025-01-01', '2026-01-01', '2027-01-01']);
    expect(() => editFact(s, 'blue-card-salary', { value: 'lots', valid_from: '2027-01-01' })).toThrow(EditorError);
    expect(() => editFact(s, 'nope', { value: 1, valid_from: '2027-01-01' })).toThrow(/no fact/);
    expect(validateSnapshot(s, { today: '2026-06-01' }).filter((p) => p.level === 'error')).toEqual([]);
  });

  it.each([
    ['61234', 61234],
    ['61 234,50', 61234.5],
    ['61.234,50', 61234.5],
    ['61,234.50', 61234.5],
    ['13.90', 13.9],
    ['abc', null],
  ])('parses the amount %s', (input, expected) => {
    expect(parseAmount(input)).toBe(expected);
  });

  it('refuses a question variant that belongs to another topic, accepts a new one once', () => {
    const s = fresh();
    const other = s.topics.find((t) => t.slug !== 'blue-card')!;
    const taken = other.content.en!.questions[0];
    expect(() => addQuestionVariant(s, 'blue-card', 'en', taken)).toThrow(/already a variant/);
    addQuestionVariant(s, 'blue-card', 'ru', 'скока надо зарабатывать для блю кард');
    expect(addQuestionVariant(s, 'blue-card', 'ru', 'Скока надо зарабатывать для блю кард?')).toMatch(/already present/);
  });

  it('starts a topic skeleton in file order; it does not validate until written', () => {
    const s = fresh();
    createTopicSkeleton(s, { slug: 'bicycle-rules', category: s.categories[0].id, locale: 'ru', question: 'правила для велосипеда' }, '2026-11-27');
    expect(s.topics.map((t) => t.slug)).toEqual([...s.topics.map((t) => t.slug)].sort());
    expect(s.files.topics).toEqual(s.topics.map((t) => `topics/${t.slug}.yaml`));
    expect(s.topics.find((t) => t.slug === 'bicycle-rules')).toMatchObject({ review_by: '2027-05-27', content: { ru: { questions: ['правила для велосипеда'] } } });
    expect(validateSnapshot(s).some((p) => p.level === 'error' && p.file === 'topics/bicycle-rules.yaml')).toBe(true);
  });

  it('creates and updates institutions, refusing unknown regions and bad URLs', () => {
    const s = fresh();
    const helps = { de: 'Hilfe', en: 'Help', ru: 'Помощь', vi: 'Giúp đỡ', es: 'Ayuda' };
    expect(upsertInstitution(s, 'new-office', { name: 'New office', region: 'nationwide', helps_with: helps })).toMatch(/created/);
    expect(upsertInstitution(s, 'new-office', { name: 'New office 2', region: 'nationwide', url: 'https://www.example.org', helps_with: helps })).toMatch(/updated/);
    expect(s.institutions.find((i) => i.id === 'new-office')).toMatchObject({ name: 'New office 2', url: 'https://www.example.org' });
    expect(() => upsertInstitution(s, 'x-y', { name: 'X', region: 'mars', helps_with: helps })).toThrow(/region/);
    expect(() => upsertInstitution(s, 'x-y', { name: 'X', region: 'nationwide', url: 'javascript:alert(1)', helps_with: helps })).toThrow(/URL/);
  });
});

describe('preview', () => {
  it('renders the answer as Telegram segments (text never as markup) and WhatsApp text with the fact value', () => {
    const s = fresh();
    const topic = structuredClone(s.topics.find((t) => t.slug === 'blue-card')!);
    topic.content.vi!.answer = `<b>not bold</b> ${topic.content.vi!.answer}`;
    const pv = previewTopic(s, topic, 'vi', { region: null, today: '2026-06-01' });
    const text = pv.telegram[0].segments.map((x) => x.text).join('');
    expect(text).toContain('<b>not bold</b>');
    expect(text).toContain('50.700');
    expect(pv.telegram[0].segments.some((x) => x.kind === 'link' && x.url.startsWith('https://'))).toBe(true);
    expect(pv.telegram.at(-1)!.buttons.flat().length).toBeGreaterThan(0);
    expect(pv.whatsapp[0].text).toContain('50.700');
    expect(pv.whatsapp[0].text).toMatch(/https:\/\//);
    expect(pv.whatsapp.at(-1)!.buttons.length).toBeGreaterThan(0);
  });

  it('splits renderer HTML into segments and unescapes it', () => {
    expect(telegramSegments('a &lt;b&gt; <b>B</b> <a href="https://x.org/?a=1&amp;b=2">L &amp; M</a>')).toEqual([
      { kind: 'text', text: 'a <b> ' },
      { kind: 'bold', text: 'B' },
      { kind: 'text', text: ' ' },
      { kind: 'link', url: 'https://x.org/?a=1&b=2', text: 'L & M' },
    ]);
  });
});

describe('inbox grouping', () => {
  const kb = createKnowledgeBase(loadSnapshotFromFiles(path.resolve(__dirname, '../../knowledge-base')));
  const row = (id: number, text: string, locale: string, reason = 'abstained', topic: string | null = null) => ({ id, text, locale, reason, topic, createdAt: new Date(2026, 10, id) });

  it('groups questions near the same topic across languages, and similar questions without a topic', () => {
    const groups = groupUnanswered(
      [
        row(1, 'голубая карта для айтишника без диплома можно?', 'ru'),
        row(2, 'thẻ xanh EU cần lương bao nhiêu', 'vi'),
        row(3, 'blue card without degree possible?', 'en', 'not-helpful', 'eu-blue-card'),
        row(4, 'wer gewinnt die fussball bundesliga', 'de'),
        row(5, 'wer gewinnt die bundesliga fussball dieses jahr', 'de'),
      ],
      kb,
    );
    const blue = groups.find((g) => g.topic === 'eu-blue-card')!;
    expect(blue.count).toBe(3);
    expect(Object.keys(blue.languages).sort()).toEqual(['en', 'ru', 'vi']);
    const football = groups.find((g) => g.items.some((i) => i.id === 4))!;
    expect(football.items.map((i) => i.id).sort()).toEqual([4, 5]);
    expect(groups[0]).toBe(blue);
  });
});
