/**
 * The editor's live preview: a topic's answer (unsaved text included) rendered as people will
 * see it — through the engine's own answer builder, then the Telegram renderer
 * (bots/channels/telegram/render.ts) and the WhatsApp renderer (bots/channels/whatsapp/render.ts:
 * text with links as URLs, reply buttons or a list under the last message).
 *
 * The Telegram HTML is returned as segments (text / bold / link) so the console shows it with
 * textContent and real links, never as HTML.
 */
import { renderAnswer, type RegionalPart } from '../../bots/engine/render-answer';
import { createSay } from '../../bots/engine/say';
import type { InstitutionView } from '../../bots/engine/ports';
import type { Locale, Reply } from '../../bots/engine/types';
import { renderTelegramReply } from '../../bots/channels/telegram/render';
import { renderWhatsAppReply, textsOf } from '../../bots/channels/whatsapp/render';
import { createTranslator } from '../i18n/translator';
import { answerLookups, resolveTopicAnswer } from '../knowledge/knowledge-base';
import type { KnowledgeSnapshot, TopicDoc } from '../knowledge/snapshot';

export type PreviewSegment = { kind: 'text' | 'bold'; text: string } | { kind: 'link'; text: string; url: string };

export interface TopicPreview {
  /** One entry per Telegram message: the text as segments, and the inline keyboard's rows. */
  telegram: Array<{ segments: PreviewSegment[]; buttons: string[][] }>;
  /** One entry per WhatsApp message: its text and the titles of its reply buttons or list rows. */
  whatsapp: Array<{ text: string; buttons: string[] }>;
}

let translator: ReturnType<typeof createTranslator> | null = null;

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Splits the renderer's HTML (escaped text, `<b>`, `<a href>`) into segments. */
export function telegramSegments(html: string): PreviewSegment[] {
  const out: PreviewSegment[] = [];
  const re = /<a href="([^"]*)">([\s\S]*?)<\/a>|<b>([\s\S]*?)<\/b>/g;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) out.push({ kind: 'text', text: unescape(html.slice(last, m.index)) });
    if (m[1] !== undefined) out.push({ kind: 'link', url: unescape(m[1]), text: unescape(m[2]) });
    else out.push({ kind: 'bold', text: unescape(m[3]) });
    last = re.lastIndex;
  }
  if (last < html.length) out.push({ kind: 'text', text: unescape(html.slice(last)) });
  return out;
}

/** A reply as the WhatsApp channel sends it: texts, and button or list titles. */
export function whatsappMessages(reply: Reply, locale: Locale): Array<{ text: string; buttons: string[] }> {
  const rendered = renderWhatsAppReply(reply, { locale });
  const texts = textsOf(rendered);
  return rendered.messages.map((m, i) => {
    const action = (m as { interactive?: { action?: { buttons?: { reply: { title: string } }[]; sections?: { rows: { title: string }[] }[] } } }).interactive?.action;
    const buttons = action?.buttons?.map((b) => b.reply.title) ?? action?.sections?.flatMap((sec) => sec.rows.map((r) => r.title)) ?? [];
    return { text: texts[i] ?? '', buttons };
  });
}

/** The replies the engine sends for `topic` in `locale` (region null: every region's part, as the engine does). */
export function previewReplies(snapshot: KnowledgeSnapshot, topic: TopicDoc, locale: Locale, opts: { region: string | null; today: string }): Reply[] {
  const lookups = answerLookups(snapshot);
  const answer = resolveTopicAnswer(lookups, topic, locale, opts);
  if (!answer) return [];
  translator ??= createTranslator();
  const say = createSay(translator, locale);
  const regionalParts: RegionalPart[] = [];
  const institutions: InstitutionView[] = [...answer.institutions];
  const regions = snapshot.regions.filter((r) => lookups.regionIds.has(r.id));
  const name = (id: string) => {
    const r = regions.find((x) => x.id === id);
    return r?.names[locale] ?? r?.names.en ?? id;
  };
  let allRegions = false;
  if (opts.region && answer.regionalText) regionalParts.push({ regionName: name(opts.region), text: answer.regionalText });
  else if (!opts.region && answer.regionDependent) {
    allRegions = true;
    for (const r of regions) {
      const regional = resolveTopicAnswer(lookups, topic, locale, { region: r.id, today: opts.today });
      if (regional?.regionalText) regionalParts.push({ regionName: name(r.id), text: regional.regionalText });
      institutions.push(...(regional?.institutions ?? []));
    }
  }
  const seen = new Set<string>();
  return renderAnswer({ answer, regionalParts, allRegions, institutions: institutions.filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true))), say });
}

export function previewTopic(snapshot: KnowledgeSnapshot, topic: TopicDoc, locale: Locale, opts: { region: string | null; today: string }): TopicPreview {
  const replies = previewReplies(snapshot, topic, locale, opts);
  return {
    telegram: replies.flatMap((r) =>
      renderTelegramReply(r).map((part) => ({
        segments: telegramSegments(part.html),
        buttons: (part.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text)),
      })),
    ),
    whatsapp: replies.flatMap((r) => whatsappMessages(r, locale)),
  };
}
