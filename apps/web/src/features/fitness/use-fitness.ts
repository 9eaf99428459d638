/** Shared data hooks of the fitness pages. */
import type { TExercise, TProgram, TWorkoutSession } from '@lifeos/core/schemas';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { queryClient, trpc } from '../../lib/trpc';

/** Every exercise the user can see (archived too, so old sessions still resolve), by id. */
export function useExerciseMap() {
  const query = useQuery(trpc.fitness.exercises.list.queryOptions({ includeArchived: true }, { staleTime: 300_000 }));
  const map = useMemo(() => new Map<string, TExercise>((query.data ?? []).map((e) => [e.id, e])), [query.data]);
  return { ...query, map };
}

export type DayTargets = Map<string, TProgram['days'][number]['exercises'][number]>;

/**
 * The program day's targets (rest seconds, rep range) by exercise id. A session only knows its day's id, so the
 * day is found in the user's programs (a handful; fetched once and cached).
 */
export function useDayTargets(programDayId: string | null): DayTargets {
  const programs = useQuery({ ...trpc.fitness.programs.list.queryOptions(), enabled: programDayId !== null });
  return useQueries({
    queries: (programDayId ? (programs.data ?? []) : []).map((p) =>
      trpc.fitness.programs.get.queryOptions({ id: p.id }),
    ),
    combine: (details) => {
      const map: DayTargets = new Map();
      for (const detail of details) {
        const day = detail.data?.days.find((d) => d.id === programDayId);
        for (const e of day?.exercises ?? []) if (!map.has(e.exerciseId)) map.set(e.exerciseId, e);
      }
      return map;
    },
  });
}

/** The sets of `exerciseId` in the last finished session before this one (for "previous" beside each set). */
export function usePreviousSets(exerciseId: string, currentSessionId: string) {
  const records = useQuery(trpc.fitness.records.forExercise.queryOptions({ exerciseId }));
  const last = records.data?.history.filter((h) => h.sessionId !== currentSessionId).at(-1);
  const session = useQuery({
    ...trpc.fitness.sessions.get.queryOptions({ id: last?.sessionId ?? '' }),
    enabled: last !== undefined,
  });
  return useMemo(
    () => (session.data?.sets ?? []).filter((s) => s.exerciseId === exerciseId && s.completed),
    [session.data, exerciseId],
  );
}

/** Puts a mutation's answer (the whole session) in the cache. */
export function storeSession(session: TWorkoutSession) {
  queryClient.setQueryData(trpc.fitness.sessions.get.queryKey({ id: session.id }), session);
}

/** After a workout changes: its lists, records, stats and the next due day. */
export async function invalidateAfterWorkout() {
  await Promise.all([
    queryClient.invalidateQueries(trpc.fitness.sessions.list.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.records.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.stats.pathFilter()),
    queryClient.invalidateQueries(trpc.fitness.programs.next.pathFilter()),
  ]);
}
