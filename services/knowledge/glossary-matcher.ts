/**
 * Recognises glossary terms (German terms such as "Aufenthaltstitel", their spellings and any
 * listed translations) inside a text of any language and maps them to one concept term
 * `g:<term>`, indexed with the topics that use the term and added to messages that mention it.
 *
 * Matching is on folded word forms with room for inflection: a word matches a glossary word if
 * it equals it, or starts with it and adds at most 3 letters (Aufenthaltstitels, Kindergelda),
 * or both are long and share all but the last 2 letters of the shorter one.
 */
import { foldAccents, isCyrillic, normalizeText, tokenize } from './analyze';
import type { GlossaryEntry } from './snapshot';

interface Phrase {
  concept: string;
  words: string[];
  /** Matched through the German term or one of its spellings (not a translation). */
  german: boolean;
}

export interface ConceptMatch {
  concept: string;
  /** The text used the German form of the term, at least 7 letters long ("Kindergeld", not "visa"). */
  germanForm: boolean;
  /** Index of the first word in the tokenised text. */
  start: number;
  length: number;
}

const fold = (w: string): string => (isCyrillic(w) ? w : foldAccents(w));

function wordMatches(textWord: string, glossWord: string): boolean {
  if (textWord === glossWord) return true;
  if (glossWord.length >= 4 && textWord.startsWith(glossWord) && textWord.length - glossWord.length <= 3) return true;
  if (glossWord.length >= 7 && textWord.length >= 6) {
    const shorter = Math.min(textWord.length, glossWord.length);
    const stem = shorter - 2;
    if (stem >= 5 && textWord.slice(0, stem) === glossWord.slice(0, stem) && Math.abs(textWord.length - glossWord.length) <= 3) return true;
  }
  return false;
}

/** The concept term of a glossary entry. */
export function conceptTerm(entry: Pick<GlossaryEntry, 'term'>): string {
  return `g:${fold(normalizeText(entry.term)).replace(/[^\p{L}\p{N}]+/gu, '-')}`;
}

export class GlossaryMatcher {
  private readonly byPrefix = new Map<string, Phrase[]>();

  constructor(glossary: GlossaryEntry[]) {
    for (const entry of glossary) {
      if (!entry || typeof entry.term !== 'string') continue;
      const concept = conceptTerm(entry);
      const german = new Set<string>([entry.term, ...(entry.variants ?? [])].filter((f) => typeof f === 'string'));
      const forms = new Set<string>(german);
      for (const t of Object.values(entry.translations ?? {})) {
        for (const s of Array.isArray(t) ? t : [t]) if (typeof s === 'string') forms.add(s);
      }
      for (const form of forms) {
        if (typeof form !== 'string') continue;
        const words = tokenize(normalizeText(form)).map((p) => fold(p.word));
        if (words.length === 0 || words.join('').length < 3) continue;
        const key = words[0].slice(0, 4);
        let list = this.byPrefix.get(key);
        if (!list) this.byPrefix.set(key, (list = []));
        list.push({ concept, words, german: german.has(form) && words.join('').length >= 7 });
      }
    }
  }

  get size(): number {
    return this.byPrefix.size;
  }

  /** Concepts mentioned in already tokenised, folded words. Longest match wins at each position. */
  matchWords(words: string[]): ConceptMatch[] {
    const out: ConceptMatch[] = [];
    for (let i = 0; i < words.length; i++) {
      const list = this.byPrefix.get(words[i].slice(0, 4));
      if (!list) continue;
      let best: ConceptMatch | null = null;
      for (const p of list) {
        if (i + p.words.length > words.length) continue;
        let ok = true;
        for (let k = 0; k < p.words.length && ok; k++) ok = wordMatches(words[i + k], p.words[k]);
        if (ok && (!best || p.words.length > best.length || (p.words.length === best.length && p.german && !best.germanForm))) {
          best = { concept: p.concept, germanForm: p.german, start: i, length: p.words.length };
        }
      }
      if (best) {
        if (!out.some((m) => m.concept === best.concept)) out.push(best);
        i += best.length - 1;
      }
    }
    return out;
  }

  /** Concepts mentioned in a text. */
  match(text: string): ConceptMatch[] {
    if (this.byPrefix.size === 0) return [];
    return this.matchWords(tokenize(normalizeText(text)).map((p) => fold(p.word)));
  }
}
