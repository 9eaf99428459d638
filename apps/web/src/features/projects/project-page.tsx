import { zodResolver } from '@hookform/resolvers/zod';
import { type TCreateProjectInput, type TTask, ZCreateTaskInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { formatLocalDate } from '../../lib/local-date';
import { queueWrite } from '../../lib/outbox/writes';
import { errorCode, queryClient, trpc } from '../../lib/trpc';
import {
  invalidateTasks,
  repeatChoice,
  TaskError,
  TaskForm,
  type TaskFormValues,
  TaskLine,
  taskToForm,
  useToggleTask,
} from '../tasks';
import { DeleteProjectDialog, ProgressBar, STATUS_LABELS } from './project-bits';
import { ProjectFormDialog } from './project-form';
import './projects.css';

/** One project: its progress and its tasks in manual order. */
export function ProjectPage() {
  const { projectId = '' } = useParams();
  const project = useQuery(trpc.projects.get.queryOptions({ id: projectId }));
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const update = useMutation(
    trpc.projects.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.projects.pathFilter()),
    }),
  );

  if (!project.data) {
    return (
      <div className="page tasks-page">
        <PageHeader title="Project" />
        {project.isError ? (
          errorCode(project.error) === 'NOT_FOUND' || errorCode(project.error) === 'BAD_REQUEST' ? (
            <EmptyState title="This project does not exist">
              <Link to="/projects">All projects</Link>
            </EmptyState>
          ) : (
            <ErrorState error={project.error} onRetry={() => void project.refetch()} />
          )
        ) : (
          <LoadingState label="Loading the project…" />
        )}
      </div>
    );
  }
  const p = project.data;
  const save = async (values: TCreateProjectInput) => {
    await update.mutateAsync({ id: p.id, ...values });
    setEditing(false);
  };
  return (
    <div className="page tasks-page">
      <p className="small">
        <Link to="/projects">← Projects</Link>
      </p>
      <PageHeader title={p.name}>
        <button type="button" className="button" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" className="button button-danger-quiet" onClick={() => setDeleting(true)}>
          Delete
        </button>
      </PageHeader>
      <section
        className="panel project-summary"
        aria-label="Summary"
        style={p.color ? { borderTopColor: p.color } : undefined}
      >
        <p className="list-meta">
          <span className={p.status === 'active' ? 'badge badge-accent' : 'badge'}>{STATUS_LABELS[p.status]}</span>
          {p.area ? <span className="badge">{p.area}</span> : null}
          {p.targetDate ? <span>Target {formatLocalDate(p.targetDate, 'weekday')}</span> : null}
        </p>
        {p.description ? <p className="muted project-description">{p.description}</p> : null}
        <ProgressBar progress={p.progress} color={p.color} />
      </section>
      <ProjectTasks projectId={p.id} />
      {editing ? <ProjectFormDialog project={p} onClose={() => setEditing(false)} onSubmit={save} /> : null}
      {deleting ? (
        <DeleteProjectDialog
          project={p}
          onClose={() => setDeleting(false)}
          onDeleted={() => void navigate('/projects', { replace: true })}
        />
      ) : null}
    </div>
  );
}

const ZAddTask = z.object({ title: ZCreateTaskInput.shape.title });

function AddTask({ projectId }: { projectId: string }) {
  const form = useForm({ resolver: zodResolver(ZAddTask), defaultValues: { title: '' } });
  const { errors, isSubmitting } = form.formState;
  // Through the outbox: a task added offline shows in the list at once and is sent once online.
  const submit = form.handleSubmit(async ({ title }) => {
    try {
      await queueWrite(
        'tasks.create',
        { title, projectId },
        { label: `Add “${title}”`, href: `/projects/${projectId}` },
      );
      form.reset({ title: '' });
      form.setFocus('title');
    } catch (error) {
      form.setError('title', { type: 'server', message: errorMessage(error) });
    }
  });
  return (
    <form className="add-task" onSubmit={submit} noValidate>
      <label htmlFor="add-task-title" className="visually-hidden">
        New task
      </label>
      <input
        id="add-task-title"
        placeholder="Add a task…"
        autoComplete="off"
        aria-invalid={Boolean(errors.title)}
        aria-describedby={errors.title ? 'add-task-error' : undefined}
        {...form.register('title')}
      />
      <button type="submit" className="button button-primary" disabled={isSubmitting}>
        Add task
      </button>
      {errors.title ? (
        <p id="add-task-error" className="field-error">
          {errors.title.message}
        </p>
      ) : null}
    </form>
  );
}

