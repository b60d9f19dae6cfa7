import { createInitialState, normalizeState } from './state';
import type { ConversationState } from './types';

describe('createInitialState', () => {
  it('starts a conversation new, in the bot language, with consent pending and no region', () => {
    expect(createInitialState('vi')).toEqual<ConversationState>({
      step: 'new',
      locale: 'vi',
      consent: 'pending',
      region: null,
      regionAsked: false,
      lastTopic: null,
      lastQuestion: null,
      pendingTopic: null,
      pendingQuestion: null,
      notHelpfulCount: 0,
    });
  });
});

describe('normalizeState', () => {
  const regions = ['mv', 'st'];

  it.each<[string, unknown, Partial<ConversationState> | null]>([
    ['null is a new conversation', null, null],
    ['a number is a new conversation', 42, null],
    ['an array is a new conversation', [], null],
    ['a valid state is kept', { ...createInitialState('ru'), step: 'idle', consent: 'accepted', region: 'st' }, { step: 'idle', consent: 'accepted', region: 'st', regionAsked: true }],
    ['an older state without the new fields gets defaults', { step: 'idle', locale: 'es', consent: 'declined' }, { step: 'idle', locale: 'es', consent: 'declined', regionAsked: false, lastQuestion: null, notHelpfulCount: 0 }],
    ['an unknown step becomes new', { step: 'dancing', locale: 'de', consent: 'accepted' }, { step: 'new', consent: 'accepted' }],
    ['an unknown locale becomes the default', { step: 'idle', locale: 'fr' }, { locale: 'en' }],
    ['a region removed from the content is forgotten', { step: 'idle', region: 'by', regionAsked: true }, { region: null, regionAsked: true }],
    ['a broken counter becomes 0', { step: 'idle', notHelpfulCount: 'two' }, { notHelpfulCount: 0 }],
    ['a negative counter becomes 0', { step: 'idle', notHelpfulCount: -3 }, { notHelpfulCount: 0 }],
    ['an unknown consent is pending', { step: 'idle', consent: 'sure' }, { consent: 'pending' }],
    ['empty strings are null', { step: 'idle', lastTopic: '', pendingQuestion: '' }, { lastTopic: null, pendingQuestion: null }],
  ])('%s', (_name, raw, expected) => {
    const state = normalizeState(raw, 'en', regions);
    if (expected === null) expect(state).toBeNull();
    else expect(state).toMatchObject(expected);
  });

  it('does not carry unknown fields over', () => {
    const state = normalizeState({ step: 'idle', secret: 'x' }, 'en', regions);
    expect(state).not.toHaveProperty('secret');
  });
});
