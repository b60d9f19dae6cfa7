/**
 * Evaluation of the classifier on labelled lines (`{"id","text","lang"?,"expected","style"?}`):
 * accuracy on in-scope lines (an acceptable topic first), abstention on out-of-scope lines
 * (`expected: null`), per language and per style, and the worst confusions.
 */
import type { Classification } from '../../bots/engine/ports';
import type { Locale } from '../../bots/engine/types';

export interface LabelledLine {
  id: string;
  text: string;
  lang?: Locale;
  expected: string[] | null;
  style?: string;
}

export interface LinePrediction {
  line: LabelledLine;
  result: Classification;
  correct: boolean;
}

export interface Rate {
  correct: number;
  total: number;
}

export interface EvalReport {
  inScope: Rate;
  outOfScope: Rate;
  /** In-scope accuracy by the line's language. */
  byLang: Record<string, Rate>;
  /** Out-of-scope abstention by the line's language. */
  abstentionByLang: Record<string, Rate>;
  byStyle: Record<string, Rate>;
  /** Detected language equals the line's language. */
  languageDetection: Rate;
  /** expected → predicted (null = abstained), most frequent first. */
  confusions: { expected: string; predicted: string; count: number; ids: string[] }[];
  predictions: LinePrediction[];
}

/** Parses JSON lines, skipping blank ones; throws with the line number on bad JSON. */
export function parseJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
  });
  return out;
}

const bump = (m: Record<string, Rate>, k: string, ok: boolean) => {
  const r = (m[k] ??= { correct: 0, total: 0 });
  r.total++;
  if (ok) r.correct++;
};

export function evaluate(lines: LabelledLine[], classify: (text: string, hint?: Locale) => Classification): EvalReport {
  const report: EvalReport = {
    inScope: { correct: 0, total: 0 },
    outOfScope: { correct: 0, total: 0 },
    byLang: {},
    abstentionByLang: {},
    byStyle: {},
    languageDetection: { correct: 0, total: 0 },
    confusions: [],
    predictions: [],
  };
  const conf = new Map<string, { expected: string; predicted: string; count: number; ids: string[] }>();
  for (const line of lines) {
    const result = classify(line.text, line.lang);
    const inScope = Array.isArray(line.expected) && line.expected.length > 0;
    const correct = inScope ? result.topic !== null && line.expected!.includes(result.topic) : result.topic === null;
    report.predictions.push({ line, result, correct });
    if (inScope) {
      report.inScope.total++;
      if (correct) report.inScope.correct++;
      bump(report.byLang, line.lang ?? '?', correct);
    } else {
      report.outOfScope.total++;
      if (correct) report.outOfScope.correct++;
      bump(report.abstentionByLang, line.lang ?? '?', correct);
    }
    bump(report.byStyle, line.style ?? '-', correct);
    if (line.lang) {
      report.languageDetection.total++;
      if (result.lang === line.lang) report.languageDetection.correct++;
    }
    if (!correct) {
      const expected = inScope ? line.expected!.join('|') : '(out of scope)';
      const predicted = result.topic ?? '(none)';
      const key = `${expected} → ${predicted}`;
      const c = conf.get(key) ?? { expected, predicted, count: 0, ids: [] };
      c.count++;
      c.ids.push(line.id);
      conf.set(key, c);
    }
  }
  report.confusions = [...conf.values()].sort((a, b) => b.count - a.count);
  return report;
}

export const rate = (r: Rate): number => (r.total === 0 ? 1 : r.correct / r.total);
const pct = (r: Rate): string => `${(rate(r) * 100).toFixed(1)} % (${r.correct}/${r.total})`;

/** A report as text for the command line. */
export function formatReport(report: EvalReport, worst = 15): string {
  const lines: string[] = [];
  lines.push(`in scope:     accuracy ${pct(report.inScope)}`);
  lines.push(`out of scope: abstention ${pct(report.outOfScope)}`);
  lines.push(`language detection: ${pct(report.languageDetection)}`);
  lines.push('', 'per language (in-scope accuracy | out-of-scope abstention):');
  const langs = new Set([...Object.keys(report.byLang), ...Object.keys(report.abstentionByLang)]);
  for (const l of [...langs].sort()) {
    const a = report.byLang[l];
    const b = report.abstentionByLang[l];
    lines.push(`  ${l.padEnd(4)} ${a ? pct(a) : '-'}  |  ${b ? pct(b) : '-'}`);
  }
  lines.push('', 'per style (all lines):');
  for (const [s, r] of Object.entries(report.byStyle).sort()) lines.push(`  ${s.padEnd(14)} ${pct(r)}`);
  if (report.confusions.length > 0) {
    lines.push('', 'worst confusions (expected → predicted):');
    for (const c of report.confusions.slice(0, worst)) lines.push(`  ${c.count}× ${c.expected} → ${c.predicted}  [${c.ids.join(', ')}]`);
  }
  return lines.join('\n');
}
