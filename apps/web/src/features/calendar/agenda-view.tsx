import type { TAgendaItem, TOccurrence } from '@lifeos/core/schemas';
import { useMutation } from '@tanstack/react-query';
import { isToday } from 'date-fns';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { queryClient, trpc } from '../../lib/trpc';
import { clock, dayKey, weekdayDayMonth } from './date-labels';
import { occursOn, timeLabel } from './dates';

/** The agenda's items on a (local) day: events by their hours or dates, tasks by due date, workouts by their day. */
function itemsOn(items: TAgendaItem[], day: Date): TAgendaItem[] {
  const key = dayKey(day);
  return items.filter((item) => (item.kind === 'event' ? occursOn(item.occurrence, day) : item.date === key));
}

/** Events, tasks due (with a checkbox to complete them) and finished workouts, day by day. */
export function AgendaView({
  days,
  items,
  onSelect,
  onCreate,
}: {
  days: Date[];
  items: TAgendaItem[];
  onSelect: (o: TOccurrence) => void;
  onCreate: () => void;
}) {
  // The ticked task shows ticked at once, until the refreshed agenda leaves it out (or the call fails).
  const [ticked, setTicked] = useState<string | null>(null);
  const complete = useMutation(
    trpc.tasks.complete.mutationOptions({
      onSettled: async () => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.calendar.agenda.pathFilter()),
          queryClient.invalidateQueries(trpc.tasks.pathFilter()),
        ]);
        setTicked(null);
      },
    }),
  );
  const groups = days.map((day) => ({ day, items: itemsOn(items, day) })).filter((g) => g.items.length);
  if (groups.length === 0) {
    return (
      <EmptyState title="Nothing planned">
        <p>No events, tasks due or workouts in these 30 days.</p>
        <button type="button" className="button" onClick={onCreate}>
          Add an event
        </button>
      </EmptyState>
    );
  }
  return (
    <>
      {complete.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(complete.error)}
        </p>
      ) : null}
      <ol className="calendar-agenda" aria-label="Agenda">
        {groups.map(({ day, items: dayItems }) => (
          <li key={day.toISOString()}>
            <h3 className={isToday(day) ? 'calendar-agenda-day calendar-today' : 'calendar-agenda-day'}>
              {weekdayDayMonth(day)}
            </h3>
            <ul className="list">
              {dayItems.map((item) => (
                <li key={item.key} className={`list-item calendar-agenda-${item.kind}`}>
                  {item.kind === 'event' ? (
                    <button type="button" className="calendar-agenda-item" onClick={() => onSelect(item.occurrence)}>
                      <span className="calendar-item-time">{timeLabel(item.occurrence)}</span>
                      <span className="list-title">{item.title}</span>
                      {item.occurrence.location ? <span className="list-meta">{item.occurrence.location}</span> : null}
                    </button>
                  ) : item.kind === 'task' ? (
                    <div className="calendar-agenda-item">
                      <input
                        type="checkbox"
                        checked={ticked === item.taskId}
                        disabled={ticked !== null}
                        onChange={() => {
                          setTicked(item.taskId);
                          complete.mutate({ id: item.taskId });
                        }}
                        aria-label={`Complete ${item.title}`}
                      />
                      <span className="calendar-item-time">Due</span>
                      <Link className="list-title" to={item.link}>
                        {item.title}
                      </Link>
                    </div>
                  ) : (
                    <Link className="calendar-agenda-item" to={item.link}>
                      <span className="calendar-item-time">
                        {item.start && item.end ? `${clock(item.start)}–${clock(item.end)}` : ''}
                      </span>
                      <span className="list-title">{item.title}</span>
                      <span className="list-meta">Workout</span>
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}
