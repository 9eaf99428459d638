import type { TCapture, TParsedCapture, TProcessCaptureInput } from '@lifeos/core/schemas';
import { localToday } from '../../lib/local-date';
import { EventForm, newEventValues } from '../calendar';

/** A local 'YYYY-MM-DD' at 'HH:mm' in this browser's zone. */
function localInstant(date: string, time: string): Date {
  const [y = 1970, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  return new Date(y, mo - 1, d, h, mi);
}

/**
 * The calendar's event form for a capture, started from what the parser read: timed from the time it names (an hour
 * long, in this browser's time zone), else all day on its date (today without one). A capture becomes one event:
 * captures.process takes no repeat rule and no notes, so the form shows neither.
 */
export function CaptureEventForm({
  capture,
  parsed,
  onClose,
  onSubmit,
}: {
  capture: TCapture;
  parsed: TParsedCapture;
  onClose: () => void;
  onSubmit: (into: TProcessCaptureInput['into']) => Promise<unknown>;
}) {
  return (
    <EventForm
      initial={newEventValues({
        title: parsed.title || capture.text,
        start: localInstant(parsed.dueDate ?? localToday(), parsed.dueTime ?? '09:00'),
        allDay: !parsed.dueTime,
      })}
      kind="single"
      notes={false}
      submitLabel="Add to calendar"
      onCancel={onClose}
      onSubmit={({ description: _notes, recurrence: _repeat, ...event }) => onSubmit({ kind: 'event', ...event })}
    />
  );
}
