/**
 * The interface strings: five locale files with the same keys and the same {{variables}},
 * every key the engine uses present and non-empty everywhere, no facts typed into strings,
 * and no human-language text typed into the engine's code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectIntent } from './intents';
import { LOCALES, type Locale } from './types';

const LOCALE_DIR = path.join(__dirname, 'locales');
const REFERENCE: Locale = 'en';
/** Keys built at run time (`date.month.${n}`), which a source scan cannot see. */
const DYNAMIC_KEY_PREFIXES = ['date.month.'];
/** Strings the host says, not the engine (services/handoff/person-messages.ts, checked by its own tests). */
const HOST_KEY_PREFIXES = ['handoff.'];
/** Engine files that are data (phrases people type), not interface text. */
const DATA_FILES = new Set(['phrases.ts']);

type Strings = Record<string, unknown>;

function readLocale(locale: Locale): Strings {
  return JSON.parse(fs.readFileSync(path.join(LOCALE_DIR, `${locale}.json`), 'utf8')) as Strings;
}

function flatten(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key).forEach((value, sub) => out.set(sub, value));
      else out.set(key, v);
    }
  }
  return out;
}

function variables(value: unknown): string[] {
  return typeof value === 'string' ? [...new Set([...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]))].sort() : [];
}

const strings = new Map(LOCALES.map((l) => [l, flatten(readLocale(l))]));
const reference = strings.get(REFERENCE)!;

function engineSources(): Array<{ file: string; code: string }> {
  return fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !DATA_FILES.has(f))
    .map((file) => ({
      file,
      code: fs
        .readFileSync(path.join(__dirname, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/\s\/\/ .*$/gm, ''),
    }));
}

/**
 * Keys the engine's code uses: arguments of `say('…')` and `translator.t(locale, '…')`, plus
 * any other literal shaped like a key (`'privacy.remind'` passed on to a helper).
 */
function keysUsedByEngine(): Set<string> {
  const keys = new Set<string>();
  for (const { code } of engineSources()) {
    for (const m of code.matchAll(/(?:\bsay|\.t)\(\s*(?:[A-Za-z_][\w.]*\s*,\s*)?'([^'$]+)'/g)) keys.add(m[1]);
    for (const m of code.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z0-9]+)+)'/g)) keys.add(m[1]);
  }
  return keys;
}

describe('locale files', () => {
  it.each(LOCALES)('%s has exactly the keys of en.json', (locale) => {
    const keys = [...strings.get(locale)!.keys()].sort();
    expect(keys).toEqual([...reference.keys()].sort());
  });

  it.each(LOCALES)('%s has no missing or empty string', (locale) => {
    const empty = [...strings.get(locale)!.entries()].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it.each(LOCALES)('%s uses the same {{variables}} per key as en.json', (locale) => {
    const mismatched = [...reference.entries()]
      .filter(([key, value]) => variables(value).join() !== variables(strings.get(locale)!.get(key)).join())
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('every key the engine uses exists, non-empty, in all five languages', () => {
    const used = keysUsedByEngine();
    // the scan works: it sees keys passed directly and keys passed on to helpers
    expect(used).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    for (const sample of ['menu.title', 'privacy.remind', 'stale.choice', 'language.stay', 'languageName']) {
      expect(used.has(sample)).toBe(true);
    }
    const missing: string[] = [];
    for (const key of [...used, ...reference.keys()]) {
      for (const locale of LOCALES) {
        const value = strings.get(locale)!.get(key);
        if (typeof value !== 'string' || value.trim() === '') missing.push(`${locale}:${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every string in en.json is used by the engine (no dead strings)', () => {
    const used = keysUsedByEngine();
    const unused = [...reference.keys()].filter(
      (k) => !used.has(k) && ![...DYNAMIC_KEY_PREFIXES, ...HOST_KEY_PREFIXES].some((p) => k.startsWith(p)),
    );
    expect(unused).toEqual([]);
  });

  it('all twelve month names exist (dynamic keys)', () => {
    for (let month = 1; month <= 12; month += 1) expect(reference.has(`date.month.${month}`)).toBe(true);
  });

  it.each(LOCALES)('%s types no facts: no URLs, e-mail addresses, phone numbers or figures', (locale) => {
    const offending = [...strings.get(locale)!.entries()]
      .filter(([, v]) => typeof v === 'string' && /https?:|www\.|@|\d{3,}|\+\d/.test(v.replace(/\{\{\s*\w+\s*\}\}/g, '')))
      .map(([k]) => k);
    expect(offending).toEqual([]);
  });

  it.each(LOCALES)('the delete phrase the %s notice tells people to write is understood', (locale) => {
    expect(detectIntent(String(strings.get(locale)!.get('delete.phrase')))).toEqual({ kind: 'delete' });
  });

  it.each(LOCALES)('typing the %s language name, as shown on its button, switches to it', (locale) => {
    expect(detectIntent(String(strings.get(locale)!.get('languageName')))).toEqual({ kind: 'language', locale });
  });

  it.each<[Locale, RegExp]>([
    ['ru', /(^|[^\p{L}])(ты|тебя|тебе|твой|твоя|твои|напиши|выбери)([^\p{L}]|$)/iu],
    ['de', /(^|[^\p{L}])(du|dich|dir|dein|deine|deinen|schreib|wähle)([^\p{L}]|$)/iu],
    ['es', /(^|[^\p{L}])(tú|tienes|puedes|quieres|escribe|elige|vosotros|os)([^\p{L}]|$)/iu],
  ])('%s addresses people formally', (locale, informal) => {
    const informalKeys = [...strings.get(locale)!.entries()].filter(([, v]) => informal.test(String(v))).map(([k]) => k);
    expect(informalKeys).toEqual([]);
  });

  it('Vietnamese strings are written with full diacritics', () => {
    const plain = [...strings.get('vi')!.entries()]
      .filter(([k]) => !k.startsWith('date.'))
      // strings made only of variables («{{name}} — {{helpsWith}}») have no words to check
      .filter(([, v]) => /\p{L}/u.test(String(v).replace(/\{\{\s*\w+\s*\}\}/g, '')))
      .filter(([, v]) => !/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i.test(String(v)))
      .map(([k]) => k);
    expect(plain).toEqual([]);
  });
});

describe('engine code', () => {
  it('types no human-language text: every sentence comes from the locale files or the knowledge base', () => {
    const found: string[] = [];
    for (const { file, code } of engineSources()) {
      for (const m of code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)) {
        const literal = m[0].replace(/\$\{[^}]*\}/g, ' ');
        if (/\p{L}{2,}[ \t]+\p{L}{2,}/u.test(literal)) found.push(`${file}: ${m[0]}`);
      }
    }
    expect(found).toEqual([]);
  });
});
