import { NotFoundError, ValidationError } from '../errors.js';

export class TaskNotFoundError extends NotFoundError {
  constructor() {
    super('Task');
  }
}

export class InvalidRepeatRuleError extends ValidationError {
  /** `rrule` and what is wrong with it, when known, are named in the message. */
  constructor(rrule?: string, problem = 'cannot be read') {
    const text = rrule?.replace(/^RRULE:/i, '');
    const named = text
      ? `The repeat rule "${text.length > 120 ? `${text.slice(0, 120)}…` : text}"`
      : 'That repeat rule';
    super(`${named} ${problem} (try FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR)`, 'rrule');
  }
}
