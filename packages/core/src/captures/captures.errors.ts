import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

export class CaptureNotFoundError extends NotFoundError {
  constructor() {
    super('Capture');
  }
}

export class CaptureAlreadyProcessedError extends ConflictError {
  constructor() {
    super('This capture has already been processed');
  }
}

export class JournalNoteTooLongError extends ValidationError {
  constructor(max: number) {
    super(`That day's morning pages would exceed ${max.toLocaleString('en')} characters`, 'into');
  }
}
