import {
  createFakeKnowledgeBase,
  FAKE_REGIONS,
  type FakeRegion,
} from '../../test/helpers/fake-knowledge-base';
import { createStrictTranslator, type StrictTranslator } from '../../test/helpers/strict-translator';
import { fitsChoiceValue } from './choice-value';
import { createDialogueEngine, type DialogueEngine } from './engine';
import { formatList } from './format-list';
import type { Classification, KnowledgeBase } from './ports';
import { createSay } from './say';
import { createInitialState } from './state';
import {
  LOCALES,
  type ConversationState,
  type Effect,
  type InboundMessage,
  type Locale,
  type Reply,
  type TurnResult,
} from './types';

// --- fixtures -------------------------------------------------------------------------------

const TODAY = '2026-11-27';
const POLICY = 'policy-2026-11';
const BASE = {
  channel: 'telegram',
  botId: 'bot-ru',
  externalUserId: '42',
  platformMessageId: '1',
  sentAt: '2026-11-27T09:00:00Z',
} as const;

const text = (value: string): InboundMessage => ({ ...BASE, kind: 'text', text: value });
const choice = (value: string): InboundMessage => ({ ...BASE, kind: 'choice', value });
const command = (name: string, payload?: string): InboundMessage => ({
  ...BASE,
  kind: 'command',
  command: name,
  ...(payload ? { payload } : {}),
});
const media = (): InboundMessage => ({ ...BASE, kind: 'media', media: 'photo' });

/** A short test-name label for a message. */
function label(message: InboundMessage): string {
  switch (message.kind) {
    case 'text':
      return `"${message.text}"`;
    case 'choice':
      return `button ${message.value}`;
    case 'command':
      return `/${message.command}`;
    default:
      return message.kind;
  }
}
const labelled = (messages: InboundMessage[]): Array<[string, InboundMessage]> => messages.map((m) => [label(m), m]);

/** Expected strings come from the locale files, never typed into the tests. */
const reference = createStrictTranslator();
const tr = (locale: Locale, key: string, vars?: Record<string, string | number>) => reference.t(locale, key, vars);

let translator: StrictTranslator;

function build(kb: KnowledgeBase = createFakeKnowledgeBase()): DialogueEngine {
  translator = createStrictTranslator();
  return createDialogueEngine({ kb, t: translator, clock: { today: () => TODAY }, policyVersion: POLICY });
}

afterEach(() => {
  // Every string the engine asked for exists, non-empty, with its variables supplied.
  expect(translator?.problems ?? []).toEqual([]);
  expect(reference.problems).toEqual([]);
});

