import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

export class JournalEntryNotFoundError extends NotFoundError {
  constructor() {
    super('Journal entry');
  }
}

export class FutureJournalDateError extends ValidationError {
  constructor(today: string) {
    super(`An entry cannot be dated after today (${today} in your time zone)`);
  }
}

export class NotWeekStartError extends ValidationError {
  constructor(date: string, weekStart: string, expected: string) {
    super(`A weekly review is dated by the first day of its week: ${date} is not a ${weekStart} (use ${expected})`);
  }
}

/** The entry changed elsewhere after the version the text was written on: the writer chooses what to keep. */
export class JournalEntryConflictError extends ConflictError {
  constructor(readonly current: Date) {
    super(`This entry was changed elsewhere (saved ${current.toISOString()}) after the version you edited`);
  }
}
