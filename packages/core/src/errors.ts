/**
 * Domain errors. Services throw these; the API maps each `kind` to one HTTP/tRPC status in a single table, so
 * every caller (web, client, scripts) sees the same code for the same failure.
 */
export type AppErrorKind =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS';

export abstract class AppError extends Error {
  abstract readonly kind: AppErrorKind;
  /** The input field the error is about, so forms can show it in place. */
  readonly field?: string;
}

export class ValidationError extends AppError {
  readonly kind = 'BAD_REQUEST';
  constructor(
    message: string,
    override readonly field?: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  readonly kind = 'UNAUTHORIZED';
}

export class ForbiddenError extends AppError {
  readonly kind = 'FORBIDDEN';
}

export class NotFoundError extends AppError {
  readonly kind = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class ConflictError extends AppError {
  readonly kind = 'CONFLICT';
}

/** A wait as a person reads it: seconds under a minute, else whole minutes (rounded up). */
const waitText = (seconds: number) => (seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`);

export class RateLimitedError extends AppError {
  readonly kind = 'TOO_MANY_REQUESTS';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts — try again in ${waitText(retryAfterSeconds)}.`);
  }
}

/** The CalDAV precondition (RFC 4791 §5.3.2.1) a refused calendar object breaks, named as the DAV:error element. */
export type CalendarDataPrecondition =
  | 'valid-calendar-data'
  | 'valid-calendar-object-resource'
  | 'supported-calendar-component'
  | 'max-resource-size'
  | 'no-uid-conflict';

/**
 * A calendar object (an event or task as iCalendar text, from a CalDAV client) that Life OS cannot store, and why:
 * the message for people, the precondition for the client.
 */
export class CalendarDataError extends ValidationError {
  constructor(
    message: string,
    readonly precondition: CalendarDataPrecondition,
  ) {
    super(message);
  }
}