/** What every turn must satisfy, whatever the input. */
function expectWellFormed(result: TurnResult): void {
  expect(result.replies.length).toBeGreaterThan(0);
  for (const reply of result.replies) {
    expect(reply.text.trim()).not.toBe('');
    expect(reply.text).not.toMatch(/\{\{|\}\}/);
    for (const c of reply.choices ?? []) {
      expect(fitsChoiceValue(c.value)).toBe(true);
      expect(c.label.trim()).not.toBe('');
    }
    for (const link of reply.links ?? []) expect(link.url).toMatch(/^https?:\/\//);
  }
  // The state stays plain JSON.
  expect(JSON.parse(JSON.stringify(result.state))).toEqual(result.state);
}

function turn(engine: DialogueEngine, message: InboundMessage, state: ConversationState | null, defaultLocale: Locale = 'ru'): TurnResult {
  const result = engine.handle(message, state, { defaultLocale, channel: 'telegram' });
  expectWellFormed(result);
  return result;
}

/** Runs messages in order and returns every turn's result. */
function converse(engine: DialogueEngine, messages: InboundMessage[], state: ConversationState | null = null, defaultLocale: Locale = 'ru'): TurnResult[] {
  const results: TurnResult[] = [];
  let current = state;
  for (const message of messages) {
    const result = turn(engine, message, current, defaultLocale);
    results.push(result);
    current = result.state;
  }
  return results;
}

/** A conversation whose privacy notice is settled (accepted unless patched). */
function settled(patch: Partial<ConversationState> = {}): ConversationState {
  return { ...createInitialState('ru'), step: 'idle', consent: 'accepted', ...patch };
}

const values = (reply: Reply | undefined) => (reply?.choices ?? []).map((c) => c.value);
const last = <T>(items: T[]): T => items[items.length - 1];

/** A knowledge base that records what was classified. */
function recordingKb(kb: KnowledgeBase = createFakeKnowledgeBase()): KnowledgeBase & { classified: string[] } {
  const classified: string[] = [];
  return {
    ...kb,
    version: kb.version,
    classified,
    classify(value: string, hint?: Locale): Classification {
      classified.push(value);
      return kb.classify(value, hint);
    },
  };
}

const LANGUAGE_CHOICES = LOCALES.map((l) => `lang:${l}`);
const MENU_CHOICES = ['cat:visa', 'cat:recognition', 'cat:living', 'cat:language', 'cat:help', 'regions', 'human'];

// --- first contact ----------------------------------------------------------------------------

describe('first contact', () => {
  it.each(LOCALES)('greets in the bot language (%s) with the privacy notice and the language chooser', (locale) => {
    const engine = build();
    const result = turn(engine, command('start'), null, locale);

    expect(result.replies).toHaveLength(3);
    const [greeting, notice, chooser] = result.replies;
    const regions = createFakeKnowledgeBase().regions(locale).map((r) => r.name);
    expect(greeting.text).toContain(tr(locale, 'greeting.intro', { regions: formatList(regions, createSay(reference, locale)) }));
    expect(greeting.text).toContain(tr(locale, 'greeting.whatIDo'));
    // what is stored, for how long, how to delete it, what happens before consent
    for (const key of ['privacy.stored', 'privacy.retentionPolicy', 'privacy.beforeConsent']) {
      expect(notice.text).toContain(tr(locale, key));
    }
    expect(notice.text).toContain(tr(locale, 'privacy.delete', { phrase: tr(locale, 'delete.phrase') }));
    expect(values(notice)).toEqual(['consent:yes', 'consent:no']);
    expect(values(chooser)).toEqual(LANGUAGE_CHOICES);
    expect(chooser.choices?.map((c) => c.label)).toEqual(LOCALES.map((l) => tr(l, 'languageName')));

    expect(result.state).toMatchObject({ step: 'awaiting-consent', consent: 'pending', locale, region: null });
    expect(result.effects).toEqual([]);
  });

  it('keeps the bot language even when the platform suggests another', () => {
    const result = turn(build(), { ...text('hello'), localeHint: 'en' }, null, 'vi');
    expect(result.state.locale).toBe('vi');
    expect(result.replies[0].text).toContain(tr('vi', 'greeting.whatIDo'));
  });

  it('states the retention period and links the policy when the host configures them', () => {
    translator = createStrictTranslator();
    const engine = createDialogueEngine({
      kb: createFakeKnowledgeBase(),
      t: translator,
      clock: { today: () => TODAY },
      policyVersion: POLICY,
      retentionDays: 90,
      privacyUrl: 'https://example.org/privacy',
    });
    const notice = turn(engine, command('start'), null, 'de').replies[1];
    expect(notice.text).toContain(tr('de', 'privacy.retentionDays', { days: 90 }));
    expect(notice.links).toEqual([{ label: tr('de', 'privacy.linkLabel'), url: 'https://example.org/privacy' }]);
  });

  it.each<[string, InboundMessage, (r: TurnResult) => void]>([
    ['/start with a campaign payload: just the greeting', command('start', 'campaign-x'), (r) => {
      expect(r.replies).toHaveLength(3);
      expect(r.state.pendingQuestion).toBeNull();
    }],
    ['a question: kept as pending, the greeting says it will be answered', text('Как получить голубую карту?'), (r) => {
      expect(r.state.pendingQuestion).toBe('Как получить голубую карту?');
      expect(r.replies[0].text).toContain(tr('ru', 'greeting.pendingQuestion'));
      expect(r.effects).toEqual([]);
    }],
    ['asking for a human: greeting, then the handoff at once', text('оператор'), (r) => {
      expect(r.effects).toEqual([{ type: 'handoff', reason: 'requested' }]);
      expect(last(r.replies).text).toBe(tr('ru', 'human.takeover'));
      expect(r.state.consent).toBe('pending');
    }],
    ['naming a language: the greeting in that language', text('Español'), (r) => {
      expect(r.state.locale).toBe('es');
      expect(r.replies[0].text).toContain(tr('es', 'greeting.whatIDo'));
    }],
    ['a photo: greeting, then the media reply', media(), (r) => {
      expect(last(r.replies).text).toBe(tr('ru', 'media.unsupported'));
      expect(values(last(r.replies))).toContain('human:media');
    }],
    ['an old consent button (e.g. after deletion): consent settled', choice('consent:yes'), (r) => {
      expect(r.effects).toEqual([{ type: 'consent', status: 'accepted', policyVersion: POLICY }]);
      expect(r.state).toMatchObject({ consent: 'accepted', step: 'idle' });
    }],
    ['"delete my data": the confirmation', text('удалить мои данные'), (r) => {
      expect(values(last(r.replies))).toEqual(['delete:yes', 'delete:no']);
      expect(r.state.step).toBe('confirm-delete');
      expect(r.effects).toEqual([]);
    }],
  ])('%s', (_name, message, check) => {
    check(turn(build(), message, null));
  });

  it('treats a state in step "new" (after deletion) as first contact in its language', () => {
    const result = turn(build(), text('hi'), createInitialState('de'), 'ru');
    expect(result.state.locale).toBe('de');
    expect(values(result.replies[1])).toEqual(['consent:yes', 'consent:no']);
  });
});

// --- consent ----------------------------------------------------------------------------------

describe('consent', () => {
  it.each<[string, string, Effect[], string | null]>([
    ['accepting', 'consent:yes', [{ type: 'consent', status: 'accepted', policyVersion: POLICY }], 'Как получить голубую карту?'],
    ['declining', 'consent:no', [{ type: 'consent', status: 'declined', policyVersion: POLICY }, { type: 'forget-transcript' }], null],
  ])('%s answers the pending question, records consent, keeps the question only with consent', (_n, value, effects, kept) => {
    const [, result] = converse(build(), [text('Как получить голубую карту?'), choice(value)]);
    expect(result.effects).toEqual(effects);
    expect(result.replies[0].text).toBe(tr('ru', value === 'consent:yes' ? 'privacy.acceptedWithQuestion' : 'privacy.declinedWithQuestion'));
    expect(result.replies[1].text).toContain('[ru] EU Blue Card');
    expect(values(last(result.replies))).toEqual(['fb:yes', 'fb:no', 'more:eu-blue-card', 'menu']);
    expect(result.state).toMatchObject({ pendingQuestion: null, lastQuestion: kept, lastTopic: 'eu-blue-card', step: 'awaiting-feedback' });
  });

  it.each<[string, 'consent:yes' | 'consent:no', string]>([
    ['accepting', 'consent:yes', 'privacy.accepted'],
    ['declining', 'consent:no', 'privacy.declined'],
  ])('%s without a pending question invites a question, with the menu', (_n, value, key) => {
    const [, result] = converse(build(), [command('start'), choice(value)]);
    expect(result.replies).toEqual([{ text: tr('ru', key), choices: [{ value: 'menu', label: tr('ru', 'menu.open') }] }]);
  });

  const pending: ConversationState = { ...createInitialState('ru'), step: 'awaiting-consent' };

  it.each<[string, InboundMessage, (r: TurnResult) => void]>([
    ['a question is kept (the latest) and not answered yet', text('Как найти квартиру?'), (r) => {
      expect(r.state.pendingQuestion).toBe('Как найти квартиру?');
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0].text.startsWith(tr('ru', 'privacy.remindQuestion'))).toBe(true);
      expect(values(r.replies[0])).toEqual(['consent:yes', 'consent:no']);
    }],
    ['a topic button waits for consent', choice('topic:eu-blue-card'), (r) => {
      expect(r.replies[0].text.startsWith(tr('ru', 'privacy.remind'))).toBe(true);
      expect(r.state.lastTopic).toBeNull();
    }],
    ['the menu waits for consent', choice('menu'), (r) => {
      expect(values(r.replies[0])).toEqual(['consent:yes', 'consent:no']);
    }],
    ['a human is handed over at once', text('живой человек'), (r) => {
      expect(r.effects).toEqual([{ type: 'handoff', reason: 'requested' }]);
      expect(r.state.step).toBe('awaiting-consent');
    }],
    ['the language can be switched; the notice is shown again in it', choice('lang:de'), (r) => {
      expect(r.state.locale).toBe('de');
      expect(r.replies[0].text).toBe(tr('de', 'language.switched'));
      expect(r.replies[1].text).toContain(tr('de', 'privacy.stored'));
      expect(r.state.step).toBe('awaiting-consent');
    }],
    ['the language chooser can be opened', command('language'), (r) => {
      expect(values(r.replies[0])).toEqual(LANGUAGE_CHOICES);
    }],
    ['deleting data can be asked for', command('delete'), (r) => {
      expect(r.state.step).toBe('confirm-delete');
    }],
    ['a photo gets the media reply and the reminder', media(), (r) => {
      expect(values(r.replies[0])).toContain('human:media');
      expect(values(r.replies[1])).toEqual(['consent:yes', 'consent:no']);
    }],
  ])('while pending: %s', (_n, message, check) => {
    const result = turn(build(), message, pending);
    if (!result.effects.some((e) => e.type === 'handoff')) expect(result.effects).toEqual([]);
    check(result);
  });

  it('cancelling a deletion while consent is pending returns to the notice', () => {
    const [, result] = converse(build(), [text('удалить мои данные'), choice('delete:no')], pending);
    expect(result.effects).toEqual([]);
    expect(result.state.step).toBe('awaiting-consent');
    expect(result.replies[0].text.startsWith(tr('ru', 'delete.cancelled'))).toBe(true);
    expect(values(result.replies[0])).toEqual(['consent:yes', 'consent:no']);
  });

  it('a declined person keeps no text: neither in state nor in the editors’ inbox', () => {
    const result = turn(build(), text('qwertz uiop'), settled({ consent: 'declined' }));
    expect(result.effects).toEqual([{ type: 'unanswered', text: '', reason: 'abstained' }]);
    expect(result.state.lastQuestion).toBeNull();
  });

  it.each<[string, ConversationState['consent'], string, Effect[]]>([
    ['withdrawing consent', 'accepted', 'consent:no', [{ type: 'consent', status: 'declined', policyVersion: POLICY }, { type: 'forget-transcript' }]],
    ['accepting after declining', 'declined', 'consent:yes', [{ type: 'consent', status: 'accepted', policyVersion: POLICY }]],
    ['pressing accept again records nothing new', 'accepted', 'consent:yes', []],
  ])('%s', (_n, consent, value, effects) => {
    const result = turn(build(), choice(value), settled({ consent, lastQuestion: consent === 'accepted' ? 'q' : null }));
    expect(result.effects).toEqual(effects);
    if (value === 'consent:no') expect(result.state.lastQuestion).toBeNull();
  });

  it.each<[ConversationState['consent'], string]>([
    ['accepted', 'privacy.statusAccepted'],
    ['declined', 'privacy.statusDeclined'],
  ])('/privacy shows the notice again with the current decision (%s)', (consent, key) => {
    const result = turn(build(), command('privacy'), settled({ consent }));
    expect(result.replies[0].text).toContain(tr('ru', key));
    expect(values(result.replies[0])).toEqual(['consent:yes', 'consent:no']);
  });
});

