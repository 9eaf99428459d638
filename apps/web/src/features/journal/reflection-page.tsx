import { zodResolver } from '@hookform/resolvers/zod';
import {
  LIST_ITEM_MAX_CHARS,
  LIST_MAX_ITEMS,
  type TDailyReflectionContent,
  type TJournalEntry,
  ZDailyReflectionContent,
} from '@lifeos/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useParams } from 'react-router';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { applyServerErrors } from '../../lib/errors';
import { formatLocalDate } from '../../lib/local-date';
import { isOffline, networkStatus } from '../../lib/offline/status';
import { answerWithin, queueWrite, theOutbox } from '../../lib/outbox/writes';
import { errorCode, queryClient, trpc } from '../../lib/trpc';
import './journal.css';
import { JournalNav } from './journal-nav';
import { fromItems, ListEditor, toItems } from './list-editor';
import { useJournalDay } from './use-journal-day';

/** Form lists are `{ value }` items; each item and the list follow the API's limits. */
export const ZFormItems = z
  .array(
    z.object({ value: z.string().max(LIST_ITEM_MAX_CHARS, { error: `At most ${LIST_ITEM_MAX_CHARS} characters` }) }),
  )
  .max(LIST_MAX_ITEMS, { error: `At most ${LIST_MAX_ITEMS} items` });

const score = z.coerce.number<unknown>({ error: 'Pick a number from 1 to 5' }).pipe(ZDailyReflectionContent.shape.mood);

const ZReflectionForm = z.object({
  wins: ZFormItems,
  challenges: ZFormItems,
  gratitude: ZFormItems,
  mood: score,
  energy: score,
  tomorrowFocus: ZDailyReflectionContent.shape.tomorrowFocus,
});
type ReflectionFormInput = z.input<typeof ZReflectionForm>;

function defaults(entry: TJournalEntry | null): ReflectionFormInput {
  const content = entry?.type === 'daily_reflection' ? entry.content : null;
  return {
    wins: toItems(content?.wins.length ? content.wins : ['']),
    challenges: toItems(content?.challenges.length ? content.challenges : ['']),
    gratitude: toItems(content?.gratitude.length ? content.gratitude : ['']),
    mood: content ? String(content.mood) : '',
    energy: content ? String(content.energy) : '',
    tomorrowFocus: content?.tomorrowFocus ?? '',
  };
}

export function ReflectionPage() {
  const { date: dateParam } = useParams();
  const day = useJournalDay(dateParam);
  const entry = useQuery({
    ...trpc.journal.get.queryOptions({ type: 'daily_reflection', date: day.date ?? '' }),
    enabled: day.date !== undefined,
  });
  return (
    <div className="page journal-page">
      <PageHeader title="Daily reflection">
        {day.date ? <span className="muted">{formatLocalDate(day.date)}</span> : null}
      </PageHeader>
      <JournalNav />
      {day.error ? (
        <ErrorState error={day.error} onRetry={day.retry} />
      ) : entry.isError ? (
        <ErrorState error={entry.error} onRetry={() => void entry.refetch()} />
      ) : !day.date || entry.isPending ? (
        <LoadingState label="Loading the reflection…" />
      ) : (
        <ReflectionForm key={day.date} date={day.date} entry={entry.data} />
      )}
    </div>
  );
}

const SCALE = [1, 2, 3, 4, 5];

/** Online, how long saving waits for the server before saying the reflection is kept on the device. */
const REFLECTION_ANSWER_WAIT_MS = 8_000;

