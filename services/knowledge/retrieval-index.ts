/**
 * The in-memory retrieval index: BM25F over each topic's question variants and titles (full
 * weight) and its answer texts (low weight), in every language at once, with typo tolerance
 * and German compound splitting for words the index does not know.
 *
 * Plain data structures without dependencies: scoring a
 * message touches only the postings of its words, so it stays far below a millisecond.
 */
import type { Token } from './analyze';

export type FieldKind = 'question' | 'title' | 'answer';

/** A piece of content of one topic, already analysed into terms. */
export interface IndexField {
  topic: number;
  field: FieldKind;
  terms: string[];
}

export interface IndexOptions {
  k1: number;
  b: number;
  fieldWeight: Record<FieldKind, number>;
  /**
   * 'intent': a word's rarity (IDF) is counted over question variants and titles only, so a
   * name mentioned in many answers (an institution, a city) stays decisive where people ask
   * about it; words found only in answers are counted over answers. 'all': over every field.
   */
  idf: 'intent' | 'all';
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = {
  k1: 2,
  b: 0.3,
  fieldWeight: { question: 1, title: 1.5, answer: 0.25 },
  idf: 'intent',
};

/** A query word resolved against the vocabulary. */
export interface ResolvedToken {
  token: Token;
  /** Term ids with the weight of each alternative (1 exact, less for typo or compound matches). */
  alts: { id: number; w: number }[];
  /** The word's share of the message's information (for coverage). */
  mass: number;
  known: boolean;
}

export interface ScoredTopic {
  topic: number;
  score: number;
  /** Share of the message's information that this topic matches, 0..1. */
  coverage: number;
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), capped. */
export function osaDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prev2 = new Array<number>(lb + 1).fill(0);
  let prev = Array.from({ length: lb + 1 }, (_, j) => j);
  let cur = new Array<number>(lb + 1).fill(0);
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= lb; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[lb];
}

/** The part of a term that typo matching may use, or null (concepts, numbers, short words, phrases). */
function fuzzyCore(term: string): string | null {
  if (term.startsWith('g:')) return null;
  if (term.startsWith('v:')) return term.includes('_') && term.length >= 8 ? term : null;
  if (term.includes('_') || /\d/.test(term)) return null;
  return term.length >= 5 ? term : null;
}

/** FNV-1a hash of `s` with the character at `skip` left out (-1: none), without building the string. */
function deletionHash(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skip) continue;
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Everything an index consists of, as plain arrays: what the on-disk cache stores. */
export interface RetrievalIndexState {
  topicCount: number;
  terms: string[];
  idf: Float64Array;
  /** Postings of term i: entries postStart[i] .. postStart[i + 1] - 1 of postTopic / postWeight. */
  postStart: Int32Array;
  postTopic: Int32Array;
  postWeight: Float64Array;
  delHead: Int32Array;
  delNext: Int32Array;
  delKey: Uint32Array;
  delTerm: Int32Array;
  unknownMass: number;
}

export class RetrievalIndex {
  readonly topicCount: number;
  readonly vocabulary = new Map<string, number>();
  readonly terms: string[];
  readonly idf: Float64Array;
  private readonly postStart: Int32Array;
  private readonly postTopic: Int32Array;
  private readonly postWeight: Float64Array;
  /** Symmetric-deletion index for typo tolerance: hash of a term with ≤1 letter deleted → term ids (chained). */
  private readonly delHead: Int32Array;
  private readonly delNext: Int32Array;
  private readonly delKey: Uint32Array;
  private readonly delTerm: Int32Array;
  /** The mass of a word the index does not know (a name, a word of another subject). */
  readonly unknownMass: number;
  private readonly scratch: Float64Array;
  private readonly scratchCover: Float64Array;
  private readonly seenTopic: Uint8Array;
  private readonly local: Int32Array;
  private readonly total: Float64Array;
  private readonly covered: Float64Array;
  private readonly touched: Int32Array;

  private constructor(state: RetrievalIndexState) {
    this.topicCount = state.topicCount;
    this.terms = state.terms;
    for (let i = 0; i < state.terms.length; i++) this.vocabulary.set(state.terms[i], i);
    this.idf = state.idf;
    this.postStart = state.postStart;
    this.postTopic = state.postTopic;
    this.postWeight = state.postWeight;
    this.delHead = state.delHead;
    this.delNext = state.delNext;
    this.delKey = state.delKey;
    this.delTerm = state.delTerm;
    this.unknownMass = state.unknownMass;
    const n = state.topicCount;
    this.scratch = new Float64Array(n);
    this.scratchCover = new Float64Array(n);
    this.seenTopic = new Uint8Array(n);
    this.local = new Int32Array(n);
    this.total = new Float64Array(n);
    this.covered = new Float64Array(n);
    this.touched = new Int32Array(n);
  }

