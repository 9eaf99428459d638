import { NotFoundError, ValidationError } from '../errors.js';

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
