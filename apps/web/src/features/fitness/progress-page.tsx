import { zodResolver } from '@hookform/resolvers/zod';
import { type TLogBodyWeightInput, toKg, ZLogBodyWeightInput } from '@lifeos/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useId, useMemo, useState } from 'react';
import { type Resolver, useForm } from 'react-hook-form';
import { Link } from 'react-router';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { z } from 'zod';
import { Field, FormError } from '../../components/field';
import { PageHeader } from '../../components/page-header';
import { Panel } from '../../components/panel';
import { ErrorState, LoadingState, QueryState } from '../../components/states';
import { applyServerErrors } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { queryClient, trpc } from '../../lib/trpc';
import { displayWeight, formatWeight, useWeightUnit, type WeightUnit } from '../../lib/units';
import './fitness.css';
import { FitnessNav } from './fitness-nav';
import { humanize } from './format';
import { RECORD_LABELS } from './workout-summary';

const PALETTE = ['#2f6b57', '#3b82f6', '#d97706', '#b3261e', '#7c3aed', '#0891b2', '#65a30d', '#db2777', '#64748b'];
const shortDate = (d: Date) => d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/** Records and charts: estimated 1RM per exercise, weekly volume per muscle, body weight. */
export function ProgressPage() {
  const unit = useWeightUnit();
  return (
    <div className="page fitness-page">
      <PageHeader title="Progress" />
      <FitnessNav />
      <OneRepMax unit={unit} />
      <WeeklyVolume unit={unit} />
      <BodyWeight unit={unit} />
    </div>
  );
}

function OneRepMax({ unit }: { unit: WeightUnit }) {
  const records = useQuery(trpc.fitness.records.list.queryOptions());
  const [chosen, setChosen] = useState('');
  const selectId = useId();
  const exerciseId = chosen || records.data?.[0]?.exerciseId || '';
  const detail = useQuery({
    ...trpc.fitness.records.forExercise.queryOptions({ exerciseId }),
    enabled: exerciseId !== '',
  });
  const points = useMemo(
    () =>
      (detail.data?.history ?? [])
        .filter((h) => h.bestE1rmKg !== null)
        .map((h) => ({
          date: shortDate(h.date),
          e1rm: displayWeight(h.bestE1rmKg, unit),
          heaviest: displayWeight(h.heaviestKg, unit),
        })),
    [detail.data, unit],
  );
  return (
    <Panel
      title="Estimated 1RM over time"
      className="stack-lg"
      headingClassName="subheading"
      query={records}
      loading="Loading records…"
      empty={{
        when: (list) => list.length === 0,
        title: 'No records yet',
        children: (
          <p>
            Finish a <Link to="/fitness">workout</Link> with weighted sets and your records and 1RM chart show here.
          </p>
        ),
      }}
    >
      {(list) => (
        <>
          <div>
            <label htmlFor={selectId} className="small">
              Exercise
            </label>{' '}
            <select id={selectId} value={exerciseId} onChange={(e) => setChosen(e.target.value)}>
              {list.map((r) => (
                <option key={r.exerciseId} value={r.exerciseId}>
                  {r.exerciseName}
                </option>
              ))}
            </select>
          </div>
          {detail.isError ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : null}
          {detail.data ? (
            <>
              <dl className="summary-stats">
                {(['heaviestWeight', 'bestE1rm', 'bestSetVolume', 'bestSessionVolume'] as const).map((kind) => {
                  const record = detail.data.records[kind];
                  return (
                    <div key={kind}>
                      <dt>{RECORD_LABELS[kind]}</dt>
                      <dd>
                        {formatWeight(record?.valueKg, unit)}
                        {record ? <span className="small muted"> {formatDate(record.achievedAt)}</span> : null}
                      </dd>
                    </div>
                  );
                })}
              </dl>
              {points.length === 0 ? (
                <p className="muted">No sets of 1–12 reps with a weight yet, so no 1RM to estimate.</p>
              ) : (
                <figure
                  className="chart-box"
                  aria-label={`Estimated 1RM of ${detail.data.records.exerciseName} (${unit})`}
                >
                  <ResponsiveContainer width="100%" height="100%">
                    <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                      <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                      <XAxis dataKey="date" stroke="var(--text-muted)" fontSize={12} />
                      <YAxis
                        stroke="var(--text-muted)"
                        fontSize={12}
                        domain={['auto', 'auto']}
                        unit={` ${unit}`}
                        width={72}
                      />
                      <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
                      <Legend />
                      <Line
                        type="monotone"
                        dataKey="e1rm"
                        name="Estimated 1RM (Epley)"
                        stroke={PALETTE[0]}
                        strokeWidth={2}
                        dot
                        isAnimationActive={false}
                      />
                      <Line
                        type="monotone"
                        dataKey="heaviest"
                        name="Heaviest set"
                        stroke={PALETTE[1]}
                        strokeDasharray="4 3"
                        dot={false}
                        isAnimationActive={false}
                      />
                    </LineChart>
                  </ResponsiveContainer>
                </figure>
              )}
            </>
          ) : detail.isPending ? (
            <LoadingState label="Loading the history…" />
          ) : null}
        </>
      )}
    </Panel>
  );
}

