/** A finding of the loader or the validator, naming the file and the field it is about. */
export interface Problem {
  level: 'error' | 'warning';
  /** Path relative to the knowledge-base directory, e.g. `topics/eu-blue-card.yaml`. */
  file: string;
  /** Dotted path inside the file, e.g. `content.ru.questions[3]`; '' for the whole file. */
  field: string;
  message: string;
}

/** Formats a problem as one line a person can act on: `error topics/x.yaml content.ru.answer: …`. */
export function formatProblem(p: Problem, baseDir = ''): string {
  const file = baseDir ? `${baseDir.replace(/\/$/, '')}/${p.file}` : p.file;
  return `${p.level === 'error' ? 'error  ' : 'warning'} ${file}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
}
