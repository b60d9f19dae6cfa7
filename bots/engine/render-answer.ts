/**
 * Turns a resolved {@link TopicAnswer} into the replies people see: the answer itself
 * (title, text, the regional part(s), who helps, "as of" date, sources and institutions as
 * links), then a follow-up — "Did this help?" for answers, the counsellor offer for
 * `handoff` topics.
 */
import { choiceValue, fitsChoiceValue } from './choice-value';
import { formatDate } from './format-date';
import type { InstitutionView, TopicAnswer } from './ports';
import type { Say } from './say';
import type { Choice, Link, Reply } from './types';

/** The part of an answer specific to one region, with the region's display name. */
export interface RegionalPart {
  regionName: string;
  text: string;
}

/** Everything {@link renderAnswer} needs; the engine resolves regions beforehand. */
export interface RenderAnswerInput {
  answer: TopicAnswer;
  /** One part for a known region; every region's part when the region is not decided. */
  regionalParts: readonly RegionalPart[];
  /** True when the region is not decided and the parts of all regions are shown. */
  allRegions: boolean;
  /** The institutions to name (already merged and de-duplicated across regions). */
  institutions: readonly InstitutionView[];
  say: Say;
}

function institutionLine(inst: InstitutionView, say: Say): string {
  const helpsWith = inst.helpsWith.trim();
  if (!helpsWith) return inst.city ? `• ${inst.name} (${inst.city})` : `• ${inst.name}`;
  return inst.city
    ? `• ${say('answer.institutionLineCity', { name: inst.name, city: inst.city, helpsWith })}`
    : `• ${say('answer.institutionLine', { name: inst.name, helpsWith })}`;
}

function uniqueLinks(links: readonly Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    if (!l.url || seen.has(l.url)) return false;
    seen.add(l.url);
    return true;
  });
}

/**
 * "Did this help?" with yes / no, "tell me more" when the topic has detail, and the menu.
 * @param moreSlug the topic whose detail can still be shown, if any
 */
export function renderFeedbackQuestion(say: Say, moreSlug?: string): Reply {
  const choices: Choice[] = [
    { value: choiceValue.feedback(true), label: say('feedback.yes') },
    { value: choiceValue.feedback(false), label: say('feedback.no') },
  ];
  if (moreSlug && fitsChoiceValue(choiceValue.more(moreSlug))) {
    choices.push({ value: choiceValue.more(moreSlug), label: say('answer.more') });
  }
  choices.push({ value: choiceValue.menu(), label: say('menu.open') });
  return { text: say('feedback.question'), choices };
}

/**
 * @returns two replies: the answer, then the follow-up.
 * @example renderAnswer({ answer, regionalParts: [], allRegions: false, institutions: answer.institutions, say })
 */
export function renderAnswer(input: RenderAnswerInput): Reply[] {
  const { answer, say } = input;
  const blocks: string[] = [answer.title.trim(), answer.text.trim()];

  if (input.regionalParts.length > 0) {
    if (input.allRegions) blocks.push(say('answer.regionUnknown'));
    for (const part of input.regionalParts) {
      blocks.push(`${say('answer.regionHeading', { region: part.regionName })}\n${part.text.trim()}`);
    }
  }

  // German words the person will meet on forms, explained in their language (glossary).
  if (answer.terms && answer.terms.length > 0) {
    blocks.push([say('answer.terms'), ...answer.terms.map((t) => `• ${t.explanation.trim()}`)].join('\n'));
  }

  if (input.institutions.length > 0) {
    const header = answer.mode === 'answer' ? say('answer.institutions') : say('answer.institutionsRefer');
    blocks.push([header, ...input.institutions.map((i) => institutionLine(i, say))].join('\n'));
  }

  blocks.push(say('answer.asOf', { date: formatDate(answer.asOf, say) }));

  const links = uniqueLinks([
    ...answer.sources.map((s) => ({ label: s.title, url: s.url })),
    ...input.institutions.flatMap((i) => (i.url ? [{ label: i.name, url: i.url }] : [])),
  ]);

  const main: Reply = { text: blocks.filter((b) => b.length > 0).join('\n\n') };
  if (links.length > 0) main.links = links;

  const followUp: Reply =
    answer.mode === 'handoff'
      ? {
          text: say('answer.handoffOffer'),
          choices: [
            { value: choiceValue.human('topic-mode'), label: say('human.offer') },
            { value: choiceValue.menu(), label: say('menu.open') },
          ],
        }
      : renderFeedbackQuestion(say, answer.more ? answer.slug : undefined);

  return [main, followUp];
}
