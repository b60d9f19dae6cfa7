/**
 * An in-memory {@link KnowledgeBase} for unit tests of the dialogue engine: a handful of
 * topics, deterministic classification, no files, no database.
 *
 * Topics (content is placeholder text tagged with the locale, e.g. "[ru] …"; URLs are
 * example.org; nothing here is real advice):
 * - `eu-blue-card` (visa, answer, nationwide, has "more")
 * - `housing-search` (living, answer+refer, differs by region: regional part and institutions)
 * - `visa-refusal-remonstration` (visa, handoff)
 * - `recognition-finder` (recognition, answer)
 * - `german-courses` (language, answer)
 * The `help` category exists but has no topics.
 *
 * Classification, by keyword (case-insensitive):
 * - a topic keyword → that topic, score 0.9 (see `TOPIC_KEYWORDS`);
 * - "visa" words → no topic, four candidates (medium confidence);
 * - "work" words → no topic, one known candidate and one unknown slug;
 * - anything else → no topic, no candidates.
 * The detected language follows the script and a few marker words, else the hint.
 *
 * Regions are data: pass `regions` to add a third federal state, and every regional part
 * and institution follows.
 */
import type {
  CategoryView,
  Classification,
  InstitutionView,
  KnowledgeBase,
  RegionView,
  TopicAnswer,
  TopicSummary,
} from '../../bots/engine/ports';
import type { Locale, RegionId } from '../../bots/engine/types';

/** A region of the fake, with names per language. */
export interface FakeRegion {
  id: RegionId;
  names: Record<Locale, string>;
  aliases: string[];
  /** City of the region's (fake) Welcome Center. */
  city: string;
}

/** The two regions of the real service. */
export const FAKE_REGIONS: readonly FakeRegion[] = [
  {
    id: 'mv',
    names: {
      de: 'Mecklenburg-Vorpommern',
      en: 'Mecklenburg-Western Pomerania',
      ru: 'Мекленбург — Передняя Померания',
      vi: 'Mecklenburg-Vorpommern',
      es: 'Mecklemburgo-Pomerania Occidental',
    },
    aliases: ['mv', 'meck-pomm', 'rostock', 'schwerin'],
    city: 'Rostock',
  },
  {
    id: 'st',
    names: {
      de: 'Sachsen-Anhalt',
      en: 'Saxony-Anhalt',
      ru: 'Саксония-Анхальт',
      vi: 'Sachsen-Anhalt',
      es: 'Sajonia-Anhalt',
    },
    aliases: ['st', 'magdeburg', 'halle'],
    city: 'Magdeburg',
  },
];

interface FakeTopic {
  slug: string;
  category: string;
  mode: TopicAnswer['mode'];
  title: string;
  regionDependent: boolean;
  more: boolean;
  nationwideInstitutions: string[];
}

const TOPICS: readonly FakeTopic[] = [
  { slug: 'eu-blue-card', category: 'visa', mode: 'answer', title: 'EU Blue Card', regionDependent: false, more: true, nationwideInstitutions: [] },
  { slug: 'visa-refusal-remonstration', category: 'visa', mode: 'handoff', title: 'Visa refused', regionDependent: false, more: false, nationwideInstitutions: ['migration-counselling'] },
  { slug: 'recognition-finder', category: 'recognition', mode: 'answer', title: 'Who recognises my qualification', regionDependent: false, more: false, nationwideInstitutions: ['iq-network'] },
  { slug: 'german-courses', category: 'language', mode: 'answer', title: 'German courses', regionDependent: false, more: false, nationwideInstitutions: [] },
  { slug: 'housing-search', category: 'living', mode: 'answer+refer', title: 'Finding a flat', regionDependent: true, more: false, nationwideInstitutions: ['migration-counselling'] },
];

const CATEGORIES = ['visa', 'recognition', 'living', 'language', 'help'] as const;

/** Keywords that make a topic a confident match (score 0.9). */
export const TOPIC_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  'eu-blue-card': ['blue card', 'blaue karte', 'голуб', 'golub', 'tarjeta azul', 'thẻ xanh', 'the xanh'],
  'housing-search': ['wohnung', 'квартир', 'kvartir', 'vivienda', 'apartamento', 'nhà ở', 'nha o', 'housing', 'apartment', 'flat'],
  'visa-refusal-remonstration': ['remonstration', 'отказ', 'otkaz', 'rechaz', 'abgelehnt', 'ablehnung', 'refused', 'refusal', 'từ chối', 'tu choi'],
  'recognition-finder': ['anerkennung', 'признан', 'reconocimiento', 'công nhận', 'cong nhan', 'recognition'],
  'german-courses': ['deutschkurs', 'курс немецкого', 'curso de alemán', 'khóa học tiếng đức', 'german course'],
};

/** Words giving medium confidence: no topic, several candidates. */
export const VISA_WORDS: readonly string[] = ['visa', 'visum', 'виза', 'vizu', 'visado', 'thị thực', 'thi thuc'];
/** Words giving one known candidate plus an unknown slug (which the engine must drop). */
export const WORK_WORDS: readonly string[] = ['work', 'arbeit', 'работа', 'rabota', 'trabajo', 'việc làm', 'viec lam'];

const INSTITUTIONS: Readonly<Record<string, { name: string; region: string; city?: string; url?: string }>> = {
  'migration-counselling': { name: 'Test Migration Counselling', region: 'nationwide', url: 'https://example.org/migration-counselling' },
  'iq-network': { name: 'Test IQ Network', region: 'nationwide', url: 'https://example.org/iq' },
};