// --- language ---------------------------------------------------------------------------------

describe('switching language at any time', () => {
  it.each<[string, ConversationState, InboundMessage, Locale, (r: TurnResult) => void]>([
    ['a language button', settled(), choice('lang:vi'), 'vi', (r) => {
      expect(r.replies[0].text).toBe(tr('vi', 'language.switched'));
      expect(values(r.replies[0])).toEqual(['menu']);
    }],
    ['typing the language’s name (with a way back)', settled(), text('español'), 'es', (r) => {
      expect(r.replies[0].choices?.[0]).toEqual({ value: 'lang:ru', label: tr('ru', 'language.stay') });
    }],
    ['while waiting for feedback', settled({ step: 'awaiting-feedback', lastTopic: 'eu-blue-card' }), choice('lang:en'), 'en', (r) => {
      expect(r.state.step).toBe('idle');
    }],
    ['while waiting for the region', settled({ step: 'awaiting-region', pendingTopic: 'housing-search' }), choice('lang:de'), 'de', () => undefined],
  ])('%s', (_n, state, message, locale, check) => {
    const result = turn(build(), message, state);
    expect(result.state.locale).toBe(locale);
    expect(result.effects).toEqual([]);
    check(result);
  });

  it.each(labelled([command('language'), text('язык'), text('Sprache'), text('ngôn ngữ'), choice('language')]))(
    '%s opens the chooser',
    (_l, message) => {
      const result = turn(build(), message, settled());
      expect(values(result.replies[0])).toEqual(LANGUAGE_CHOICES);
      expect(result.state).toMatchObject({ step: 'awaiting-language', locale: 'ru' });
    },
  );

  it('answers in the language a question is clearly written in, and offers to switch back', () => {
    const result = turn(build(), text('Wie bekomme ich die Blaue Karte?'), settled());
    expect(result.state.locale).toBe('de');
    expect(result.replies[0]).toEqual({
      text: tr('de', 'language.detected'),
      choices: [{ value: 'lang:ru', label: tr('ru', 'language.stay') }],
    });
    expect(result.replies[1].text).toContain('[de] EU Blue Card');
    expect(last(result.replies).text).toBe(tr('de', 'feedback.question'));
  });

  it('does not switch on a message too short to tell', () => {
    const kb = createFakeKnowledgeBase();
    const germanKb: KnowledgeBase = { ...kb, version: kb.version, classify: (t, h) => ({ ...kb.classify(t, h), lang: 'de' }) };
    const result = turn(build(germanKb), text('Blaue Karte'), settled());
    expect(result.state.locale).toBe('ru');
    expect(result.replies[0].text).toContain('[ru] EU Blue Card');
  });

  it('keeps the new language for the next turns', () => {
    const [, menu] = converse(build(), [choice('lang:es'), choice('menu')], settled());
    expect(menu.replies[0].text).toBe(tr('es', 'menu.title'));
    expect(menu.replies[0].choices?.[0].label).toBe('[es] category visa');
  });
});

