/**
 * Free text → topic: language detection, analysis, retrieval over every topic's question
 * variants, titles and answers in all languages, and a calibrated confidence with abstention.
 *
 * The confidence combines how much of the message the best topic explains (coverage), how
 * strong the match is (BM25) and how clearly it beats the runner-up (margin); out-of-scope
 * signs (chit-chat, other countries, unrelated subjects) lower it. A topic is returned only
 * above {@link ClassifierOptions.threshold}; otherwise up to three candidates may still be
 * offered as "Did you mean…".
 */
import { LOCALES, type Locale } from '../../bots/engine/types';
import type { Classification, TopicCandidate } from '../../bots/engine/ports';
import { analyze, analyzePieces, foldedWords, isCyrillic, latinStems, normalizeText, tokenize, type Token } from './analyze';
import { buildLanguageLexicon, detectLanguage, type LanguageLexicon } from './detect-language';
import { conceptTerm, GlossaryMatcher } from './glossary-matcher';
import { DEFAULT_INDEX_OPTIONS, RetrievalIndex, type IndexField, type IndexOptions } from './retrieval-index';
import { scopeSignals, type ScopeSignals } from './scope';
import type { GlossaryEntry, TopicDoc } from './snapshot';

export interface ClassifierOptions {
  /** Minimum confidence for a topic to be returned (default 0.5). */
  threshold: number;
  /** Minimum confidence for a "Did you mean…" candidate (default 0.2). */
  candidateThreshold: number;
  index: IndexOptions;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  threshold: 0.5,
  candidateThreshold: 0.2,
  index: DEFAULT_INDEX_OPTIONS,
};

/** What went into a decision, for evaluation and tuning. */
export interface ClassificationDetail extends Classification {
  features: {
    bm25: number;
    coverage: number;
    margin: number;
    second: string | null;
    knownWords: number;
    scope: ScopeSignals;
  };
}

/** The content of one topic used for retrieval. */
export interface ClassifierTopic {
  slug: string;
  content: Partial<Record<Locale, { title?: string; answer?: string; more?: string; regional?: Record<string, string>; questions?: string[] }>>;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class TopicClassifier {
  private readonly index: RetrievalIndex;
  private readonly slugs: string[];
  private readonly glossary: GlossaryMatcher;
  private readonly lexicon: LanguageLexicon;
  readonly options: ClassifierOptions;

  constructor(topics: ClassifierTopic[], glossary: GlossaryEntry[] = [], options: Partial<ClassifierOptions> = {}) {
    this.options = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    this.slugs = topics.map((t) => t.slug);
    this.glossary = new GlossaryMatcher(glossary);
    const fields: IndexField[] = [];
    const lexiconWords: Partial<Record<Locale, string[][]>> = {};
    topics.forEach((topic, i) => {
      for (const lang of LOCALES) {
        const c = topic.content?.[lang];
        if (!c) continue;
        const add = (field: IndexField['field'], text: string | undefined) => {
          if (!text || typeof text !== 'string') return;
          const pieces = tokenize(normalizeText(text));
          const folded = foldedWords(pieces);
          const terms: string[] = [];
          for (const tok of analyzePieces(pieces, lang)) for (const t of tok.terms) terms.push(t);
          for (const m of this.glossary.matchWords(folded)) terms.push(m.concept);
          fields.push({ topic: i, field, terms });
          (lexiconWords[lang] ??= []).push(folded);
        };
        add('title', c.title);
        for (const q of Array.isArray(c.questions) ? c.questions : []) add('question', q);
        add('answer', c.answer);
        add('answer', c.more);
        for (const r of Object.values(c.regional ?? {})) add('answer', r);
      }
    });
    // A glossary term's related topics know the term even where their texts do not use it.
    const slugIndex = new Map(this.slugs.map((s, i) => [s, i]));
    for (const entry of glossary) {
      if (!entry || typeof entry.term !== 'string') continue;
      for (const slug of Array.isArray(entry.topics) ? entry.topics : []) {
        const i = slugIndex.get(slug);
        if (i !== undefined) fields.push({ topic: i, field: 'question', terms: [conceptTerm(entry)] });
      }
    }
    this.index = new RetrievalIndex(topics.length, fields, this.options.index);
    this.lexicon = buildLanguageLexicon(lexiconWords);
  }

  /** Number of distinct index terms (for diagnostics). */
  get vocabularySize(): number {
    return this.index.vocabulary.size;
  }

  /** Analyses a message as a query: detected language first, other Latin stemmers as alternatives. */
  private queryTokens(text: string, lang: Locale, scores: Record<Locale, number>): { tokens: Token[]; concepts: number } {
    const also: Locale[] = ['de', 'es', 'en'];
    if (lang !== 'ru' && scores.ru > 0 && !isCyrillic(text)) also.push('ru');
    const tokens = analyze(text, lang, { alsoLangs: also.filter((l) => l !== lang) });
    const concepts = this.glossary.matchWords(foldedWords(tokenize(normalizeText(text))));
    for (const m of concepts) tokens.push({ surface: m.concept, terms: [m.concept], weight: 1, kind: 'concept', optional: true });
    return { tokens, concepts: concepts.length };
  }

  /** Classifies a message, with the features behind the decision. */
  classifyDetailed(text: string, hint?: Locale): ClassificationDetail {
    const detection = detectLanguage(text, { hint, lexicon: this.lexicon });
    const lang = detection.lang;
    const { tokens, concepts } = this.queryTokens(text, lang, detection.scores);
    const resolved = this.index.resolve(tokens, (w) => latinStems(w, 'de'));
    const { topics } = this.index.score(resolved, 4);
    const scope = scopeSignals(text, concepts > 0);
    const knownWords = resolved.filter((r) => r.known && r.token.kind !== 'bigram' && r.token.kind !== 'concept').length;

    const top = topics[0];
    const second = topics[1];
    const bm25 = top?.score ?? 0;
    const coverage = top?.coverage ?? 0;
    const margin = top ? (bm25 - (second?.score ?? 0)) / Math.max(bm25, 1e-9) : 0;

    const confidenceOf = (s: { score: number; coverage: number }, marginOf: number): number => {
      let z = -4.2 + 5.0 * s.coverage + 1.1 * Math.log1p(s.score) + 1.2 * marginOf;
      if (scope.offTopic.length > 0) z -= 4;
      if (scope.otherCountry) z -= 4;
      return sigmoid(z);
    };

    const candidates: TopicCandidate[] = [];
    topics.forEach((t, i) => {
      const m = i === 0 ? margin : (t.score - bm25) / Math.max(bm25, 1e-9);
      const score = confidenceOf(t, m);
      if (score >= this.options.candidateThreshold && candidates.length < 3) candidates.push({ slug: this.slugs[t.topic], score: round(score) });
    });
    const score = top ? confidenceOf(top, margin) : 0;
    const topic = top && score >= this.options.threshold ? this.slugs[top.topic] : null;
    return {
      lang,
      topic,
      score: round(score),
      candidates,
      features: {
        bm25: round(bm25),
        coverage: round(coverage),
        margin: round(margin),
        second: second ? this.slugs[second.topic] : null,
        knownWords,
        scope,
      },
    };
  }

  classify(text: string, hint?: Locale): Classification {
    const { lang, topic, score, candidates } = this.classifyDetailed(text, hint);
    return { lang, topic, score, candidates };
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The retrieval view of snapshot topics. */
export function classifierTopics(topics: TopicDoc[]): ClassifierTopic[] {
  return topics.filter((t) => t && typeof t.slug === 'string').map((t) => ({ slug: t.slug, content: t.content ?? {} }));
}