function ReflectionForm({ date, entry }: { date: string; entry: TJournalEntry | null }) {
  const form = useForm({ resolver: zodResolver(ZReflectionForm), defaultValues: defaults(entry) });
  const [saved, setSaved] = useState<'server' | 'device' | false>(false);
  // The entry's version this form builds on: the server refuses the reflection if it changed elsewhere since.
  const base = useRef<Date | null>(entry?.updatedAt ?? null);
  const [conflict, setConflict] = useState(false);
  const { errors, isSubmitting } = form.formState;
  const coalesce = `journal:daily_reflection:${date}`;

  /** After a conflict: the refused write goes; theirs is loaded, or mine is saved over theirs (on their version). */
  const resolveConflict = async (choice: 'mine' | 'theirs') => {
    const theirs = await queryClient.fetchQuery({
      ...trpc.journal.get.queryOptions({ type: 'daily_reflection', date }),
      staleTime: 0,
    });
    base.current = theirs?.updatedAt ?? null;
    const outbox = theOutbox();
    for (const write of outbox.snapshot().refused) if (write.coalesce === coalesce) await outbox.discard(write.id);
    setConflict(false);
    if (choice === 'theirs') form.reset(defaults(theirs));
    else await onSubmit();
  };

  const onSubmit = form.handleSubmit(async (values) => {
    const content: TDailyReflectionContent = {
      wins: fromItems(values.wins),
      challenges: fromItems(values.challenges),
      gratitude: fromItems(values.gratitude),
      mood: values.mood,
      energy: values.energy,
      tomorrowFocus: values.tomorrowFocus,
    };
    // Through the outbox: saved offline, it is kept on this device and sent once online (no need to wait for it).
    try {
      const write = await queueWrite(
        'journal.upsert',
        { type: 'daily_reflection', date, content, baseUpdatedAt: base.current },
        { label: `Reflection, ${formatLocalDate(date)}`, coalesce, href: `/journal/reflection/${date}` },
      );
      const answer = isOffline(networkStatus())
        ? undefined
        : await answerWithin(write, 'journal.upsert', REFLECTION_ANSWER_WAIT_MS);
      if (answer) base.current = answer.updatedAt;
      setSaved(answer ? 'server' : 'device');
    } catch (error) {
      if (errorCode(error) === 'CONFLICT') setConflict(true);
      else applyServerErrors(error, form.setError, []);
    }
  });

  return (
    <form className="form panel" onSubmit={onSubmit} onChange={() => setSaved(false)} noValidate>
      <FormError message={errors.root?.server?.message} />
      {conflict ? (
        <div className="alert alert-warning journal-conflict" role="alert">
          <p>This reflection was changed on another device since you opened it.</p>
          <div className="journal-conflict-actions">
            <button type="button" className="button button-primary" onClick={() => void resolveConflict('mine')}>
              Keep mine
            </button>
            <button type="button" className="button" onClick={() => void resolveConflict('theirs')}>
              Load theirs
            </button>
          </div>
        </div>
      ) : null}
      <ListEditor
        legend="Wins"
        itemLabel="win"
        name="wins"
        control={form.control}
        register={form.register}
        max={LIST_MAX_ITEMS}
        errors={errors.wins as never}
      />
      <ListEditor
        legend="Challenges"
        itemLabel="challenge"
        name="challenges"
        control={form.control}
        register={form.register}
        max={LIST_MAX_ITEMS}
        errors={errors.challenges as never}
      />
      <ListEditor
        legend="Grateful for"
        itemLabel="thing"
        name="gratitude"
        control={form.control}
        register={form.register}
        max={LIST_MAX_ITEMS}
        errors={errors.gratitude as never}
      />
      <div className="form-grid">
        {(['mood', 'energy'] as const).map((name) => (
          <fieldset key={name} className="field">
            <legend>{name === 'mood' ? 'Mood (1 low – 5 great)' : 'Energy (1 drained – 5 full)'}</legend>
            <div className="segmented">
              {SCALE.map((n) => (
                <label key={n} className="segmented-option">
                  <input
                    type="radio"
                    value={String(n)}
                    aria-label={`${name === 'mood' ? 'Mood' : 'Energy'} ${n}`}
                    {...form.register(name)}
                  />
                  <span aria-hidden="true">{n}</span>
                </label>
              ))}
            </div>
            {errors[name]?.message ? <p className="field-error">{errors[name]?.message}</p> : null}
          </fieldset>
        ))}
      </div>
      <Field label="Tomorrow's focus" error={errors.tomorrowFocus?.message}>
        {(props) => <input {...props} {...form.register('tomorrowFocus')} type="text" />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : 'Save reflection'}
        </button>
        <output className="form-status" aria-live="polite">
          {saved === 'server' ? 'Saved.' : saved === 'device' ? 'Saved on this device; sent once online.' : ''}
        </output>
      </div>
    </form>
  );
}