// --- menu -------------------------------------------------------------------------------------

describe('menu of categories and topics', () => {
  it.each(labelled([choice('menu'), text('меню'), text('Menü'), command('menu')]))('%s opens the menu', (_l, message) => {
    const result = turn(build(), message, settled());
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0].text).toBe(tr('ru', 'menu.title'));
    expect(values(result.replies[0])).toEqual(MENU_CHOICES);
    expect(result.effects).toEqual([]);
  });

  it('labels "my federal state" with the known region', () => {
    const menu = turn(build(), choice('menu'), settled({ region: 'st', regionAsked: true })).replies[0];
    expect(menu.choices?.find((c) => c.value === 'regions')?.label).toBe(tr('ru', 'menu.regionKnown', { region: 'Саксония-Анхальт' }));
  });

  it.each<[string, string, string[], string]>([
    ['a category lists its topics and the way back', 'cat:visa', ['topic:eu-blue-card', 'topic:visa-refusal-remonstration', 'menu'], tr('ru', 'menu.categoryTitle', { category: '[ru] category visa' })],
    ['an empty category says so', 'cat:help', ['menu'], tr('ru', 'menu.categoryEmpty', { category: '[ru] category help' })],
  ])('%s', (_n, value, expected, expectedText) => {
    const reply = turn(build(), choice(value), settled()).replies[0];
    expect(reply.text).toBe(expectedText);
    expect(values(reply)).toEqual(expected);
  });

  it('a topic button answers the topic', () => {
    const result = turn(build(), choice('topic:recognition-finder'), settled());
    expect(result.replies[0].text).toContain('[ru] Who recognises my qualification');
    expect(result.state).toMatchObject({ lastTopic: 'recognition-finder', lastQuestion: null, step: 'awaiting-feedback' });
  });
});

// --- answers ----------------------------------------------------------------------------------

describe('answering a free-text question', () => {
  it('gives the best answer with sources and the "as of" date, then asks "Did this help?"', () => {
    const result = turn(build(), text('Как получить голубую карту?'), settled());
    const [answer, followUp] = result.replies;
    expect(answer.text).toContain('[ru] EU Blue Card: general answer (facts valid on 2026-11-27).');
    expect(answer.text).toContain(tr('ru', 'answer.asOf', { date: '27 ноября 2026 г.' }));
    expect(answer.links).toEqual([{ label: '[ru] Official source on eu-blue-card', url: 'https://example.org/sources/eu-blue-card' }]);
    expect(followUp.text).toBe(tr('ru', 'feedback.question'));
    expect(values(followUp)).toEqual(['fb:yes', 'fb:no', 'more:eu-blue-card', 'menu']);
    expect(result.state).toMatchObject({ step: 'awaiting-feedback', lastTopic: 'eu-blue-card', lastQuestion: 'Как получить голубую карту?' });
    expect(result.effects).toEqual([]);
  });

  it('shows the detail on "more", then asks for feedback again', () => {
    const [, more] = converse(build(), [text('голубая карта'), choice('more:eu-blue-card')], settled());
    expect(more.replies[0].text).toBe('[ru] EU Blue Card\n\n[ru] EU Blue Card: more detail.');
    expect(values(more.replies[1])).toEqual(['fb:yes', 'fb:no', 'menu']);
    expect(more.state.step).toBe('awaiting-feedback');
  });

  it.each(['more:recognition-finder', 'more:no-such-topic', 'topic:no-such-topic'])('a stale %s gets a polite reply and the menu', (value) => {
    const result = turn(build(), choice(value), settled());
    expect(result.replies[0].text.startsWith(tr('ru', 'stale.choice'))).toBe(true);
    expect(values(result.replies[0])).toEqual(MENU_CHOICES);
    expect(result.effects).toEqual([]);
  });

  it('a handoff topic gives a short orientation and offers the counsellor at once', () => {
    const [answer, offer] = converse(build(), [text('Мне пришёл отказ в визе'), choice('human:topic-mode')], settled());
    expect(answer.replies[0].text).toContain('[ru] Visa refused');
    expect(answer.replies[1].text).toBe(tr('ru', 'answer.handoffOffer'));
    expect(values(answer.replies[1])).toEqual(['human:topic-mode', 'menu']);
    expect(answer.state.step).toBe('offered-human');
    expect(offer.effects).toEqual([{ type: 'handoff', reason: 'topic-mode', topic: 'visa-refusal-remonstration' }]);
  });
});

