/**
 * Ten years of one user's training, seeded in one INSERT … SELECT generate_series per table, then read back
 * through the API: records and weekly volume must match an expectation computed here independently (in
 * TypeScript, from the same formula), and come back fast.
 */
import { epley1rm } from '@lifeos/core/schemas';
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserClient, setupOwner, startTestServer, type TestServer } from '../../test/harness.js';

const DAY = 86_400_000;
/** A session every other day for ten years, ending yesterday. */
const SESSIONS = 1826;
const EXERCISES = ['Squat (Barbell)', 'Bench Press (Barbell)', 'Deadlift (Barbell)'] as const;
const MUSCLES: Record<(typeof EXERCISES)[number], string[]> = {
  'Squat (Barbell)': ['quadriceps', 'glutes'],
  'Bench Press (Barbell)': ['chest'],
  'Deadlift (Barbell)': ['hamstrings', 'glutes', 'lower_back'],
};

let server: TestServer;
let owner: BrowserClient;
let base: Date;

// Session ids are md5-derived, with the version and variant digits of a v4 UUID (the API checks ids are UUIDs).
// The generator, once in TypeScript (for the expectation) and once in SQL (for the seed). Set 0 is a warm-up.
const weight = (i: number, k: number, j: number) => 40 + k * 20 + (i % 97) * 0.5 + j * 2.5;
const reps = (i: number, k: number, j: number) => 3 + ((i + j + k) % 10);
const startedAt = (i: number) => new Date(base.getTime() + i * 2 * DAY);

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
  const ids = Object.fromEntries(
    (await owner.client.fitness.exercises.list.query()).map((e) => [e.name, e.id] as const),
  );
  const userId = (await owner.client.auth.me.query()).id;
  const today = new Date();
  base = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 18) - SESSIONS * 2 * DAY);
  const db = server.database.db;
  const t0 = Date.now();
  await sql`
    insert into workout_sessions (id, user_id, name, started_at, finished_at)
    select overlay(overlay(md5('s' || i) placing '4' from 13) placing '8' from 17)::uuid, ${userId}, 'Session ' || i,
      ${base}::timestamptz + make_interval(days => i * 2),
      ${base}::timestamptz + make_interval(days => i * 2, hours => 1)
    from generate_series(0, ${SESSIONS - 1}) as i`.execute(db);
  await sql`
    insert into workout_sets (user_id, session_id, exercise_id, position, reps, weight_kg, set_type)
    select ${userId}, overlay(overlay(md5('s' || i) placing '4' from 13) placing '8' from 17)::uuid,
      case k when 0 then ${ids[EXERCISES[0]]}::uuid when 1 then ${ids[EXERCISES[1]]}::uuid else ${ids[EXERCISES[2]]}::uuid end,
      k * 4 + j,
      case when j = 0 then 10 else 3 + ((i + j + k) % 10) end,
      case when j = 0 then 20 else 40 + k * 20 + (i % 97) * 0.5 + j * 2.5 end,
      case when j = 0 then 'warmup' else 'normal' end
    from generate_series(0, ${SESSIONS - 1}) as i, generate_series(0, 2) as k, generate_series(0, 3) as j`.execute(db);
  // Noise that must not count: an unfinished session with a huge set.
  await sql`
    insert into workout_sessions (id, user_id, name, started_at) values ('00000000-0000-4000-8000-000000000001'::uuid, ${userId}, 'open', now())`.execute(
    db,
  );
  await sql`
    insert into workout_sets (user_id, session_id, exercise_id, position, reps, weight_kg)
    values (${userId}, '00000000-0000-4000-8000-000000000001'::uuid, ${ids[EXERCISES[0]]}::uuid, 0, 5, 900)`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  console.log(`seeded ${SESSIONS} sessions and ${SESSIONS * 12} sets in ${Date.now() - t0} ms`);
});
afterAll(() => server.close());

interface Best {
  value: number;
  at: number;
}
const better = (best: Best | undefined, value: number, at: number) =>
  !best || value > best.value || (value === best.value && at < best.at) ? { value, at } : best;

