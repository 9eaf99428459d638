import type { TOccurrence } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useState } from 'react';
import { Modal } from '../../components/modal';
import { ErrorState, LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { trpc } from '../../lib/trpc';
import { localDate, timeLabel } from './dates';
import { type EditTarget, EventEditor } from './event-editor';
import { invalidateEvents } from './invalidate';

type Mode = 'view' | 'choose-edit' | 'choose-delete' | { edit: EditTarget };

/** One occurrence: what it is, and edit or delete — asking "this one or all?" when it belongs to a series. */
export function OccurrenceDetails({ occurrence, onClose }: { occurrence: TOccurrence; onClose: () => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const inSeries = occurrence.seriesId !== null && occurrence.occurrenceStart !== null;
  const readOnly = occurrence.subscriptionId !== null;
  const event = useQuery(trpc.calendar.events.get.queryOptions({ id: occurrence.eventId }));
  const series = useQuery({
    ...trpc.calendar.events.get.queryOptions({ id: occurrence.seriesId ?? occurrence.eventId }),
    enabled: inSeries,
  });
  const remove = useMutation(
    trpc.calendar.events.delete.mutationOptions({
      onSuccess: async () => {
        await invalidateEvents();
        onClose();
      },
    }),
  );

  const deleteOne = () =>
    remove.mutate(
      occurrence.detached
        ? { id: occurrence.eventId, scope: 'occurrence' }
        : { id: occurrence.eventId, scope: 'occurrence', occurrenceStart: occurrence.occurrenceStart as Date },
    );
  const deleteAll = () => remove.mutate({ id: occurrence.seriesId ?? occurrence.eventId, scope: 'series' });

  if (typeof mode === 'object') {
    return (
      <Modal
        title={mode.edit.kind === 'occurrence' ? 'Edit this occurrence' : 'Edit event'}
        onClose={onClose}
        className="calendar-dialog-wide"
      >
        <EventEditor target={mode.edit} onDone={onClose} />
      </Modal>
    );
  }

  const when = occurrence.allDay
    ? occurrence.startDate === occurrence.endDate
      ? format(localDate(occurrence.startDate as string), 'EEEE d MMMM yyyy')
      : `${format(localDate(occurrence.startDate as string), 'd MMM')} – ${format(localDate(occurrence.endDate as string), 'd MMM yyyy')}`
    : `${format(occurrence.start, 'EEEE d MMMM yyyy')}, ${timeLabel(occurrence)}`;

  const editOccurrence = () =>
    event.data &&
    setMode({
      edit: {
        kind: 'occurrence',
        event: event.data,
        occurrenceStart: occurrence.detached ? null : occurrence.occurrenceStart,
        start: occurrence.start,
        end: occurrence.end,
      },
    });
  const editSeries = () => {
    const target = inSeries ? series.data : event.data;
    if (target) setMode({ edit: { kind: 'event', event: target } });
  };

  return (
    <Modal title={occurrence.title} onClose={onClose}>
      <div className="dialog-body">
        <p>{when}</p>
        {occurrence.location ? <p>📍 {occurrence.location}</p> : null}
        {occurrence.description ? <p className="calendar-description">{occurrence.description}</p> : null}
        {inSeries ? (
          <p className="small">Part of a repeating series{occurrence.detached ? ' (changed for this day)' : ''}.</p>
        ) : null}
        {readOnly ? (
          <p className="small muted">From a subscribed calendar: read-only, it changes at its source.</p>
        ) : null}
        {event.isPending ? <LoadingState label="Loading the event…" /> : null}
        {event.isError ? <ErrorState error={event.error} /> : null}
        {remove.isError ? (
          <p className="field-error" role="alert">
            {errorMessage(remove.error)}
          </p>
        ) : null}
      </div>
      {mode === 'view' && readOnly ? (
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      ) : mode === 'view' ? (
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="button button-danger-quiet"
            onClick={() => (inSeries ? setMode('choose-delete') : deleteAll())}
            disabled={remove.isPending}
          >
            Delete
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => (inSeries ? setMode('choose-edit') : editSeries())}
            disabled={!event.data}
          >
            Edit
          </button>
        </div>
      ) : (
        <div className="dialog-actions">
          <p className="calendar-ask">
            {mode === 'choose-delete'
              ? 'Delete only this occurrence, or the whole series?'
              : 'Change only this occurrence, or the whole series?'}
          </p>
          <button type="button" className="button" onClick={() => setMode('view')} disabled={remove.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className={mode === 'choose-delete' ? 'button button-danger' : 'button'}
            onClick={mode === 'choose-delete' ? deleteOne : editOccurrence}
            disabled={remove.isPending}
          >
            Only this occurrence
          </button>
          <button
            type="button"
            className={mode === 'choose-delete' ? 'button button-danger' : 'button button-primary'}
            onClick={mode === 'choose-delete' ? deleteAll : editSeries}
            disabled={remove.isPending || (mode === 'choose-edit' && !series.data)}
          >
            All occurrences
          </button>
        </div>
      )}
    </Modal>
  );
}
