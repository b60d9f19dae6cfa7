import type { Problem } from '../knowledge/problems';

/** An editor action that cannot be done as asked; `code` maps to the HTTP status. */
export class EditorError extends Error {
  constructor(
    readonly code: 'invalid' | 'not-found' | 'conflict' | 'rejected' | 'unavailable',
    message: string,
    /** `rejected`: the validation errors that block publishing. */
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

export const EDITOR_ERROR_STATUS: Record<EditorError['code'], number> = { invalid: 400, 'not-found': 404, conflict: 409, rejected: 422, unavailable: 409 };