// --- regions ----------------------------------------------------------------------------------

describe('region-dependent answers', () => {
  const HOUSING = 'Как найти квартиру?';

  it('asks the region once, with the regions from the knowledge base and "not decided yet"', () => {
    const result = turn(build(), text(HOUSING), settled());
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0].text).toBe(tr('ru', 'region.ask'));
    expect(result.replies[0].choices).toEqual([
      { value: 'region:mv', label: 'Мекленбург — Передняя Померания' },
      { value: 'region:st', label: 'Саксония-Анхальт' },
      { value: 'region:none', label: tr('ru', 'region.none') },
    ]);
    expect(result.state).toMatchObject({ step: 'awaiting-region', pendingTopic: 'housing-search', regionAsked: true });
  });

  it.each<[string, InboundMessage, string | null, string[], string[]]>([
    ['choosing Sachsen-Anhalt shows its part and institutions', choice('region:st'), 'st', ['Саксония-Анхальт: regional part'], ['Test Welcome Center Sachsen-Anhalt (Magdeburg)']],
    ['typing a city of the region works too', text('Rostock'), 'mv', ['Передняя Померания: regional part'], ['Test Welcome Center Mecklenburg-Vorpommern (Rostock)']],
    ['"not decided yet" shows the general part and every region’s part', choice('region:none'), null, ['Передняя Померания: regional part', 'Саксония-Анхальт: regional part', tr('ru', 'answer.regionUnknown')], ['Welcome Center Mecklenburg-Vorpommern', 'Welcome Center Sachsen-Anhalt']],
  ])('%s', (_n, message, region, parts, institutions) => {
    const [, result] = converse(build(), [text(HOUSING), message], settled());
    expect(result.state).toMatchObject({ region, regionAsked: true, pendingTopic: null, lastTopic: 'housing-search', step: 'awaiting-feedback' });
    const answer = result.replies[0].text;
    expect(answer).toContain('[ru] Finding a flat: general answer');
    for (const part of parts) expect(answer).toContain(part);
    for (const name of institutions) expect(answer).toContain(name);
    expect(answer).toContain(tr('ru', 'answer.institutionsRefer'));
  });

  it('does not ask again after "not decided yet"', () => {
    const results = converse(build(), [text(HOUSING), choice('region:none'), text(HOUSING)], settled());
    expect(last(results).replies[0].text).toContain('[ru] Finding a flat');
    expect(last(results).state.step).toBe('awaiting-feedback');
  });

  it('uses a known region without asking', () => {
    const result = turn(build(), text(HOUSING), settled({ region: 'mv', regionAsked: true }));
    expect(result.replies[0].text).toContain(tr('ru', 'answer.regionHeading', { region: 'Мекленбург — Передняя Померания' }));
    expect(result.replies[0].text).not.toContain('Саксония-Анхальт: regional part');
    expect(result.replies[0].links?.map((l) => l.url)).toContain('https://example.org/welcome-mv');
  });

  it('uses the region named in the question instead of asking, and remembers it', () => {
    const result = turn(build(), text('Wie finde ich eine Wohnung in Magdeburg?'), settled({ locale: 'de' }));
    expect(result.state).toMatchObject({ region: 'st', regionAsked: true, step: 'awaiting-feedback' });
    expect(result.replies[0].text).toContain('[de] Finding a flat in Sachsen-Anhalt: regional part.');
  });

  it('a region named in the question wins for that answer without changing the known one', () => {
    const result = turn(build(), text('Wie finde ich eine Wohnung in Magdeburg?'), settled({ locale: 'de', region: 'mv', regionAsked: true }));
    expect(result.replies[0].text).toContain('[de] Finding a flat in Sachsen-Anhalt: regional part.');
    expect(result.replies[0].text).not.toContain('Mecklenburg-Vorpommern: regional part');
    expect(result.state.region).toBe('mv');
  });

  it('never asks for a nationwide topic', () => {
    expect(turn(build(), text('голубая карта'), settled()).state.step).toBe('awaiting-feedback');
  });

  it('an unknown region id is a stale button and changes nothing', () => {
    const result = turn(build(), choice('region:by'), settled({ step: 'awaiting-region', pendingTopic: 'housing-search' }));
    expect(result.replies[0].text.startsWith(tr('ru', 'stale.choice'))).toBe(true);
    expect(result.state.region).toBeNull();
  });

  it('the region can be set or changed from the menu', () => {
    const [chooser, saved] = converse(build(), [choice('regions'), choice('region:st')], settled({ region: 'mv', regionAsked: true }));
    expect(chooser.replies[0].text).toBe(tr('ru', 'region.choose'));
    expect(saved.replies[0].text).toBe(tr('ru', 'region.saved', { region: 'Саксония-Анхальт' }));
    expect(saved.state).toMatchObject({ region: 'st', step: 'idle' });
  });

  it('regions are data: a third federal state added to the content appears everywhere', () => {
    const berlin: FakeRegion = {
      id: 'be',
      names: { de: 'Berlin', en: 'Berlin', ru: 'Берлин', vi: 'Berlin', es: 'Berlín' },
      aliases: ['berlin'],
      city: 'Berlin',
    };
    const engine = build(createFakeKnowledgeBase({ regions: [...FAKE_REGIONS, berlin] }));
    const [ask, none] = converse(engine, [text(HOUSING), choice('region:none')], settled());
    expect(values(ask.replies[0])).toEqual(['region:mv', 'region:st', 'region:be', 'region:none']);
    expect(none.replies[0].text).toContain('[ru] Finding a flat in Берлин: regional part.');
    const chosen = turn(engine, choice('region:be'), ask.state);
    expect(chosen.state.region).toBe('be');
    expect(chosen.replies[0].text).toContain(tr('ru', 'answer.regionHeading', { region: 'Берлин' }));
  });
});

