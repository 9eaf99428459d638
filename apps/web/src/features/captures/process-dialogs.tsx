import type { TCapture, TProcessCaptureInput } from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Modal } from '../../components/modal';
import { ErrorState, LoadingState } from '../../components/states';
import { trpc } from '../../lib/trpc';
import { EMPTY_TASK_FORM, NEW_PROJECT, projectChoice, TaskForm, type TaskFormInput } from '../tasks';
import { ParsePreview } from './parse-preview';

type Into = TProcessCaptureInput['into'];

/** The capture's text as the quick-add parser reads it (saves nothing). */
function useParsed(capture: TCapture) {
  return useQuery({ ...trpc.captures.parse.queryOptions({ text: capture.text }), staleTime: 60_000 });
}

/** Process into a task: the form starts from what the parser proposed (title, due date, labels, priority, project). */
export function TaskProcessDialog({
  capture,
  onClose,
  onSubmit,
}: {
  capture: TCapture;
  onClose: () => void;
  onSubmit: (into: Into) => Promise<unknown>;
}) {
  const parsed = useParsed(capture);
  const projects = useQuery(trpc.projects.list.queryOptions());
  const ready = parsed.data && projects.data;
  const defaults: TaskFormInput | undefined = parsed.data
    ? {
        ...EMPTY_TASK_FORM,
        title: parsed.data.title || capture.text,
        dueDate: parsed.data.dueDate ?? '',
        labels: parsed.data.labels.join(' '),
        priority: String(parsed.data.priority ?? 0),
        project: parsed.data.project?.id ?? (parsed.data.newProjectName ? NEW_PROJECT : ''),
        newProjectName: parsed.data.newProjectName ?? '',
      }
    : undefined;
  return (
    <Modal title="Make it a task" onClose={onClose} className="dialog-wide">
      <p className="small muted capture-source">“{capture.text}”</p>
      {parsed.isError || projects.isError ? (
        <ErrorState error={parsed.error ?? projects.error} />
      ) : !ready || !defaults ? (
        <LoadingState label="Reading the capture…" />
      ) : (
        <>
          <ParsePreview parsed={parsed.data} label="Proposed from the text" />
          <TaskForm
            defaults={defaults}
            projects={projects.data.filter((p) => p.status !== 'archived')}
            allowNewProject
            submitLabel="Create task"
            onCancel={onClose}
            onSubmit={(values) =>
              onSubmit({
                kind: 'task',
                title: values.title,
                ...(values.notes.trim() ? { notes: values.notes } : {}),
                dueDate: values.dueDate || null,
                labels: values.labels,
                priority: values.priority,
                ...projectChoice(values),
              })
            }
          />
        </>
      )}
    </Modal>
  );
}

// The calendar's event form (and the date-fns it formats with) loads when an event dialog opens, not with the inbox;
// the dialog asks for it while the parser reads the capture.
const loadEventForm = () => import('./capture-event-form');
const CaptureEventForm = lazy(() => loadEventForm().then((module) => ({ default: module.CaptureEventForm })));

/** Process into a calendar event, with the calendar's event form started from what the parser read. */
export function EventProcessDialog({
  capture,
  onClose,
  onSubmit,
}: {
  capture: TCapture;
  onClose: () => void;
  onSubmit: (into: Into) => Promise<unknown>;
}) {
  const parsed = useParsed(capture);
  useEffect(() => void loadEventForm(), []);
  const reading = <LoadingState label="Reading the capture…" />;
  return (
    <Modal title="Make it an event" onClose={onClose} className="dialog-wide">
      <p className="small muted capture-source">“{capture.text}”</p>
      {parsed.isError ? (
        <ErrorState error={parsed.error} />
      ) : !parsed.data ? (
        reading
      ) : (
        <Suspense fallback={reading}>
          <CaptureEventForm capture={capture} parsed={parsed.data} onClose={onClose} onSubmit={onSubmit} />
        </Suspense>
      )}
    </Modal>
  );
}
