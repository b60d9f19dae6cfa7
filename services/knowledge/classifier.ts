/**
 * Free text → topic: language detection, analysis, retrieval over every topic's question
 * variants, titles and answers in all languages, and a calibrated confidence with abstention.
 *
 * The confidence is a logistic function of how strong the best match is (BM25) and how much of
 * the message the topic explains (coverage); out-of-scope signs (chit-chat, other countries,
 * unrelated subjects) lower it. A topic is returned only at or above
 * {@link ClassifierOptions.threshold}; otherwise up to three candidates may still be offered
 * as "Did you mean…".
 *
 * Example: `new TopicClassifier(topics, glossary).classify('kak poluchit golubuyu kartu')`
 * → `{ lang: 'ru', topic: 'eu-blue-card', score: 0.9, candidates: [...] }`.
 */
import { LOCALES, type Locale } from '../../bots/engine/types';
import type { Classification, TopicCandidate } from '../../bots/engine/ports';
import { analyze, analyzePieces, foldedWords, isCyrillic, latinStems, normalizeText, tokenize, type Token } from './analyze';
import { buildLanguageLexicon, detectLanguage, type LanguageLexicon } from './detect-language';
import { conceptTerm, GlossaryMatcher } from './glossary-matcher';
import { DEFAULT_INDEX_OPTIONS, RetrievalIndex, type IndexField, type IndexOptions, type RetrievalIndexState } from './retrieval-index';
import { scopeSignals, type ScopeSignals } from './scope';
import type { GlossaryEntry, TopicDoc } from './snapshot';

export interface ClassifierOptions {
  /** Minimum confidence for a topic to be returned (default 0.5). */
  threshold: number;
  /** Minimum confidence for a "Did you mean…" candidate (default 0.2). */
  candidateThreshold: number;
  index: IndexOptions;
  /** Index word pairs of question variants and titles in every language (phrases). */
  phrases: boolean;
  /** Which answer texts are indexed (at low weight): none, the core answer, or also "more" and regional parts. */
  answers: 'none' | 'core' | 'all';
  /**
   * Weights of the confidence (a logistic function): bias, coverage of the message by the topic,
   * log(1 + BM25 score), log(1 + matched information), margin over the runner-up, and the
   * penalty for an out-of-scope sign.
   */
  confidence: { bias: number; coverage: number; logScore: number; logMatched: number; margin: number; outOfScope: number };
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  threshold: 0.5,
  candidateThreshold: 0.2,
  index: DEFAULT_INDEX_OPTIONS,
  phrases: true,
  answers: 'core',
  confidence: { bias: -6, coverage: 1, logScore: 2.5, logMatched: 0, margin: 0, outOfScope: 5 },
};

/** What went into a decision, for evaluation and tuning. */
export interface ClassificationDetail extends Classification {
  features: {
    bm25: number;
    coverage: number;
    margin: number;
    second: string | null;
    /** Best topic before abstention. */
    topSlug: string | null;
    knownWords: number;
    /** Information of the message matched by the best topic, and in total. */
    matchedMass: number;
    mass: number;
    scope: ScopeSignals;
  };
}

/** The content of one topic used for retrieval. */
export interface ClassifierTopic {
  slug: string;
  content: Partial<Record<Locale, { title?: string; answer?: string; more?: string; regional?: Record<string, string>; questions?: string[] }>>;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Size of the knowledge base the confidence weights were calibrated on. */
const CALIBRATION_TOPICS = 77;

/** A built classifier as plain data (what the command-line cache stores). */
export interface ClassifierState {
  options: ClassifierOptions;
  slugs: string[];
  glossary: GlossaryEntry[];
  lexicon: [string, Locale[]][];
  scoreScale: number;
  index: RetrievalIndexState;
}

export class TopicClassifier {
  private readonly index: RetrievalIndex;
  private readonly slugs: string[];
  private readonly glossaryEntries: GlossaryEntry[];
  private readonly glossary: GlossaryMatcher;
  private readonly lexicon: LanguageLexicon;
  readonly options: ClassifierOptions;
  /**
   * Scores grow with the number of topics (rarer words weigh more). The confidence was
   * calibrated on a knowledge base of about 77 topics; scores of other sizes are rescaled to it.
   */
  private readonly scoreScale: number;