function regionalInstitution(region: FakeRegion, locale: Locale): InstitutionView {
  return {
    id: `welcome-${region.id}`,
    name: `Test Welcome Center ${region.names.de}`,
    helpsWith: `[${locale}] housing and arrival in ${region.names[locale]}`,
    city: region.city,
    region: region.id,
    // The second region's institution has no confirmed URL, like some real entries.
    ...(region.id === 'st' ? {} : { url: `https://example.org/welcome-${region.id}` }),
  };
}

function institutionView(id: string, locale: Locale): InstitutionView {
  const inst = INSTITUTIONS[id];
  return {
    id,
    name: inst.name,
    helpsWith: `[${locale}] help with ${id}`,
    region: inst.region,
    ...(inst.city ? { city: inst.city } : {}),
    ...(inst.url ? { url: inst.url } : {}),
  };
}

function includesAny(text: string, words: readonly string[]): boolean {
  return words.some((w) => text.includes(w));
}

function detectLanguage(text: string, hint?: Locale): Locale {
  const lower = text.toLowerCase();
  const words = new Set(lower.split(/[^\p{L}]+/u).filter(Boolean));
  const has = (list: string[]) => list.some((w) => words.has(w));
  if (/\p{Script=Cyrillic}/u.test(text)) return 'ru';
  if (/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/.test(lower)) return 'vi';
  if (has(['kak', 'mne', 'nuzhno', 'privet', 'skolko', 'gde'])) return 'ru';
  if (has(['toi', 'lam', 'sao', 'muon', 'xin'])) return 'vi';
  if (/[äöüß]/.test(lower) || has(['ich', 'wie', 'und', 'eine', 'bekomme', 'meine', 'wo', 'finde'])) return 'de';
  if (/[ñ¿¡áéíóú]/.test(lower) || has(['quiero', 'como', 'para', 'una', 'necesito', 'busco'])) return 'es';
  if (has(['how', 'what', 'the', 'can', 'my', 'get', 'where', 'find', 'need'])) return 'en';
  return hint ?? 'en';
}

/** Options of the fake. */
export interface FakeKnowledgeBaseOptions {
  /** The federal states (default: MV and ST). */
  regions?: readonly FakeRegion[];
}

/**
 * @example
 * const kb = createFakeKnowledgeBase();
 * kb.classify('Wie bekomme ich die Blaue Karte?').topic // 'eu-blue-card'
 */
export function createFakeKnowledgeBase(options: FakeKnowledgeBaseOptions = {}): KnowledgeBase {
  const regions = options.regions ?? FAKE_REGIONS;
  const topicBySlug = new Map(TOPICS.map((t) => [t.slug, t]));
  const title = (topic: FakeTopic, locale: Locale) => `[${locale}] ${topic.title}`;

  return {
    version: 'fake-1',

    categories(locale: Locale): CategoryView[] {
      return CATEGORIES.map((id) => ({ id, title: `[${locale}] category ${id}` }));
    },

    topics(categoryId: string, locale: Locale): TopicSummary[] {
      return TOPICS.filter((t) => t.category === categoryId).map((t) => ({
        slug: t.slug,
        category: t.category,
        title: title(t, locale),
      }));
    },

    topicTitle(slug: string, locale: Locale): string | null {
      const topic = topicBySlug.get(slug);
      return topic ? title(topic, locale) : null;
    },

    regions(locale: Locale): RegionView[] {
      return regions.map((r) => ({ id: r.id, name: r.names[locale], aliases: [...r.aliases] }));
    },

    classify(text: string, hint?: Locale): Classification {
      const lang = detectLanguage(text, hint);
      const lower = text.toLowerCase();
      for (const [slug, words] of Object.entries(TOPIC_KEYWORDS)) {
        if (includesAny(lower, words)) {
          return { lang, topic: slug, score: 0.9, candidates: [{ slug, score: 0.9 }] };
        }
      }
      if (includesAny(lower, VISA_WORDS)) {
        return {
          lang,
          topic: null,
          score: 0.45,
          candidates: [
            { slug: 'recognition-finder', score: 0.3 },
            { slug: 'eu-blue-card', score: 0.45 },
            { slug: 'german-courses', score: 0.2 },
            { slug: 'visa-refusal-remonstration', score: 0.4 },
          ],
        };
      }
      if (includesAny(lower, WORK_WORDS)) {
        return {
          lang,
          topic: null,
          score: 0.35,
          candidates: [
            { slug: 'no-such-topic', score: 0.5 },
            { slug: 'eu-blue-card', score: 0.35 },
          ],
        };
      }
      return { lang, topic: null, score: 0.05, candidates: [] };
    },

    answer(slug: string, locale: Locale, opts: { region: RegionId | null; today: string }): TopicAnswer | null {
      const topic = topicBySlug.get(slug);
      if (!topic) return null;
      const region = topic.regionDependent ? regions.find((r) => r.id === opts.region) : undefined;
      const institutions = topic.nationwideInstitutions.map((id) => institutionView(id, locale));
      if (region) institutions.push(regionalInstitution(region, locale));
      return {
        slug,
        title: title(topic, locale),
        mode: topic.mode,
        text: `[${locale}] ${topic.title}: general answer (facts valid on ${opts.today}).`,
        ...(topic.more ? { more: `[${locale}] ${topic.title}: more detail.` } : {}),
        ...(region ? { regionalText: `[${locale}] ${topic.title} in ${region.names[locale]}: regional part.` } : {}),
        regionDependent: topic.regionDependent,
        sources: [{ title: `[${locale}] Official source on ${slug}`, url: `https://example.org/sources/${slug}`, checkedOn: '2026-11-01' }],
        asOf: '2026-11-27',
        institutions,
      };
    },
  };
}
