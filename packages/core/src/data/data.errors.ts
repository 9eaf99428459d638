import { ConflictError, ValidationError } from '../errors.js';

/** The document does not match the export schema; `path` names the first bad place (`journal[12].content.text`). */
export class DataImportInvalidError extends ValidationError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message, 'data');
  }
}

export class DataExportTooNewError extends ValidationError {
  constructor(version: number, supported: number) {
    super(
      `This export is version ${version}, newer than this Life OS understands (up to version ${supported}). ` +
        'Update Life OS, then import it again.',
      'data',
    );
  }
}

export class DataExportVersionUnsupportedError extends ValidationError {
  constructor(version: unknown, supported: number) {
    super(
      `Export version ${JSON.stringify(version)} cannot be imported: this Life OS reads version ${supported} ` +
        'and has no upgrade from it.',
      'data',
    );
  }
}

/** The document collides with what the account holds in a way a merge cannot settle (a unique key). */
export class DataImportConflictError extends ConflictError {}
