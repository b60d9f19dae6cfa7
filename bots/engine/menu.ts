/**
 * The menu: categories, then the topics of one category. Both come from the knowledge
 * base in the person's language; nothing here knows a category or topic by name.
 */
import { choiceValue, fitsChoiceValue } from './choice-value';
import type { KnowledgeBase } from './ports';
import type { Say } from './say';
import type { Choice, Locale, RegionId, Reply } from './types';

/** What the menu is rendered for. */
export interface MenuContext {
  kb: KnowledgeBase;
  locale: Locale;
  region: RegionId | null;
  say: Say;
}

function keepSendable(choices: Choice[]): Choice[] {
  return choices.filter((c) => fitsChoiceValue(c.value) && c.label.trim().length > 0);
}

/**
 * The categories as buttons, then "my federal state" (when regions exist) and the counsellor.
 * @example renderMenu({ kb, locale: 'ru', region: null, say }).choices[0].value // 'cat:visa'
 */
export function renderMenu(ctx: MenuContext): Reply {
  const { kb, locale, region, say } = ctx;
  const categories = kb.categories(locale).map((c) => ({ value: choiceValue.category(c.id), label: c.title }));
  const regions = kb.regions(locale);
  const extra: Choice[] = [];
  if (regions.length > 0) {
    const current = regions.find((r) => r.id === region);
    extra.push({
      value: choiceValue.regions(),
      label: current ? say('menu.regionKnown', { region: current.name }) : say('menu.region'),
    });
  }
  extra.push({ value: choiceValue.human(), label: say('human.offer') });
  const choices = keepSendable(categories);
  return {
    text: choices.length > 0 ? say('menu.title') : say('menu.empty'),
    choices: [...choices, ...keepSendable(extra)],
  };
}

/**
 * The topics of one category, with a way back to the menu; `null` when the category does
 * not exist (a stale button).
 */
export function renderCategoryTopics(ctx: MenuContext, categoryId: string): Reply | null {
  const { kb, locale, say } = ctx;
  const category = kb.categories(locale).find((c) => c.id === categoryId);
  if (!category) return null;
  const topics = keepSendable(
    kb.topics(categoryId, locale).map((t) => ({ value: choiceValue.topic(t.slug), label: t.title })),
  );
  const back = { value: choiceValue.menu(), label: say('menu.back') };
  if (topics.length === 0) {
    return { text: say('menu.categoryEmpty', { category: category.title }), choices: [back] };
  }
  return { text: say('menu.categoryTitle', { category: category.title }), choices: [...topics, back] };
}
