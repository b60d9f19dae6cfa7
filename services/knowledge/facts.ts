/**
 * Figures that change (salary thresholds, minimum wage, fees …): the value valid on a day,
 * formatted for a language, and substitution of `{{fact:KEY}}` placeholders in answers.
 *
 * Example: with `minimum-wage-hourly` = 13.90 from 2026-01-01 and 14.60 from 2027-01-01,
 * `renderFacts('… {{fact:minimum-wage-hourly}} …', facts, 'de', '2027-01-01')` gives
 * `… 14,60 € pro Stunde …`.
 */
import type { Locale } from '../../bots/engine/types';
import type { FactDef, FactUnit, FactValue, LocalizedMap } from './snapshot';

/** `{{fact:KEY}}`, spaces inside the braces tolerated. */
export const FACT_PLACEHOLDER = /\{\{\s*fact:\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** BCP 47 tags used for number, money and date formatting per interface language. */
const INTL_TAG: Record<Locale, string> = {
  de: 'de-DE',
  en: 'en-GB',
  ru: 'ru-RU',
  vi: 'vi-VN',
  // Latin American Spanish is the voice, but euro amounts read best as "1.234 €".
  es: 'es-ES',
};

const UNIT_WORDS: Record<Locale, Record<FactUnit, string>> = {
  de: { year: 'pro Jahr', month: 'pro Monat', week: 'pro Woche', day: 'pro Tag', hour: 'pro Stunde' },
  en: { year: 'per year', month: 'per month', week: 'per week', day: 'per day', hour: 'per hour' },
  ru: { year: 'в год', month: 'в месяц', week: 'в неделю', day: 'в день', hour: 'в час' },
  vi: { year: 'mỗi năm', month: 'mỗi tháng', week: 'mỗi tuần', day: 'mỗi ngày', hour: 'mỗi giờ' },
  es: { year: 'al año', month: 'al mes', week: 'a la semana', day: 'al día', hour: 'por hora' },
};

/** The unit phrase ("per year", "в год" …) of a unit in a language. */
export function unitWord(unit: FactUnit, locale: Locale): string {
  return UNIT_WORDS[locale][unit];
}

/**
 * The entry of `values` that applies on `today` (ISO date): the latest `valid_from` that is
 * not after today. Null when every value lies in the future (or there is none).
 */
export function factValueOn(fact: FactDef, today: string): FactValue | null {
  let best: FactValue | null = null;
  for (const v of fact.values ?? []) {
    const from = String(v.valid_from);
    if (from <= today && (best === null || from >= String(best.valid_from))) best = v;
  }
  return best;
}

function pickText(value: FactValue['value'], locale: Locale): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const map = value as LocalizedMap;
  return map[locale] ?? map.en ?? map.de ?? Object.values(map)[0] ?? '';
}

/** Intl formatters are costly to build and answers format facts on every turn: keep them. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(tag: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${tag}|${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(tag, options)));
  return f;
}
function dateFormat(tag: string): Intl.DateTimeFormat {
  const key = `d|${tag}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' })));
  return f;
}

/** Formats one value of a fact for a language (money in EUR, numbers and dates localised). */
export function formatFactValue(fact: FactDef, value: FactValue['value'], locale: Locale): string {
  const tag = INTL_TAG[locale];
  let text: string;
  switch (fact.format) {
    case 'money': {
      const n = Number(value);
      const whole = Number.isInteger(n);
      text = numberFormat(tag, {
        style: 'currency',
        currency: 'EUR',
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
      }).format(n);
      break;
    }
    case 'number':
      text = numberFormat(tag, { maximumFractionDigits: 2 }).format(Number(value));
      break;
    case 'date': {
      const iso = pickText(value, locale);
      const d = new Date(`${iso}T00:00:00Z`);
      text = Number.isNaN(d.getTime()) ? iso : dateFormat(tag).format(d);
      break;
    }
    default:
      text = pickText(value, locale);
  }
  return fact.unit ? `${text} ${unitWord(fact.unit, locale)}` : text;
}

/** The formatted value of fact `key` on `today`, or null if the key is unknown or not yet valid. */
export function formatFact(facts: Record<string, FactDef>, key: string, locale: Locale, today: string): string | null {
  const fact = facts[key];
  if (!fact) return null;
  const v = factValueOn(fact, today);
  return v ? formatFactValue(fact, v.value, locale) : null;
}

/** Every fact key a text refers to, in order of appearance. */
export function factKeysIn(text: string): string[] {
  return [...text.matchAll(FACT_PLACEHOLDER)].map((m) => m[1]);
}

export interface RenderedText {
  text: string;
  /** Keys that could not be resolved (unknown, or no value valid yet); left in the text. */
  missing: string[];
}

/** Replaces every `{{fact:KEY}}` with the value valid on `today`, formatted for `locale`. */
export function renderFactsDetailed(text: string, facts: Record<string, FactDef>, locale: Locale, today: string): RenderedText {
  const missing: string[] = [];
  const out = text.replace(FACT_PLACEHOLDER, (whole, key: string) => {
    const value = formatFact(facts, key, locale, today);
    if (value === null) {
      missing.push(key);
      return whole;
    }
    return value;
  });
  return { text: out, missing };
}

/** {@link renderFactsDetailed} returning only the text. */
export function renderFacts(text: string, facts: Record<string, FactDef>, locale: Locale, today: string): string {
  return renderFactsDetailed(text, facts, locale, today).text;
}
