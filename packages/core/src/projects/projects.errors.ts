import { NotFoundError, ValidationError } from '../errors.js';

export class ProjectNotFoundError extends NotFoundError {
  constructor() {
    super('Project');
  }
}

export class ProjectHasTasksError extends ValidationError {
  constructor(count: number) {
    super(
      `This project has ${count} task${count === 1 ? '' : 's'}: choose whether to delete them or keep them without a project`,
      'tasks',
    );
  }
}
