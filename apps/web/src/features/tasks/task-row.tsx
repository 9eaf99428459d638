import type { TTask } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/errors';
import { formatLocalDate, localToday } from '../../lib/local-date';
import { queueWrite } from '../../lib/outbox/writes';
import { queryClient, trpc } from '../../lib/trpc';
import { invalidateTasks, priorityLabel } from './task-bits';
import './tasks.css';

/** Shows the new status in every cached task list at once; the refetch after the call settles has the last word. */
function showStatus(id: string, status: TTask['status']) {
  const filter = { queryKey: trpc.tasks.list.pathKey() };
  queryClient.setQueriesData<TTask[]>(filter, (old) => old?.map((t) => (t.id === id ? { ...t, status } : t)));
}

/** Complete a task with its checkbox; unchecking puts it back to do. */
export function useToggleTask() {
  // Completing goes through the outbox (it works offline; the check shows at once, the outbox sends it).
  const complete = useMutation({
    mutationFn: (input: { id: string; title: string }) =>
      queueWrite('tasks.complete', { id: input.id }, { label: `Complete “${input.title}”`, href: '/tasks' }),
    networkMode: 'always',
  });
  const reopen = useMutation(
    trpc.tasks.update.mutationOptions({
      onMutate: ({ id }) => showStatus(id, 'todo'),
      onSettled: invalidateTasks,
    }),
  );
  return {
    toggle: (task: TTask) =>
      task.status === 'done'
        ? reopen.mutate({ id: task.id, status: 'todo' })
        : complete.mutate({ id: task.id, title: task.title }),
    pending: (task: TTask) =>
      (complete.isPending && complete.variables?.id === task.id) ||
      (reopen.isPending && reopen.variables?.id === task.id),
    error: complete.error ?? reopen.error,
  };
}

/** A task's checkbox, title and details; `children` are its row actions. */
export function TaskLine({
  task,
  toggle,
  pending,
  projectName,
  checkboxProps,
  children,
}: {
  task: TTask;
  toggle: (task: TTask) => void;
  pending: boolean;
  projectName?: string | undefined;
  checkboxProps?: Record<string, unknown>;
  children?: ReactNode;
}) {
  const done = task.status === 'done';
  const overdue = !done && task.dueDate !== null && task.dueDate < localToday();
  return (
    <>
      <input
        type="checkbox"
        className="task-check"
        checked={done}
        disabled={pending}
        aria-label={`Done: ${task.title}`}
        onChange={() => toggle(task)}
        {...checkboxProps}
      />
      <div className="list-main">
        <span className={done ? 'list-title task-done' : 'list-title'}>{task.title}</span>
        <span className="list-meta">
          {task.dueDate ? (
            <span className={overdue ? 'badge badge-warn' : 'badge'}>
              {overdue ? 'Overdue · ' : 'Due '}
              {formatLocalDate(task.dueDate, 'weekday')}
            </span>
          ) : null}
          {task.priority > 0 ? <span className="badge">!{priorityLabel(task.priority)}</span> : null}
          {task.labels.map((label) => (
            <span key={label} className="badge badge-muted">
              #{label}
            </span>
          ))}
          {projectName ? <span>{projectName}</span> : null}
          {task.rrule || task.repeatAfterDays ? <span title="Repeats">↻ repeats</span> : null}
        </span>
      </div>
      {children}
    </>
  );
}

export function TaskError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="alert alert-error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