  /** Indexes the topics (question variants and titles in every language, glossary concepts). */
  constructor(topics: ClassifierTopic[], glossary?: GlossaryEntry[], options?: Partial<ClassifierOptions>);
  /** Restores a classifier from {@link TopicClassifier.state}. */
  constructor(state: ClassifierState);
  constructor(topicsOrState: ClassifierTopic[] | ClassifierState, glossary: GlossaryEntry[] = [], options: Partial<ClassifierOptions> = {}) {
    if (!Array.isArray(topicsOrState)) {
      const st = topicsOrState;
      this.options = st.options;
      this.slugs = st.slugs;
      this.glossaryEntries = st.glossary;
      this.glossary = new GlossaryMatcher(st.glossary);
      this.lexicon = new Map(st.lexicon);
      this.scoreScale = st.scoreScale;
      this.index = RetrievalIndex.fromState(st.index);
      return;
    }
    const topics = topicsOrState;
    this.options = { ...DEFAULT_CLASSIFIER_OPTIONS, ...options };
    this.slugs = topics.map((t) => t.slug);
    this.glossaryEntries = glossary;
    this.glossary = new GlossaryMatcher(glossary);
    const fields: IndexField[] = [];
    const lexiconWords: Partial<Record<Locale, string[][]>> = {};
    const phrases = this.options.phrases;
    topics.forEach((topic, i) => {
      for (const lang of LOCALES) {
        const c = topic.content?.[lang];
        if (!c) continue;
        const add = (field: IndexField['field'], text: string | undefined) => {
          if (!text || typeof text !== 'string') return;
          const pieces = tokenize(normalizeText(text));
          const folded = foldedWords(pieces);
          const terms: string[] = [];
          const bigrams = lang === 'vi' || (phrases && field !== 'answer');
          for (const tok of analyzePieces(pieces, lang, { bigrams })) for (const t of tok.terms) terms.push(t);
          for (const m of this.glossary.matchWords(folded)) terms.push(m.concept);
          fields.push({ topic: i, field, terms });
          (lexiconWords[lang] ??= []).push(folded);
        };
        add('title', c.title);
        for (const q of Array.isArray(c.questions) ? c.questions : []) add('question', q);
        if (this.options.answers !== 'none') add('answer', c.answer);
        if (this.options.answers === 'all') {
          add('answer', c.more);
          for (const r of Object.values(c.regional ?? {})) add('answer', r);
        }
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
    // keep fields grouped by topic for the index builder
    fields.sort((a, b) => a.topic - b.topic);
    this.index = RetrievalIndex.build(topics.length, fields, this.options.index);
    const rareIdf = (n: number) => Math.log(1 + (n - 1 + 0.5) / 1.5);
    this.scoreScale = rareIdf(CALIBRATION_TOPICS) / rareIdf(Math.max(2, topics.length));
    this.lexicon = buildLanguageLexicon(lexiconWords);
  }

  /** The built classifier as plain data (typed arrays shared, not copied). */
  state(): ClassifierState {
    return {
      options: this.options,
      slugs: this.slugs,
      glossary: this.glossaryEntries,
      lexicon: [...this.lexicon],
      scoreScale: this.scoreScale,
      index: this.index.state(),
    };
  }

  /** Number of distinct index terms (for diagnostics). */
  get vocabularySize(): number {
    return this.index.vocabulary.size;
  }

  /** Analyses a message as a query: detected language first, other Latin stemmers as alternatives. */
  private queryTokens(text: string, lang: Locale, scores: Record<Locale, number>): { tokens: Token[]; germanTerm: boolean } {
    // German terms occur in every language; the runner-up language covers a doubtful detection.
    const also: Locale[] = ['de'];
    let second: Locale | null = null;
    for (const l of LOCALES) if (l !== lang && l !== 'vi' && scores[l] > 0 && (second === null || scores[l] > scores[second])) second = l;
    if (second && (second !== 'ru' || !isCyrillic(text))) also.push(second);
    if (lang === 'vi' || lang === 'ru') also.push('en');
    const tokens = analyze(text, lang, { alsoLangs: also.filter((l) => l !== lang), bigrams: this.options.phrases || lang === 'vi' });
    const concepts = this.glossary.matchWords(foldedWords(tokenize(normalizeText(text))));
    for (const m of concepts) tokens.push({ surface: m.concept, terms: [m.concept], weight: 1, kind: 'concept', optional: true });
    return { tokens, germanTerm: concepts.some((c) => c.germanForm) };
  }

  /** Classifies a message, with the features behind the decision. */
  classifyDetailed(text: string, hint?: Locale): ClassificationDetail {
    const detection = detectLanguage(text, { hint, lexicon: this.lexicon });
    const lang = detection.lang;
    const { tokens, germanTerm } = this.queryTokens(text, lang, detection.scores);
    const resolved = this.index.resolve(tokens, (w) => latinStems(w, 'de'));
    const { topics, mass } = this.index.score(resolved, 4);
    // A German term anchors a message in Germany only when the message is not German anyway.
    const scope = scopeSignals(text, germanTerm && lang !== 'de');
    const knownWords = resolved.filter((r) => r.known && r.token.kind !== 'bigram' && r.token.kind !== 'concept').length;

    const top = topics[0];
    const second = topics[1];
    const bm25 = top?.score ?? 0;
    const coverage = top?.coverage ?? 0;
    const margin = top ? (bm25 - (second?.score ?? 0)) / Math.max(bm25, 1e-9) : 0;

    const w = this.options.confidence;
    const scale = this.scoreScale;
    const confidenceOf = (s: { score: number; coverage: number }, marginOf: number): number => {
      let z =
        w.bias + w.coverage * s.coverage + w.logScore * Math.log1p(s.score * scale) + w.logMatched * Math.log1p(s.coverage * mass * scale) + w.margin * marginOf;
      if (scope.offTopic.length > 0 || scope.otherCountry) z -= w.outOfScope;
      return sigmoid(z);
    };

    const candidates: TopicCandidate[] = [];
    topics.forEach((t, i) => {
      const m = i === 0 ? margin : (t.score - bm25) / Math.max(bm25, 1e-9);
      const score = confidenceOf(t, m);
      if (score >= this.options.candidateThreshold && candidates.length < 3) candidates.push({ slug: this.slugs[t.topic], score: round(score) });
    });
    candidates.sort((a, b) => b.score - a.score);
    const score = top ? round(confidenceOf(top, margin)) : 0;
    const topic = top && score >= this.options.threshold ? this.slugs[top.topic] : null;
    return {
      lang,
      topic,
      score,
      candidates,
      features: {
        bm25: round(bm25),
        coverage: round(coverage),
        margin: round(margin),
        second: second ? this.slugs[second.topic] : null,
        topSlug: top ? this.slugs[top.topic] : null,
        knownWords,
        matchedMass: round(coverage * mass),
        mass: round(mass),
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

/** A classifier over a snapshot's topics, glossary and regions. */
export function classifierFromSnapshot(
  snapshot: { topics: TopicDoc[]; glossary: GlossaryEntry[] },
  options: Partial<ClassifierOptions> = {},
): TopicClassifier {
  return new TopicClassifier(classifierTopics(snapshot.topics), snapshot.glossary ?? [], options);
}