// --- low confidence, no answer ----------------------------------------------------------------

describe('low confidence and no answer', () => {
  it('offers "Did you mean…" with at most three topics, best first, and a counsellor', () => {
    const result = turn(build(), text('виза'), settled());
    expect(result.replies).toEqual([
      {
        text: tr('ru', 'didYouMean.question'),
        choices: [
          { value: 'topic:eu-blue-card', label: '[ru] EU Blue Card' },
          { value: 'topic:visa-refusal-remonstration', label: '[ru] Visa refused' },
          { value: 'topic:recognition-finder', label: '[ru] Who recognises my qualification' },
          { value: 'human:no-answer', label: tr('ru', 'human.offer') },
        ],
      },
    ]);
    expect(result.effects).toEqual([]);
  });

  it('drops candidates the knowledge base cannot name', () => {
    expect(values(turn(build(), text('работа'), settled()).replies[0])).toEqual(['topic:eu-blue-card', 'human:no-answer']);
  });

  it('says honestly when it has no answer, offers a counsellor and logs it for the editors', () => {
    const [none, handoff] = converse(build(), [text('Какая погода на Марсе завтра?'), choice('human:no-answer')], settled());
    expect(none.replies[0].text).toBe(`${tr('ru', 'notFound.text')}\n\n${tr('ru', 'notFound.rephrase')}`);
    expect(values(none.replies[0])).toEqual(['human:no-answer', 'menu']);
    expect(none.effects).toEqual([{ type: 'unanswered', text: 'Какая погода на Марсе завтра?', reason: 'abstained' }]);
    expect(none.state.step).toBe('offered-human');
    expect(handoff.effects).toEqual([{ type: 'handoff', reason: 'no-answer' }]);
  });
});

// --- feedback ---------------------------------------------------------------------------------

describe('feedback', () => {
  const answered = settled({ step: 'awaiting-feedback', lastTopic: 'eu-blue-card', lastQuestion: 'голубая карта' });

  it.each<[string, ConversationState, string, Effect[], Partial<ConversationState>, string, string[]]>([
    ['"yes" thanks and resets the count', { ...answered, notHelpfulCount: 1 }, 'fb:yes',
      [{ type: 'feedback', topic: 'eu-blue-card', helpful: true }],
      { notHelpfulCount: 0, step: 'idle' }, 'feedback.thanks', ['menu']],
    ['the first "no" suggests rephrasing or the menu', answered, 'fb:no',
      [{ type: 'feedback', topic: 'eu-blue-card', helpful: false }, { type: 'unanswered', text: 'голубая карта', reason: 'not-helpful', topic: 'eu-blue-card' }],
      { notHelpfulCount: 1, step: 'idle', lastQuestion: null }, 'feedback.rephrase', ['menu']],
    ['the second "no" in a row offers a counsellor', { ...answered, notHelpfulCount: 1 }, 'fb:no',
      [{ type: 'feedback', topic: 'eu-blue-card', helpful: false }, { type: 'unanswered', text: 'голубая карта', reason: 'not-helpful', topic: 'eu-blue-card' }],
      { notHelpfulCount: 2, step: 'offered-human' }, 'feedback.offerHuman', ['human:not-helpful', 'menu']],
  ])('%s', (_n, state, value, effects, patch, key, choices) => {
    const result = turn(build(), choice(value), state);
    expect(result.effects).toEqual(effects);
    expect(result.state).toMatchObject(patch);
    expect(result.replies[0].text).toBe(tr('ru', key));
    expect(values(result.replies[0])).toEqual(choices);
  });

  it('two unhelpful answers in a conversation lead to the counsellor', () => {
    const results = converse(
      build(),
      [text('голубая карта'), choice('fb:no'), text('Как найти квартиру?'), choice('region:st'), choice('fb:no'), choice('human:not-helpful')],
      settled(),
    );
    expect(values(results[4].replies[0])).toContain('human:not-helpful');
    expect(last(results).effects).toEqual([{ type: 'handoff', reason: 'not-helpful', topic: 'housing-search' }]);
    expect(last(results).state.notHelpfulCount).toBe(0);
  });

  it.each<[string, ConversationState]>([
    ['when nothing was answered', settled()],
    ['twice on the same answer', settled({ lastTopic: 'eu-blue-card', step: 'idle' })],
  ])('a feedback button is stale %s', (_n, state) => {
    const result = turn(build(), choice('fb:no'), state);
    expect(result.effects).toEqual([]);
    expect(result.replies[0].text.startsWith(tr('ru', 'stale.choice'))).toBe(true);
  });
});

