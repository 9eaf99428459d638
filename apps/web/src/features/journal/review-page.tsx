import { zodResolver } from '@hookform/resolvers/zod';
import {
  addCalendarDays,
  DEFAULT_LIFE_AREAS,
  LIFE_AREAS_MAX,
  LIST_MAX_ITEMS,
  type TJournalEntry,
  type TWeeklyReviewContent,
  weekStartOf,
  ZLifeAreaRating,
  ZWeeklyReviewContent,
} from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import { useParams } from 'react-router';
import { z } from 'zod';
import { FormError } from '../../components/field';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/states';
import { applyServerErrors } from '../../lib/errors';
import { formatLocalDate } from '../../lib/local-date';
import { queryClient, trpc } from '../../lib/trpc';
import { WeekFactsPanel } from '../dashboard';
import './journal.css';
import { invalidateJournalViews } from './journal-links';
import { JournalNav } from './journal-nav';
import { fromItems, ListEditor, toItems } from './list-editor';
import { ZFormItems } from './reflection-page';
import { useJournalDay } from './use-journal-day';

const ZReviewForm = z.object({
  wins: ZFormItems,
  lessons: ZFormItems,
  priorities: ZFormItems,
  ratings: z
    .array(
      z.object({
        area: ZLifeAreaRating.shape.area,
        score: z.coerce.number<unknown>({ error: 'Rate it from 1 to 10' }).pipe(ZLifeAreaRating.shape.score),
      }),
    )
    .pipe(ZWeeklyReviewContent.shape.ratings),
});
type ReviewFormInput = z.input<typeof ZReviewForm>;

function defaults(entry: TJournalEntry | null): ReviewFormInput {
  const content = entry?.type === 'weekly_review' ? entry.content : null;
  return {
    wins: toItems(content?.wins.length ? content.wins : ['']),
    lessons: toItems(content?.lessons.length ? content.lessons : ['']),
    priorities: toItems(content?.priorities.length ? content.priorities : ['']),
    ratings: content ? content.ratings : DEFAULT_LIFE_AREAS.map((area) => ({ area, score: 5 })),
  };
}

/** The weekly review of the week that holds the URL's date (this week by default), keyed by its first day. */
export function ReviewPage() {
  const { date: dateParam } = useParams();
  const day = useJournalDay(dateParam);
  const settings = useQuery(trpc.settings.get.queryOptions());
  const weekStart =
    day.date && settings.data ? weekStartOf(day.date, settings.data.weekStart) : dateParam ? undefined : day.weekStart;
  const entry = useQuery({
    ...trpc.journal.get.queryOptions({ type: 'weekly_review', date: weekStart ?? '' }),
    enabled: weekStart !== undefined,
  });
  return (
    <div className="page journal-page">
      <PageHeader title="Weekly review">
        {weekStart ? (
          <span className="muted">
            Week of {formatLocalDate(weekStart, 'short')} – {formatLocalDate(addCalendarDays(weekStart, 6), 'short')}
          </span>
        ) : null}
      </PageHeader>
      <JournalNav />
      {day.error ? (
        <ErrorState error={day.error} onRetry={day.retry} />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : entry.isError ? (
        <ErrorState error={entry.error} onRetry={() => void entry.refetch()} />
      ) : !weekStart || entry.isPending ? (
        <LoadingState label="Loading the review…" />
      ) : (
        <ReviewForm key={weekStart} date={weekStart} entry={entry.data} />
      )}
    </div>
  );
}

function ReviewForm({ date, entry }: { date: string; entry: TJournalEntry | null }) {
  const form = useForm({ resolver: zodResolver(ZReviewForm), defaultValues: defaults(entry) });
  const ratings = useFieldArray({ control: form.control, name: 'ratings' });
  const upsert = useMutation(trpc.journal.upsert.mutationOptions());
  const [saved, setSaved] = useState(false);
  const { errors, isSubmitting } = form.formState;
  const scores = form.watch('ratings');

  const onSubmit = form.handleSubmit(async (values) => {
    const content: TWeeklyReviewContent = {
      wins: fromItems(values.wins),
      lessons: fromItems(values.lessons),
      priorities: fromItems(values.priorities),
      ratings: values.ratings,
    };
    try {
      const result = await upsert.mutateAsync({ type: 'weekly_review', date, content });
      queryClient.setQueryData(trpc.journal.get.queryKey({ type: 'weekly_review', date }), result);
      void invalidateJournalViews();
      setSaved(true);
    } catch (error) {
      applyServerErrors(error, form.setError, []);
    }
  });

  const ratingsError = errors.ratings?.message ?? errors.ratings?.root?.message;
  // The week's facts join the wins (after any already written), where they can be edited like any other line.
  const insertFacts = (lines: string[]) => {
    const kept = form.getValues('wins').filter((item) => item.value.trim() !== '');
    const known = new Set(kept.map((item) => item.value.trim()));
    const added = lines.filter((line) => !known.has(line));
    form.setValue('wins', [...kept, ...toItems(added)].slice(0, LIST_MAX_ITEMS), { shouldDirty: true });
    setSaved(false);
  };
  return (
    <>
      <WeekFactsPanel weekStart={date} onInsert={insertFacts} />
      <form className="form panel" onSubmit={onSubmit} onChange={() => setSaved(false)} noValidate>
        <FormError message={errors.root?.server?.message} />
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
          legend="Lessons"
          itemLabel="lesson"
          name="lessons"
          control={form.control}
          register={form.register}
          max={LIST_MAX_ITEMS}
          errors={errors.lessons as never}
        />
        <ListEditor
          legend="Next week's priorities"
          itemLabel="priority"
          name="priorities"
          control={form.control}
          register={form.register}
          max={LIST_MAX_ITEMS}
          errors={errors.priorities as never}
        />
        <fieldset className="list-editor">
          <legend>Life areas (1–10)</legend>
          {ratings.fields.map((field, index) => (
            <div key={field.id}>
              <div className="rating-row">
                <input
                  type="text"
                  aria-label={`Life area ${index + 1}`}
                  aria-invalid={Boolean(errors.ratings?.[index]?.area)}
                  {...form.register(`ratings.${index}.area`)}
                />
                <input
                  type="range"
                  min={1}
                  max={10}
                  step={1}
                  aria-label={`Rating for ${scores?.[index]?.area || `area ${index + 1}`}`}
                  {...form.register(`ratings.${index}.score`)}
                />
                <output aria-hidden="true">{String(scores?.[index]?.score ?? '')}</output>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => ratings.remove(index)}
                  aria-label={`Remove ${scores?.[index]?.area || `area ${index + 1}`}`}
                >
                  <span aria-hidden="true">✕</span>
                </button>
              </div>
              {errors.ratings?.[index]?.area?.message ? (
                <p className="field-error">{errors.ratings[index]?.area?.message}</p>
              ) : null}
            </div>
          ))}
          {ratingsError ? <p className="field-error">{ratingsError}</p> : null}
          <div>
            <button
              type="button"
              className="button button-small"
              disabled={ratings.fields.length >= LIFE_AREAS_MAX}
              onClick={() => ratings.append({ area: '', score: 5 }, { shouldFocus: true })}
            >
              Add life area
            </button>
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={isSubmitting}>
            {isSubmitting ? 'Saving…' : 'Save review'}
          </button>
          <output className="form-status" aria-live="polite">
            {saved ? 'Saved.' : ''}
          </output>
        </div>
      </form>
    </>
  );
}