function WeeklyVolume({ unit }: { unit: WeightUnit }) {
  const [weeks, setWeeks] = useState(8);
  const selectId = useId();
  const volume = useQuery(trpc.fitness.stats.weeklyVolume.queryOptions({ weeks }));
  const { rows, muscles } = useMemo(() => {
    const byWeek = new Map<string, Record<string, number | string>>();
    const muscleSet = new Set<string>();
    for (const v of volume.data ?? []) {
      muscleSet.add(v.muscle);
      const row = byWeek.get(v.weekStart) ?? { week: v.weekStart.slice(5) };
      row[v.muscle] = displayWeight(v.volumeKg, unit) ?? 0;
      byWeek.set(v.weekStart, row);
    }
    return {
      rows: [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r),
      muscles: [...muscleSet].sort(),
    };
  }, [volume.data, unit]);
  return (
    <Panel title="Weekly volume per muscle group" className="stack-lg" headingClassName="subheading">
      <div>
        <label htmlFor={selectId} className="small">
          Weeks
        </label>{' '}
        <select id={selectId} value={weeks} onChange={(e) => setWeeks(Number(e.target.value))}>
          {[4, 8, 12, 26, 52].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <QueryState query={volume} loading="Loading volume…">
        {() =>
          rows.length === 0 ? (
            <p className="muted">No working sets in the last {weeks} weeks.</p>
          ) : (
            <figure className="chart-box" aria-label={`Weekly volume per muscle (${unit} × reps)`}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                  <XAxis dataKey="week" stroke="var(--text-muted)" fontSize={12} />
                  <YAxis stroke="var(--text-muted)" fontSize={12} width={72} />
                  <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
                  <Legend formatter={(value: string) => humanize(value)} />
                  {muscles.map((m, i) => (
                    <Bar
                      key={m}
                      dataKey={m}
                      name={m}
                      stackId="v"
                      fill={PALETTE[i % PALETTE.length]}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </figure>
          )
        }
      </QueryState>
    </Panel>
  );
}

interface BodyWeightForm {
  date: string;
  weight: number | null;
}

function BodyWeight({ unit }: { unit: WeightUnit }) {
  const list = useQuery(trpc.fitness.bodyweight.list.queryOptions({}));
  const resolver = useMemo(() => {
    const schema = z.preprocess((raw) => {
      const form = raw as BodyWeightForm;
      return { date: form.date, weightKg: form.weight == null ? undefined : toKg(form.weight, unit) };
    }, ZLogBodyWeightInput) as unknown as z.ZodType<TLogBodyWeightInput, BodyWeightForm>;
    return zodResolver(schema) as Resolver<BodyWeightForm, unknown, TLogBodyWeightInput>;
  }, [unit]);
  const form = useForm<BodyWeightForm, unknown, TLogBodyWeightInput>({
    resolver,
    defaultValues: { date: format(new Date(), 'yyyy-MM-dd'), weight: null },
  });
  const log = useMutation(
    trpc.fitness.bodyweight.log.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.fitness.bodyweight.pathFilter()),
      onError: (error) => applyServerErrors(error, form.setError, ['date']),
    }),
  );
  const points = useMemo(() => {
    const sorted = [...(list.data ?? [])].sort((a, b) => a.date.localeCompare(b.date));
    return sorted.map((entry, i) => {
      const window = sorted.slice(Math.max(0, i - 6), i + 1);
      const avg = window.reduce((s, e) => s + e.weightKg, 0) / window.length;
      return {
        date: entry.date.slice(5),
        weight: displayWeight(entry.weightKg, unit),
        trend: displayWeight(avg, unit),
      };
    });
  }, [list.data, unit]);
  const errors = form.formState.errors as typeof form.formState.errors & { weightKg?: { message?: string } };
  return (
    <Panel title="Body weight" className="stack-lg" headingClassName="subheading">
      <form className="row" onSubmit={form.handleSubmit((input) => log.mutate(input))} noValidate>
        <Field label="Date" error={errors.date?.message}>
          {(props) => <input {...props} type="date" {...form.register('date')} />}
        </Field>
        <Field label={`Weight (${unit})`} error={errors.weightKg?.message ?? errors.weight?.message}>
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              {...form.register('weight', {
                setValueAs: (v) => (v === '' ? null : Number(String(v).replace(',', '.'))),
              })}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={log.isPending}>
          {log.isPending ? 'Saving…' : 'Log weight'}
        </button>
      </form>
      <FormError message={errors.root?.server?.message} />
      <QueryState query={list} loading="Loading body weight…">
        {() =>
          points.length === 0 ? (
            <p className="muted">Log your weight now and then to see its trend.</p>
          ) : (
            <figure className="chart-box" aria-label={`Body weight (${unit}) with its 7-entry average`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                  <XAxis dataKey="date" stroke="var(--text-muted)" fontSize={12} />
                  <YAxis
                    stroke="var(--text-muted)"
                    fontSize={12}
                    domain={['auto', 'auto']}
                    unit={` ${unit}`}
                    width={72}
                  />
                  <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
                  <Legend />
                  <Line
                    type="monotone"
                    dataKey="weight"
                    name="Weight"
                    stroke={PALETTE[1]}
                    dot
                    isAnimationActive={false}
                  />
                  <Line
                    type="monotone"
                    dataKey="trend"
                    name="Trend (7 entries)"
                    stroke={PALETTE[0]}
                    strokeWidth={2}
                    dot={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </figure>
          )
        }
      </QueryState>
    </Panel>
  );
}