// --- human ------------------------------------------------------------------------------------

describe('asking for a human', () => {
  it.each(labelled([
    text('оператор'),
    text('живой человек'),
    text('Позовите консультанта'),
    text('tư vấn viên'),
    text('tu van vien'),
    text('gặp người thật'),
    text('hablar con una persona'),
    text('asesor'),
    text('Berater'),
    text('Ich möchte mit einem Menschen sprechen'),
    text('human'),
    text('talk to a human please'),
    command('human'),
    choice('human'),
  ]))('%s hands over to a counsellor', (_l, message) => {
    const result = turn(build(), message, settled({ lastTopic: 'eu-blue-card', notHelpfulCount: 1 }));
    expect(result.effects).toEqual([{ type: 'handoff', reason: 'requested', topic: 'eu-blue-card' }]);
    expect(result.replies).toEqual([{ text: tr('ru', 'human.takeover') }]);
    expect(result.state).toMatchObject({ step: 'idle', notHelpfulCount: 0 });
  });

  it.each(LOCALES)('the takeover is said in the person’s language (%s)', (locale) => {
    const result = turn(build(), command('human'), settled({ locale }));
    expect(result.replies[0].text).toBe(tr(locale, 'human.takeover'));
  });
});

// --- delete -----------------------------------------------------------------------------------

describe('deleting the person’s data', () => {
  it.each(labelled([
    text('удалить мои данные'),
    text('xóa dữ liệu'),
    text('borrar mis datos'),
    text('Daten löschen'),
    text('delete my data'),
    command('delete'),
  ]))('%s asks for confirmation first', (_l, message) => {
    const result = turn(build(), message, settled());
    expect(result.effects).toEqual([]);
    expect(result.replies[0].text).toBe(tr('ru', 'delete.confirm'));
    expect(values(result.replies[0])).toEqual(['delete:yes', 'delete:no']);
    expect(result.state.step).toBe('confirm-delete');
  });

  it('deletes after "yes" and starts over: the next message is a first contact', () => {
    const state = settled({ region: 'st', regionAsked: true, lastTopic: 'eu-blue-card', lastQuestion: 'q', locale: 'es' });
    const [, done, again] = converse(build(), [command('delete'), choice('delete:yes'), text('hola')], state, 'vi');
    expect(done.effects).toEqual([{ type: 'delete-data' }]);
    expect(done.replies).toEqual([{ text: tr('es', 'delete.done') }]);
    expect(done.state).toEqual(createInitialState('vi'));
    expect(values(again.replies[1])).toEqual(['consent:yes', 'consent:no']);
  });

  it('"no" keeps everything', () => {
    const [, kept] = converse(build(), [command('delete'), choice('delete:no')], settled({ region: 'st', regionAsked: true }));
    expect(kept.effects).toEqual([]);
    expect(kept.replies[0].text).toBe(tr('ru', 'delete.cancelled'));
    expect(kept.state).toMatchObject({ step: 'idle', region: 'st', consent: 'accepted' });
  });

  it('a new question instead of confirming cancels the deletion and is answered', () => {
    const [, answered] = converse(build(), [command('delete'), text('голубая карта')], settled());
    expect(answered.effects).toEqual([]);
    expect(answered.state.step).toBe('awaiting-feedback');
    expect(answered.replies[0].text).toContain('[ru] EU Blue Card');
  });

  it('an old "yes, delete" button deletes nothing when no deletion is being confirmed', () => {
    const result = turn(build(), choice('delete:yes'), settled());
    expect(result.effects).toEqual([]);
    expect(result.state.consent).toBe('accepted');
  });
});

// --- media, greetings, commands -----------------------------------------------------------------

describe('media', () => {
  it.each(LOCALES)('explains in %s that only text is read and offers a counsellor', (locale) => {
    const [result, handoff] = converse(build(), [media(), choice('human:media')], settled({ locale }));
    expect(result.replies[0].text).toBe(tr(locale, 'media.unsupported'));
    expect(values(result.replies[0])).toEqual(['human:media', 'menu']);
    expect(result.effects).toEqual([]);
    expect(handoff.effects).toEqual([{ type: 'handoff', reason: 'media' }]);
  });
});

describe('greetings and thanks', () => {
  it.each<[string, string]>([
    ['Привет', 'greeting.short'],
    ['xin chào', 'greeting.short'],
    ['hola', 'greeting.short'],
    ['Guten Tag', 'greeting.short'],
    ['hello', 'greeting.short'],
    ['спасибо', 'thanks.reply'],
    ['cảm ơn', 'thanks.reply'],
    ['gracias', 'thanks.reply'],
    ['danke', 'thanks.reply'],
    ['thanks', 'thanks.reply'],
    ['ок', 'menu.hint'],
  ])('%j gets a short friendly reply with the menu, without asking the knowledge base', (message, key) => {
    const kb = recordingKb();
    const result = turn(build(kb), text(message), settled());
    expect(result.replies).toEqual([{ text: tr('ru', key), choices: [{ value: 'menu', label: tr('ru', 'menu.open') }] }]);
    expect(kb.classified).toEqual([]);
    expect(result.effects).toEqual([]);
  });
});

