import path from 'node:path';
import { LOCALES } from '../../bots/engine/types';
import { createKnowledgeBase } from './knowledge-base';
import { loadSnapshotFromFiles } from './load-files';

const kb = createKnowledgeBase(loadSnapshotFromFiles(path.resolve(__dirname, '../../test/fixtures/kb-valid')), { version: 'test-1' });
const TODAY = '2026-11-27';

describe('KnowledgeBase port over a snapshot', () => {
  it('carries its version', () => {
    expect(kb.version).toBe('test-1');
  });

  it('lists categories, topics and regions in the reader language', () => {
    expect(kb.categories('ru')).toEqual([
      { id: 'visa', title: 'Визы и вид на жительство' },
      { id: 'living', title: 'Жизнь' },
    ]);
    expect(kb.topics('visa', 'es')).toEqual([{ slug: 'blue-card', category: 'visa', title: 'Tarjeta Azul UE' }]);
    expect(kb.topics('nope', 'es')).toEqual([]);
    expect(kb.regions('de')).toMatchObject([
      { id: 'mv', name: 'Mecklenburg-Vorpommern' },
      { id: 'st', name: 'Sachsen-Anhalt' },
    ]);
    // People name their state by a city or in their own language: aliases and every name.
    const [mv, st] = kb.regions('de');
    expect(mv.aliases).toEqual(expect.arrayContaining(['rostock', 'Мекленбург — Передняя Померания', 'Mecklenburg-Western Pomerania']));
    expect(st.aliases).toEqual(expect.arrayContaining(['magdeburg', 'Sajonia-Anhalt']));
    expect(kb.topicTitle('kita-place', 'vi')).toBe('Tìm chỗ nhà trẻ (Kita)');
    expect(kb.topicTitle('nope', 'vi')).toBeNull();
  });

  it('answers every listed topic in every language', () => {
    for (const c of kb.categories('en')) {
      for (const t of kb.topics(c.id, 'en')) {
        for (const l of LOCALES) expect(kb.answer(t.slug, l, { region: null, today: TODAY })?.text.length).toBeGreaterThan(100);
      }
    }
  });

  it('inserts the fact value valid on the day, formatted for the language', () => {
    const a2025 = kb.answer('blue-card', 'de', { region: null, today: '2025-06-01' })!;
    const a2026 = kb.answer('blue-card', 'de', { region: null, today: TODAY })!;
    expect(a2025.text.replace(/\s/g, ' ')).toContain('48.300 € pro Jahr');
    expect(a2026.text.replace(/\s/g, ' ')).toContain('50.700 € pro Jahr');
    expect(a2026.text).not.toContain('{{');
    expect(kb.answer('blue-card', 'en', { region: null, today: TODAY })!.text).toContain('€50,700 per year');
  });

  it('returns mode, sources, as-of date and the nationwide institutions', () => {
    const a = kb.answer('blue-card', 'en', { region: 'mv', today: TODAY })!;
    expect(a).toMatchObject({ slug: 'blue-card', title: 'EU Blue Card', mode: 'answer', regionDependent: false, asOf: '2026-11-27' });
    expect(a.sources[0]).toEqual({
      title: 'Make it in Germany – Blaue Karte EU',
      url: 'https://www.make-it-in-germany.com/de/visum-aufenthalt/arten/blaue-karte-eu',
      checkedOn: '2026-11-01',
    });
    expect(a.institutions.map((i) => i.id)).toEqual(['hotline']);
    expect(a.more).toBeUndefined();
    expect(kb.answer('blue-card', 'de', { region: null, today: TODAY })!.more).toContain('1. Januar');
  });

  it('adds the regional part and that region’s institutions when the region is known', () => {
    const a = kb.answer('kita-place', 'en', { region: 'st', today: TODAY })!;
    expect(a.regionDependent).toBe(true);
    expect(a.regionalText).toBe('In Saxony-Anhalt, parents pay a fee set by the municipality.');
    expect(a.institutions.map((i) => i.id)).toEqual(['hotline', 'welcome-magdeburg']);
    expect(a.institutions[1]).toEqual({
      id: 'welcome-magdeburg',
      name: 'Welcome Service Magdeburg',
      helpsWith: 'Help settling in Magdeburg.',
      city: 'Magdeburg',
      url: 'https://www.example.org/welcome-magdeburg',
      region: 'st',
    });
  });

  it('marks a region-dependent topic and gives nationwide institutions only when the region is unknown', () => {
    const a = kb.answer('kita-place', 'ru', { region: null, today: TODAY })!;
    expect(a.regionDependent).toBe(true);
    expect(a.regionalText).toBeUndefined();
    expect(a.institutions.map((i) => i.id)).toEqual(['hotline']);
    expect(a.institutions[0].helpsWith).toBe('Консультации по телефону о работе, визах и жизни в Германии.');
  });

  it('returns null for an unknown topic', () => {
    expect(kb.answer('nope', 'en', { region: null, today: TODAY })).toBeNull();
  });

  it('classifies a clear question and detects its language', () => {
    const c = kb.classify('kakaya zarplata nuzhna dlya goluboy karty', 'es');
    expect(c).toMatchObject({ lang: 'ru', topic: 'blue-card' });
    expect(c.score).toBeGreaterThan(0.5);
    expect(c.candidates[0].slug).toBe('blue-card');
  });

  it('finds a topic through a glossary term written in another language', () => {
    expect(kb.classify('cuánto cuesta la Kindertagesstätte, la guardería', 'es').topic).toBe('kita-place');
  });

  it('gives no topic and no candidates for chit-chat', () => {
    const c = kb.classify('hola, cómo estás?', 'es');
    expect(c.topic).toBeNull();
    expect(c.candidates).toEqual([]);
  });

  it('scores stay in 0..1 and candidates are at most three', () => {
    for (const text of ['blue card kita salary daycare', 'x', '', '!!!']) {
      const c = kb.classify(text, 'en');
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(c.candidates.length).toBeLessThanOrEqual(3);
    }
  });
});

describe('German terms explained under answers (glossary)', () => {
  const real = createKnowledgeBase(loadSnapshotFromFiles(path.resolve(__dirname, '../../knowledge-base')));

  it('explains the German terms an answer uses, in the reader\'s language, at most two', () => {
    const a = real.answer('blocked-account', 'es', { region: null, today: '2026-11-27' })!;
    expect(a.terms?.length).toBeGreaterThan(0);
    expect(a.terms!.length).toBeLessThanOrEqual(2);
    expect(a.terms![0]).toEqual({ term: 'Sperrkonto', explanation: expect.stringMatching(/^Sperrkonto – cuenta bloqueada/) });
    // Every explained term really occurs in the answer.
    for (const t of a.terms!) expect(`${a.text} ${a.regionalText ?? ''}`.toLowerCase()).toContain(t.term.toLowerCase().split(' ')[0]);
  });

  it('explains nothing to German readers (the terms are their words)', () => {
    expect(real.answer('blocked-account', 'de', { region: null, today: '2026-11-27' })!.terms).toBeUndefined();
  });
});
