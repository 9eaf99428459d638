import { ConflictError, ForbiddenError, UnauthorizedError } from '../errors.js';

/** The one answer for an unknown user and a wrong password alike (ASVS 6.3.8). */
export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid username or password');
  }
}

export class SessionExpiredError extends UnauthorizedError {
  constructor() {
    super('Your session has ended. Please sign in again.');
  }
}

export class SetupClosedError extends ForbiddenError {
  constructor() {
    super('Life OS is already set up. Ask the owner for an account.');
  }
}

export class UserExistsError extends ConflictError {
  constructor(override readonly field: 'username' | 'email') {
    super(field === 'username' ? 'That username is taken' : 'That email is already registered');
  }
}

export class WrongPasswordError extends ForbiddenError {
  override readonly field = 'currentPassword';
  constructor() {
    super('Current password is incorrect');
  }
}
