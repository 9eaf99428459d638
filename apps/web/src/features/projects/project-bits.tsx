import type { TProgress, TProject, TProjectStatus } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Modal } from '../../components/modal';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';

export const STATUS_LABELS: Record<TProjectStatus, string> = {
  active: 'Active',
  on_hold: 'On hold',
  completed: 'Completed',
  archived: 'Archived',
};

/** "1/1 (100%)" with a bar; the text is what a screen reader hears too. */
export function ProgressBar({ progress, color }: { progress: TProgress; color?: string | null | undefined }) {
  const percent = Math.round(progress.ratio * 100);
  const text = `${progress.done}/${progress.total} (${percent}%)`;
  return (
    <div className="project-progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${progress.done} of ${progress.total} tasks done`}
      >
        <div className="progress-fill" style={{ width: `${percent}%`, ...(color ? { background: color } : {}) }} />
      </div>
      <span className="small muted progress-text">{text}</span>
    </div>
  );
}

/**
 * Deleting a project: without tasks a plain confirmation; with tasks the user chooses to delete them or keep them
 * without a project (the API requires that choice).
 */
export function DeleteProjectDialog({
  project,
  onClose,
  onDeleted,
}: {
  project: TProject;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const [tasks, setTasks] = useState<'detach' | 'delete'>('detach');
  const remove = useMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: async () => {
        onDeleted?.();
        onClose();
        await Promise.all([
          queryClient.invalidateQueries(trpc.projects.pathFilter()),
          queryClient.invalidateQueries(trpc.tasks.pathFilter()),
        ]);
      },
    }),
  );
  const count = project.progress.total;
  return (
    <Modal title={`Delete ${project.name}?`} onClose={onClose}>
      <div className="dialog-body">
        {count === 0 ? (
          <p>The project has no tasks. It will be deleted for good.</p>
        ) : (
          <fieldset className="field">
            <legend>
              It has {count} {count === 1 ? 'task' : 'tasks'}. What happens to them?
            </legend>
            <label className="checkbox-row">
              <input
                type="radio"
                name="project-tasks"
                checked={tasks === 'detach'}
                onChange={() => setTasks('detach')}
              />
              Keep them, without a project
            </label>
            <label className="checkbox-row">
              <input
                type="radio"
                name="project-tasks"
                checked={tasks === 'delete'}
                onChange={() => setTasks('delete')}
              />
              Delete them too
            </label>
          </fieldset>
        )}
        {remove.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(remove.error)}
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={remove.isPending}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(count === 0 ? { id: project.id } : { id: project.id, tasks })}
        >
          {remove.isPending ? 'Deleting…' : 'Delete project'}
        </button>
      </div>
    </Modal>
  );
}