  /** An index restored from {@link RetrievalIndex.state}. */
  static fromState(state: RetrievalIndexState): RetrievalIndex {
    return new RetrievalIndex(state);
  }

  /** The arrays of this index (shared, not copied). */
  state(): RetrievalIndexState {
    return {
      topicCount: this.topicCount,
      terms: this.terms,
      idf: this.idf,
      postStart: this.postStart,
      postTopic: this.postTopic,
      postWeight: this.postWeight,
      delHead: this.delHead,
      delNext: this.delNext,
      delKey: this.delKey,
      delTerm: this.delTerm,
      unknownMass: this.unknownMass,
    };
  }

  /** Builds an index. `fields` must be grouped by topic (all fields of a topic together). */
  static build(topicCount: number, fields: IndexField[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): RetrievalIndex {
    const vocabulary = new Map<string, number>();
    const termList: string[] = [];
    const postT: number[][] = [];
    const postF: number[][] = [];
    const intentDf: number[] = [];
    const dl = new Float64Array(topicCount);
    // weighted term frequencies of the current topic, flushed when the topic changes
    let curTopic = -1;
    const curTf = new Map<number, number>();
    const curIntent = new Set<number>();
    const flush = () => {
      for (const [id, f] of curTf) {
        postT[id].push(curTopic);
        postF[id].push(f);
      }
      for (const id of curIntent) intentDf[id]++;
      curTf.clear();
      curIntent.clear();
    };
    for (const f of fields) {
      if (f.topic !== curTopic) {
        if (curTopic >= 0) flush();
        curTopic = f.topic;
      }
      const w = options.fieldWeight[f.field];
      const intent = f.field !== 'answer';
      for (const term of f.terms) {
        let id = vocabulary.get(term);
        if (id === undefined) {
          id = termList.length;
          vocabulary.set(term, id);
          termList.push(term);
          postT.push([]);
          postF.push([]);
          intentDf.push(0);
        }
        curTf.set(id, (curTf.get(id) ?? 0) + w);
        if (intent) curIntent.add(id);
        dl[f.topic] += w;
      }
    }
    if (curTopic >= 0) flush();

    let avgdl = 0;
    for (let t = 0; t < topicCount; t++) avgdl += dl[t];
    avgdl = avgdl / Math.max(1, topicCount) || 1;
    const { k1, b } = options;
    const n = topicCount;
    const nTerms = termList.length;
    const idfs = new Float64Array(nTerms);
    const postStart = new Int32Array(nTerms + 1);
    let total = 0;
    for (let id = 0; id < nTerms; id++) {
      postStart[id] = total;
      total += postT[id].length;
    }
    postStart[nTerms] = total;
    const postTopic = new Int32Array(total);
    const postWeight = new Float64Array(total);
    let delCount = 0;
    for (let id = 0; id < nTerms; id++) {
      const topics = postT[id];
      const freqs = postF[id];
      const df = topics.length;
      const dfIdf = options.idf === 'intent' && intentDf[id] > 0 ? intentDf[id] : df;
      const idf = Math.log(1 + (n - dfIdf + 0.5) / (dfIdf + 0.5));
      idfs[id] = idf;
      let e = postStart[id];
      for (let i = 0; i < df; i++, e++) {
        const f = freqs[i];
        postTopic[e] = topics[i];
        postWeight[e] = (idf * (f * (k1 + 1))) / (f + k1 * (1 - b + (b * dl[topics[i]]) / avgdl));
      }
      if (fuzzyCore(termList[id])) delCount += termList[id].length + 1;
    }

    let size = 1;
    while (size < delCount * 2) size <<= 1;
    const delHead = new Int32Array(size).fill(-1);
    const delNext = new Int32Array(delCount);
    const delKey = new Uint32Array(delCount);
    const delTerm = new Int32Array(delCount);
    const mask = size - 1;
    let e = 0;
    for (let id = 0; id < nTerms; id++) {
      const term = termList[id];
      if (!fuzzyCore(term)) continue;
      for (let k = -1; k < term.length; k++) {
        const h = deletionHash(term, k);
        const slot = h & mask;
        delKey[e] = h;
        delTerm[e] = id;
        delNext[e] = delHead[slot];
        delHead[slot] = e;
        e++;
      }
    }
    return new RetrievalIndex({
      topicCount,
      terms: termList,
      idf: idfs,
      postStart,
      postTopic,
      postWeight,
      delHead,
      delNext,
      delKey,
      delTerm,
      unknownMass: Math.log(1 + (n - 1 + 0.5) / 1.5) * 0.5,
    });
  }

  private addCandidates(h: number, into: Set<number>): void {
    const mask = this.delHead.length - 1;
    for (let e = this.delHead[h & mask]; e !== -1; e = this.delNext[e]) if (this.delKey[e] === h) into.add(this.delTerm[e]);
  }

  /** Vocabulary terms within a small edit distance of `term` (1, or 2 for long words). */
  fuzzy(term: string): { id: number; dist: number }[] {
    const core = fuzzyCore(term);
    if (!core) return [];
    const max = core.length >= 8 ? 2 : 1;
    const cand = new Set<number>();
    for (let k = -1; k < core.length; k++) this.addCandidates(deletionHash(core, k), cand);
    const out: { id: number; dist: number }[] = [];
    for (const id of cand) {
      const d = osaDistance(core, this.terms[id], max);
      if (d >= 1 && d <= max) out.push({ id, dist: d });
    }
    out.sort((a, b) => a.dist - b.dist || this.idf[a.id] - this.idf[b.id]);
    return out.slice(0, 3);
  }

  /** German-style compound: the longest known tail of a long unknown word (the compound's head). */
  private compoundParts(word: string, stem: (w: string) => string[]): { id: number; w: number }[] {
    if (word.length < 9 || /[^a-z]/.test(word)) return [];
    for (let p = 3; p <= word.length - 5; p++) {
      for (const s of stem(word.slice(p))) {
        const id = this.vocabulary.get(s);
        if (id !== undefined && s.length >= 4) return [{ id, w: 0.7 }];
      }
    }
    return [];
  }

  /** Resolves analysed query tokens against the vocabulary, adding typo and compound matches. */
  resolve(tokens: Token[], stemForCompounds?: (w: string) => string[]): ResolvedToken[] {
    const out: ResolvedToken[] = [];
    for (const token of tokens) {
      const alts: { id: number; w: number }[] = [];
      for (const t of token.terms) {
        const id = this.vocabulary.get(t);
        if (id !== undefined && !alts.some((a) => a.id === id)) alts.push({ id, w: 1 });
      }
      if (alts.length === 0 && token.kind === 'word') {
        for (const t of token.terms) {
          for (const f of this.fuzzy(t)) {
            if (!alts.some((a) => a.id === f.id)) alts.push({ id: f.id, w: f.dist === 1 ? 0.75 : 0.55 });
          }
        }
        if (alts.length === 0 && stemForCompounds) alts.push(...this.compoundParts(token.surface, stemForCompounds));
      }
      let mass = 0;
      for (const a of alts) mass = Math.max(mass, this.idf[a.id] * a.w);
      const known = alts.length > 0;
      if (!known) mass = token.optional || token.kind === 'number' ? 0 : this.unknownMass;
      out.push({ token, alts, mass: mass * token.weight, known });
    }
    return out;
  }

  /** Scores every topic that shares a term with the message; the best `limit`, best first. */
  score(resolved: ResolvedToken[], limit = 5): { topics: ScoredTopic[]; mass: number } {
    const { scratch, scratchCover, total, covered, touched, seenTopic, local, postStart, postTopic, postWeight } = this;
    let nTouched = 0;
    let mass = 0;
    for (const r of resolved) {
      mass += r.mass;
      if (!r.known) continue;
      let nLocal = 0;
      for (const a of r.alts) {
        const idf = this.idf[a.id] || 1e-9;
        const end = postStart[a.id + 1];
        for (let e = postStart[a.id]; e < end; e++) {
          const t = postTopic[e];
          const v = postWeight[e] * a.w;
          if (scratch[t] === 0) local[nLocal++] = t;
          if (v > scratch[t]) scratch[t] = v;
          // how fully the word is present: one question variant or title counts as fully
          const c = Math.min(1, postWeight[e] / idf) * a.w;
          if (c > scratchCover[t]) scratchCover[t] = c;
        }
      }
      for (let k = 0; k < nLocal; k++) {
        const t = local[k];
        total[t] += scratch[t] * r.token.weight;
        covered[t] += r.mass * scratchCover[t];
        scratch[t] = 0;
        scratchCover[t] = 0;
        if (!seenTopic[t]) {
          seenTopic[t] = 1;
          touched[nTouched++] = t;
        }
      }
    }
    // keep the best `limit` by insertion (limit is small)
    const best: ScoredTopic[] = [];
    for (let i = 0; i < nTouched; i++) {
      const t = touched[i];
      const sc = total[t];
      if (best.length < limit || sc > best[best.length - 1].score) {
        const item = { topic: t, score: sc, coverage: mass > 0 ? Math.min(1, covered[t] / mass) : 0 };
        let j = best.length < limit ? best.length : limit - 1;
        if (best.length < limit) best.push(item);
        while (j > 0 && best[j - 1].score < sc) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = item;
      }
      total[t] = 0;
      covered[t] = 0;
      seenTopic[t] = 0;
    }
    return { topics: best, mass };
  }
}
