import { NotFoundError, ValidationError } from '../errors.js';

export class ProjectNotFoundError extends NotFoundError {
  constructor() {
    super('Project');
  }
}

export class TaskNotFoundError extends NotFoundError {
  constructor() {
    super('Task');
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

export class InvalidRepeatRuleError extends ValidationError {
  constructor() {
    super('That repeat rule cannot be read (try FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR)', 'rrule');
  }
}