function expectedRecords() {
  const out = new Map<number, { heaviest?: Best; e1rm?: Best; setVolume?: Best; sessionVolume?: Best }>();
  for (let k = 0; k < 3; k++) out.set(k, {});
  for (let i = 0; i < SESSIONS; i++) {
    const at = startedAt(i).getTime();
    for (let k = 0; k < 3; k++) {
      const r = out.get(k) as NonNullable<ReturnType<typeof out.get>>;
      let sessionVolume = 0;
      for (let j = 1; j < 4; j++) {
        const w = weight(i, k, j);
        const n = reps(i, k, j);
        r.heaviest = better(r.heaviest, w, at);
        const e = epley1rm(w, n);
        if (e !== null) r.e1rm = better(r.e1rm, e, at);
        r.setVolume = better(r.setVolume, w * n, at);
        sessionVolume += w * n;
      }
      r.sessionVolume = better(r.sessionVolume, sessionVolume, at);
    }
  }
  return out;
}

describe('ten years of sessions', () => {
  it('records match an independent computation, and come back fast', async () => {
    const expected = expectedRecords();
    const t0 = performance.now();
    const list = await owner.client.fitness.records.list.query();
    const listMs = performance.now() - t0;
    expect(list.map((r) => r.exerciseName).sort()).toEqual([...EXERCISES].sort());
    for (const [k, name] of EXERCISES.entries()) {
      const got = list.find((r) => r.exerciseName === name);
      const want = expected.get(k);
      for (const [kind, key] of [
        ['heaviestWeight', 'heaviest'],
        ['bestE1rm', 'e1rm'],
        ['bestSetVolume', 'setVolume'],
        ['bestSessionVolume', 'sessionVolume'],
      ] as const) {
        expect({ name, kind, value: got?.[kind]?.valueKg, at: got?.[kind]?.achievedAt.getTime() }).toEqual({
          name,
          kind,
          value: want?.[key]?.value,
          at: want?.[key]?.at,
        });
      }
    }
    const t1 = performance.now();
    const squat = await owner.client.fitness.records.forExercise.query({ exerciseId: list[0]?.exerciseId as string });
    const oneMs = performance.now() - t1;
    expect(squat.history).toHaveLength(SESSIONS);
    console.log(`records.list ${listMs.toFixed(0)} ms, records.forExercise (with history) ${oneMs.toFixed(0)} ms`);
    expect(listMs).toBeLessThan(3000);
    expect(oneMs).toBeLessThan(3000);
  });

  it('weekly volume per muscle matches an independent computation over the whole window', async () => {
    const weeks = 520;
    // Monday-based weeks in UTC (the default settings), from the Monday `weeks - 1` weeks before this one.
    const mondayOf = (t: number) => {
      const d = new Date(t);
      const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return midnight - ((d.getUTCDay() + 6) % 7) * DAY;
    };
    const from = mondayOf(Date.now()) - (weeks - 1) * 7 * DAY;
    const want = new Map<string, { sets: number; volumeKg: number }>();
    for (let i = 0; i < SESSIONS; i++) {
      const at = startedAt(i).getTime();
      if (at < from) continue;
      const week = new Date(mondayOf(at)).toISOString().slice(0, 10);
      for (const [k, name] of EXERCISES.entries()) {
        for (let j = 1; j < 4; j++) {
          for (const muscle of MUSCLES[name]) {
            const entry = want.get(`${week} ${muscle}`) ?? { sets: 0, volumeKg: 0 };
            entry.sets += 1;
            entry.volumeKg += weight(i, k, j) * reps(i, k, j);
            want.set(`${week} ${muscle}`, entry);
          }
        }
      }
    }
    const t0 = performance.now();
    const got = await owner.client.fitness.stats.weeklyVolume.query({ weeks });
    const ms = performance.now() - t0;
    console.log(`stats.weeklyVolume(${weeks} weeks) ${ms.toFixed(0)} ms, ${got.length} rows`);
    expect(new Map(got.map((r) => [`${r.weekStart} ${r.muscle}`, { sets: r.sets, volumeKg: r.volumeKg }]))).toEqual(
      want,
    );
    expect(ms).toBeLessThan(3000);
    const recent = await owner.client.fitness.stats.weeklyVolume.query({ weeks: 2 });
    expect(new Set(recent.map((r) => r.weekStart)).size).toBeLessThanOrEqual(2);
  });

  it('pages through all ten years of history', async () => {
    let cursor: string | undefined;
    let count = 0;
    let pages = 0;
    do {
      const page = await owner.client.fitness.sessions.list.query({ limit: 100, ...(cursor ? { cursor } : {}) });
      count += page.items.length;
      pages++;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(count).toBe(SESSIONS + 1);
    expect(pages).toBe(Math.ceil((SESSIONS + 1) / 100));
  });
});