describe('commands', () => {
  it.each<[string, InboundMessage, (r: TurnResult) => void]>([
    ['/start welcomes back and shows the menu', command('start'), (r) => {
      expect(r.replies[0].text).toBe(tr('ru', 'greeting.welcomeBack'));
      expect(values(r.replies[1])).toEqual(MENU_CHOICES);
    }],
    ['/help explains what the bot does', command('help'), (r) => {
      expect(r.replies[0].text).toBe(tr('ru', 'help.text', { phrase: tr('ru', 'delete.phrase') }));
      expect(values(r.replies[0])).toEqual(['menu', 'language', 'human']);
    }],
    ['an unknown command gets the menu', command('foo'), (r) => {
      expect(r.replies[0].text.startsWith(tr('ru', 'input.unknownCommand'))).toBe(true);
      expect(values(r.replies[0])).toEqual(MENU_CHOICES);
    }],
    ['a command with a slash and capitals is understood', command('/MENU'), (r) => {
      expect(values(r.replies[0])).toEqual(MENU_CHOICES);
    }],
  ])('%s', (_n, message, check) => {
    const result = turn(build(), message, settled());
    expect(result.effects).toEqual([]);
    check(result);
  });
});

// --- robustness, purity -----------------------------------------------------------------------

describe('robustness', () => {
  const garbage: Array<[string, unknown, unknown]> = [
    ['an unknown topic button', choice('topic:unknown'), settled()],
    ['an empty button value', choice(''), settled()],
    ['a numeric button value', { ...BASE, kind: 'choice', value: 123 }, settled()],
    ['a huge button value', choice('x'.repeat(10_000)), settled()],
    ['an unknown language button', choice('lang:xx'), settled()],
    ['an unknown message kind', { ...BASE, kind: 'sticker-pack' }, settled()],
    ['no message at all', null, settled()],
    ['text without text', { ...BASE, kind: 'text' }, settled()],
    ['empty text', text(''), settled()],
    ['only punctuation', text('  ?!… '), settled()],
    ['emoji only', text('👍🙏'), settled()],
    ['a command without a name', { ...BASE, kind: 'command' }, settled()],
    ['a broken state', text('голубая карта'), { step: 'bogus', locale: 'xx', notHelpfulCount: 'a', consent: 7 }],
    ['a state that is a number', text('hi'), 42],
    ['a state with a removed region', text('Как найти квартиру?'), { ...settled(), region: 'atlantis', regionAsked: true }],
    ['a stale pending topic', choice('region:mv'), settled({ step: 'awaiting-region', pendingTopic: 'no-such-topic' })],
  ];

  it.each(garbage)('never throws on %s and answers politely', (_n, message, state) => {
    const engine = build();
    let result: TurnResult | undefined;
    expect(() => {
      result = engine.handle(message as InboundMessage, state as ConversationState, { defaultLocale: 'ru', channel: 'webchat' });
    }).not.toThrow();
    expectWellFormed(result!);
    expect(result!.effects.filter((e) => e.type === 'delete-data' || e.type === 'handoff')).toEqual([]);
  });

  it('cuts a huge text before asking the knowledge base', () => {
    const kb = recordingKb();
    turn(build(kb), text('голубая карта '.repeat(20_000)), settled());
    expect(kb.classified[0].length).toBeLessThanOrEqual(2000);
  });

  it('falls back to the bot language when the context names an unknown one', () => {
    const result = build().handle(command('start'), null, { defaultLocale: 'xx' as Locale, channel: 'webchat' });
    expect(result.state.locale).toBe('en');
  });

  it('a failing knowledge base gives a polite error and keeps the state', () => {
    const kb = createFakeKnowledgeBase();
    const broken: KnowledgeBase = {
      ...kb,
      version: kb.version,
      classify: () => {
        throw new Error('index not loaded');
      },
    };
    const state = settled({ region: 'st', regionAsked: true });
    const result = turn(build(broken), text('голубая карта'), state);
    expect(result.replies).toEqual([{ text: tr('ru', 'error.generic') }]);
    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([]);
  });
});

describe('purity', () => {
  function deepFreeze<T>(value: T): T {
    if (value && typeof value === 'object') {
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    }
    return value;
  }

  it('returns the same result for the same input and never mutates the given state', () => {
    const engine = build();
    const state = deepFreeze(settled({ step: 'awaiting-feedback', lastTopic: 'eu-blue-card', lastQuestion: 'q' }));
    const first = engine.handle(choice('fb:no'), state, { defaultLocale: 'ru', channel: 'telegram' });
    const second = engine.handle(choice('fb:no'), state, { defaultLocale: 'ru', channel: 'telegram' });
    expect(second).toEqual(first);
    expect(first.state).not.toBe(state);
    expect(first.effects.map((e) => e.type)).toEqual(['feedback', 'unanswered']);
  });

  it('reads no clock of its own', () => {
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('the engine must use the injected clock');
    });
    try {
      const result = turn(build(), text('голубая карта'), settled());
      expect(result.replies[0].text).toContain('facts valid on 2026-11-27');
    } finally {
      spy.mockRestore();
    }
  });

  it('replies the same on every channel', () => {
    const engine = build();
    const a = engine.handle(text('голубая карта'), settled(), { defaultLocale: 'ru', channel: 'telegram' });
    const b = engine.handle({ ...text('голубая карта'), channel: 'whatsapp' }, settled(), { defaultLocale: 'ru', channel: 'whatsapp' });
    expect(b).toEqual(a);
  });
});