function ProjectTasks({ projectId }: { projectId: string }) {
  const listInput = { projectId };
  const tasks = useQuery(trpc.tasks.list.queryOptions(listInput));
  const projects = useQuery(trpc.projects.list.queryOptions());
  const { toggle, pending, error: toggleError } = useToggleTask();
  const [editing, setEditing] = useState<TTask | null>(null);
  const [deleting, setDeleting] = useState<TTask | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const refocus = useRef<{ id: string; control: string } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const reorder = useMutation(
    trpc.tasks.reorder.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.tasks.pathFilter()),
    }),
  );
  const update = useMutation(trpc.tasks.update.mutationOptions({ onSettled: invalidateTasks }));
  const remove = useMutation(
    trpc.tasks.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(null);
        await invalidateTasks();
      },
    }),
  );

  useEffect(() => {
    const target = refocus.current;
    if (!target) return;
    refocus.current = null;
    listRef.current
      ?.querySelector<HTMLElement>(`[data-task-id="${target.id}"] [data-control="${target.control}"]`)
      ?.focus();
  });

  const items = tasks.data ?? [];

  /** Moves one task and saves the whole order in one `tasks.reorder` call (optimistically shown at once). */
  const move = (from: number, to: number, control?: string) => {
    if (to < 0 || to >= items.length || from === to) return;
    const next = [...items];
    const [task] = next.splice(from, 1);
    if (!task) return;
    next.splice(to, 0, task);
    if (control) refocus.current = { id: task.id, control };
    queryClient.setQueryData(trpc.tasks.list.queryKey(listInput), next);
    reorder.mutate({ projectId, orderedIds: next.map((t) => t.id) });
  };

  const reorderKeys = (index: number, control: string) => ({
    'data-control': control,
    onKeyDown: (event: KeyboardEvent) => {
      if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
      event.preventDefault();
      move(index, event.key === 'ArrowUp' ? index - 1 : index + 1, control);
    },
  });

  const saveEdit = async (task: TTask, values: TaskFormValues) => {
    await update.mutateAsync({
      id: task.id,
      title: values.title,
      notes: values.notes.trim() ? values.notes : null,
      dueDate: values.dueDate || null,
      labels: values.labels,
      priority: values.priority,
      projectId: values.project || null,
      ...repeatChoice(values),
    });
    setEditing(null);
  };

  return (
    <section className="project-tasks" aria-labelledby="project-tasks-title">
      <h2 id="project-tasks-title" className="subheading">
        Tasks
      </h2>
      <AddTask projectId={projectId} />
      <p className="small muted keys-hint">
        Drag a task by its handle, or press <kbd className="kbd">Alt</kbd>+<kbd className="kbd">↑</kbd>/
        <kbd className="kbd">↓</kbd> on it to move it.
      </p>
      <TaskError error={toggleError ?? reorder.error} />
      {!tasks.data ? (
        tasks.isError ? (
          <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : (
          <LoadingState label="Loading tasks…" />
        )
      ) : items.length === 0 ? (
        <EmptyState title="No tasks yet">
          <p>Add the first step above.</p>
        </EmptyState>
      ) : (
        <ol ref={listRef} className="list task-list" aria-label="Tasks">
          {items.map((task, index) => (
            <li
              key={task.id}
              data-task-id={task.id}
              className={dragId === task.id ? 'list-item task-item task-dragging' : 'list-item task-item'}
              draggable
              onDragStart={(event) => {
                setDragId(task.id);
                event.dataTransfer.effectAllowed = 'move';
                event.dataTransfer.setData('text/plain', task.id);
              }}
              onDragEnd={() => setDragId(null)}
              onDragOver={(event) => {
                if (dragId) event.preventDefault();
              }}
              onDrop={(event) => {
                event.preventDefault();
                const from = items.findIndex((t) => t.id === dragId);
                setDragId(null);
                if (from >= 0) move(from, index);
              }}
            >
              <span className="drag-handle" aria-hidden="true" title="Drag to reorder">
                ⠿
              </span>
              <TaskLine task={task} toggle={toggle} pending={pending(task)} checkboxProps={reorderKeys(index, 'check')}>
                <div className="row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Move ${task.title} up`}
                    disabled={index === 0 || reorder.isPending}
                    {...reorderKeys(index, 'up')}
                    onClick={() => move(index, index - 1, 'up')}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Move ${task.title} down`}
                    disabled={index === items.length - 1 || reorder.isPending}
                    {...reorderKeys(index, 'down')}
                    onClick={() => move(index, index + 1, 'down')}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Edit ${task.title}`}
                    {...reorderKeys(index, 'edit')}
                    onClick={() => setEditing(task)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    aria-label={`Delete ${task.title}`}
                    {...reorderKeys(index, 'delete')}
                    onClick={() => setDeleting(task)}
                  >
                    Delete
                  </button>
                </div>
              </TaskLine>
            </li>
          ))}
        </ol>
      )}
      {editing ? (
        <Modal title="Edit task" onClose={() => setEditing(null)} className="dialog-wide">
          <TaskForm
            defaults={taskToForm(editing)}
            projects={projects.data?.filter((p) => p.status !== 'archived' || p.id === editing.projectId)}
            showRepeat
            submitLabel="Save task"
            onCancel={() => setEditing(null)}
            onSubmit={(values) => saveEdit(editing, values)}
          />
        </Modal>
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this task?"
        confirmLabel="Delete"
        danger
        pending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
      >
        <p>“{deleting?.title}” will be deleted for good.</p>
        {remove.isError ? <p className="field-error">{errorMessage(remove.error)}</p> : null}
      </ConfirmDialog>
    </section>
  );
}
