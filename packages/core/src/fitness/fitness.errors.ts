import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

export class ExerciseNotFoundError extends NotFoundError {
  constructor() {
    super('Exercise');
  }
}

export class ProgramNotFoundError extends NotFoundError {
  constructor() {
    super('Program');
  }
}

export class ProgramDayNotFoundError extends NotFoundError {
  constructor() {
    super('Program day');
  }
}

export class WorkoutSessionNotFoundError extends NotFoundError {
  constructor() {
    super('Workout session');
  }
}

export class WorkoutSetNotFoundError extends NotFoundError {
  constructor() {
    super('Set');
  }
}

export class ExerciseNameTakenError extends ConflictError {
  override readonly field = 'name';
  constructor() {
    super('An exercise with that name already exists');
  }
}

/** An exercise id inside a larger input (a program) that the user cannot use: a bad input, not a missing page. */
export class UnknownExerciseError extends ValidationError {
  constructor(field: string) {
    super('Unknown exercise', field);
  }
}

export class InvalidProgramOrderError extends ValidationError {
  constructor(message: string) {
    super(message, 'days');
  }
}

export class SessionAlreadyFinishedError extends ConflictError {
  constructor() {
    super('This workout is already finished');
  }
}

/** A CSV file that is no workout export Life OS reads (fitness.csv-import.ts), or too large, or empty. */
export class CsvFormatError extends ValidationError {
  constructor(message: string) {
    super(message, 'csv');
  }
}
