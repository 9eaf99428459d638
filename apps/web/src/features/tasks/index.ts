/**
 * The tasks feature's public entry: what other features may use (projects list a project's tasks with these rows
 * and edit them with this form; the inbox turns a capture into a task with it). Everything else in this folder is
 * the feature's own; the tasks page is reached through the router.
 */
export { invalidateTasks, priorityLabel } from './task-bits';
export {
  EMPTY_TASK_FORM,
  NEW_PROJECT,
  projectChoice,
  repeatChoice,
  TaskForm,
  type TaskFormInput,
  type TaskFormValues,
  taskToForm,
} from './task-form';
export { TaskError, TaskLine, useToggleTask } from './task-row';
