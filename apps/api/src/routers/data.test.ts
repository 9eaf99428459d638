import { DATA_EXPORT_SECTIONS, type TDataExport, ZDataExport } from '@lifeos/core/schemas';
import { sql } from '@lifeos/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  type BrowserClient,
  createUser,
  expectCode,
  keyClient,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

let server: TestServer;
let alice: BrowserClient;
let doc: TDataExport;
let secrets: { apiKey: string; feedUrl: string };

let users = 0;
/** A fresh, empty account with its signed-in browser. */
async function newUser() {
  users++;
  return createUser(server, {
    username: `user${users}`,
    email: `user${users}@example.com`,
    password: 'another long passphrase',
  });
}

/** Not the defaults, so a restore that ignored them would show. */
const ALICE_REMINDERS = {
  taskReminders: true,
  taskTime: '08:30',
  taskOffsetMinutes: 30,
  agendaTime: '07:00',
  quietStart: '22:00',
  quietEnd: '06:30',
  lateWindowMinutes: 120,
};

/** Fills Alice's account with data of every kind, through the API as the web app would. */
async function seed(client: BrowserClient['client']) {
  await client.settings.update.mutate({
    displayName: 'Alice',
    timezone: 'Europe/Berlin',
    weekStart: 'sunday',
    units: 'imperial',
    journalWordGoal: 500,
    theme: 'dark',
    dashboardCards: ['agenda', 'journal', 'fitness'],
  });
  await client.calendar.feed.update.mutate({ includeTasks: true });
  await client.reminders.updatePreferences.mutate(ALICE_REMINDERS);
  await client.journal.upsert.mutate({ type: 'morning_pages', date: '2026-03-01', content: { text: 'First pages.' } });
  await client.journal.upsert.mutate({ type: 'morning_pages', date: '2026-03-02', content: { text: 'Second pages.' } });
  await client.journal.upsert.mutate({
    type: 'daily_reflection',
    date: '2026-03-02',
    content: { wins: ['ran'], challenges: [], gratitude: ['tea'], mood: 4, energy: 3, tomorrowFocus: 'rest' },
  });
  await client.journal.upsert.mutate({
    type: 'weekly_review',
    date: '2026-03-01',
    content: { wins: ['a'], lessons: ['b'], priorities: ['c'], ratings: [{ area: 'health', score: 7 }] },
  });

  const own = await client.fitness.exercises.create.mutate({
    name: 'Zercher Squat',
    category: 'strength',
    primaryMuscles: ['quadriceps'],
    secondaryMuscles: ['glutes'],
    equipment: 'barbell',
  });
  const [bench] = await client.fitness.exercises.list.query({ q: 'Bench Press' });
  if (!bench?.builtIn) throw new Error('expected a built-in bench press');
  const program = await client.fitness.programs.create.mutate({
    name: 'Strength A/B',
    notes: 'Three days a week',
    days: [
      { name: 'A', exercises: [{ exerciseId: bench.id, targetSets: 3, repMin: 5, repMax: 8, targetWeightKg: 62.5 }] },
      { name: 'B', exercises: [{ exerciseId: own.id, targetSets: 4, targetRpe: 8, restSeconds: 120 }] },
    ],
  });
  const dayA = program.days[0]?.id as string;
  const session = await client.fitness.sessions.start.mutate({
    programDayId: dayA,
    startedAt: new Date('2026-03-03T17:00:00Z'),
  });
  await client.fitness.sessions.logSet.mutate({
    sessionId: session.id,
    exerciseId: own.id,
    reps: 5,
    weightKg: 102.0583,
  });
  await client.fitness.sessions.logSet.mutate({ sessionId: session.id, exerciseId: bench.id, reps: 8, rpe: 7.5 });
  await client.fitness.sessions.finish.mutate({ id: session.id, finishedAt: new Date('2026-03-03T18:00:00Z') });
  const run = await client.fitness.sessions.start.mutate({ name: 'Run', startedAt: new Date('2026-03-04T06:00:00Z') });
  const [running] = await client.fitness.exercises.list.query({ q: 'Running' });
  await client.fitness.sessions.logSet.mutate({
    sessionId: run.id,
    exerciseId: running?.id as string,
    durationS: 1800,
    distanceM: 5000.25,
  });
  await client.fitness.bodyweight.log.mutate({ date: '2026-03-01', weightKg: 80.5 });
  await client.fitness.bodyweight.log.mutate({ date: '2026-03-08', weightKg: 80.1 });

  const house = await client.projects.create.mutate({
    name: 'House',
    description: 'Paint and fix',
    color: '#aabbcc',
    area: 'home',
    targetDate: '2026-12-01',
  });
  await client.tasks.create.mutate({ title: 'Paint the hall', projectId: house.id, labels: ['diy'], priority: 2 });
  const plants = await client.tasks.create.mutate({ title: 'Water plants', repeatAfterDays: 3, dueDate: '2026-03-05' });
  await client.tasks.complete.mutate({ id: plants.id });
  await client.tasks.create.mutate({ title: 'Weekly report', rrule: 'FREQ=WEEKLY;BYDAY=FR', dueDate: '2026-03-06' });

  const milk = await client.captures.create.mutate({ text: 'Buy milk' });
  await client.captures.process.mutate({ id: milk.id, into: { kind: 'task', newProjectName: 'Errands' } });
  const dentist = await client.captures.create.mutate({ text: 'Dentist', url: 'https://dentist.example/booking' });
  await client.captures.process.mutate({
    id: dentist.id,
    into: {
      kind: 'event',
      start: new Date('2026-03-10T09:00:00Z'),
      end: new Date('2026-03-10T10:00:00Z'),
      timezone: 'Europe/Berlin',
    },
  });
  const idea = await client.captures.create.mutate({ text: 'An idea worth keeping' });
  await client.captures.process.mutate({ id: idea.id, into: { kind: 'journal', date: '2026-03-02' } });
  await client.captures.create.mutate({ text: 'Still in the inbox' });

  const standup = await client.calendar.events.create.mutate({
    title: 'Standup',
    description: 'Daily sync',
    start: new Date('2026-03-02T08:00:00Z'),
    end: new Date('2026-03-02T08:15:00Z'),
    timezone: 'Europe/Berlin',
    recurrence: { freq: 'weekly', byDay: ['MO'], count: 10 },
  });
  await client.calendar.events.update.mutate({
    id: standup.id,
    scope: 'occurrence',
    occurrenceStart: new Date('2026-03-09T08:00:00Z'),
    title: 'Standup (moved)',
    start: new Date('2026-03-09T09:00:00Z'),
    end: new Date('2026-03-09T09:15:00Z'),
  });
  await client.calendar.events.delete.mutate({
    id: standup.id,
    scope: 'occurrence',
    occurrenceStart: new Date('2026-03-16T08:00:00Z'),
  });
  await client.calendar.events.create.mutate({
    title: 'Holiday',
    allDay: true,
    startDate: '2026-07-01',
    endDate: '2026-07-14',
  });

  const { key } = await client.apiKeys.create.mutate({ name: 'backup', scope: 'write' });
  const feed = await client.calendar.feed.get.query();
  return { apiKey: key, feedUrl: feed.url };
}

type Doc = Omit<TDataExport, 'exportedAt'> & { exportedAt?: string };

/**
 * The document with every id replaced by its section and position (and references by the same labels), without
 * `exportedAt`: what must survive an import into another account unchanged.
 */
function normalise(document: TDataExport): Doc {
  const copy = structuredClone(document) as Doc;
  delete copy.exportedAt;
  const labels = new Map<string, string>();
  for (const section of DATA_EXPORT_SECTIONS) {
    copy[section].forEach((row, index) => {
      labels.set(`${section}:${row.id}`, `${section}#${index}`);
    });
  }
  const label = (section: string, id: string | null) =>
    id === null ? null : (labels.get(`${section}:${id}`) ?? `dangling ${section}`);
  const series = new Map<string, string>();
  const seriesLabel = (id: string | null) => {
    if (id === null) return null;
    if (!series.has(id)) series.set(id, `series#${series.size}`);
    return series.get(id) as string;
  };
  const exercise = (ref: { id: string } | { builtin: string }) =>
    'id' in ref ? { id: label('exercises', ref.id) as string } : ref;
  const kinds = { task: 'tasks', event: 'events', journal: 'journal' } as const;
  for (const section of DATA_EXPORT_SECTIONS) {
    for (const row of copy[section] as { id: string }[]) {
      const r = row as Record<string, unknown>;
      if ('programId' in r) r.programId = label('programs', r.programId as string);
      if ('programDayId' in r) r.programDayId = label('programDays', r.programDayId as string | null);
      if ('sessionId' in r) r.sessionId = label('workoutSessions', r.sessionId as string);
      if ('exercise' in r) r.exercise = exercise(r.exercise as { id: string });
      if ('projectId' in r) r.projectId = label('projects', r.projectId as string | null);
      if ('sourceCaptureId' in r) r.sourceCaptureId = label('captures', r.sourceCaptureId as string | null);
      if (section === 'tasks') r.seriesId = seriesLabel(r.seriesId as string | null);
      if (section === 'events') r.seriesId = label('events', r.seriesId as string | null);
      if (section === 'captures' && r.processedIntoKind) {
        r.processedIntoId = label(kinds[r.processedIntoKind as keyof typeof kinds], r.processedIntoId as string);
      }
      row.id = label(section, row.id) as string;
    }
  }
  return copy;
}

function counts(document: TDataExport) {
  return Object.fromEntries(DATA_EXPORT_SECTIONS.map((section) => [section, document[section].length]));
}

beforeAll(async () => {
  server = await startTestServer();
  alice = await setupOwner(server);
  secrets = await seed(alice.client);
  doc = await alice.client.data.export.query();
});
afterAll(() => server.close());

describe('data.export', () => {
  it('holds every kind of data, matches the published schema and the seeded rows', () => {
    expect(ZDataExport.safeParse(doc).success).toBe(true);
    expect(doc).toMatchObject({ format: 'lifeos-export', version: 1 });
    expect(doc.settings).toEqual({
      displayName: 'Alice',
      timezone: 'Europe/Berlin',
      weekStart: 'sunday',
      units: 'imperial',
      journalWordGoal: 500,
      theme: 'dark',
      icsFeedIncludeTasks: true,
      dashboardCards: ['agenda', 'journal', 'fitness'],
      reminders: ALICE_REMINDERS,
    });
    expect(counts(doc)).toEqual({
      journal: 4,
      exercises: 1,
      programs: 1,
      programDays: 2,
      programExercises: 2,
      workoutSessions: 2,
      workoutSets: 3,
      bodyWeights: 2,
      projects: 2,
      tasks: 5,
      captures: 4,
      events: 4, // the series, its moved occurrence, the holiday, the dentist
    });
  });

  it('keeps numbers as numbers and built-in exercises by name', () => {
    const sets = doc.workoutSets;
    expect(sets.some((s) => s.weightKg === 102.0583 && 'id' in s.exercise)).toBe(true);
    expect(sets.some((s) => s.distanceM === 5000.25 && 'builtin' in s.exercise)).toBe(true);
    expect(doc.programExercises.map((e) => e.exercise)).toContainEqual({ builtin: expect.stringMatching(/bench/i) });
    expect(doc.bodyWeights.map((b) => b.weightKg)).toEqual([80.5, 80.1]);
  });

  it('contains no secret', async () => {
    const text = JSON.stringify(doc);
    const token = new URL(secrets.feedUrl).pathname
      .split('/')
      .pop()
      ?.replace(/\.ics$/, '') as string;
    expect(token.length).toBeGreaterThan(10);
    for (const secret of ['$argon2', secrets.apiKey.slice(0, 14), token, 'passwordHash', 'tokenHash', 'Nonce']) {
      expect(text).not.toContain(secret);
    }
    // Not even the user's own login names: the document restores into any account.
    expect(text).not.toContain('owner@example.com');
  });
});

describe('data.import', () => {
  it('round-trips: export, replace into an empty account, export again gives the same document', async () => {
    const bob = await newUser();
    const report = await bob.client.data.import.mutate({ data: doc, mode: 'replace' });
    expect(report.failuresTotal).toBe(0);
    expect(report.counts.journal).toEqual({ created: 4, updated: 0, skipped: 0, failed: 0 });
    expect(report.counts.workoutSets.created).toBe(doc.workoutSets.length);
    expect(report.counts.settings.updated).toBe(1);
    const again = await bob.client.data.export.query();
    expect(normalise(again)).toEqual(normalise(doc));
    expect(await bob.client.reminders.preferences.query()).toEqual(ALICE_REMINDERS);
    // New ids: an import never reuses the document's.
    expect(again.journal.map((e) => e.id)).not.toContain(doc.journal[0]?.id);
    // Derived values are recomputed as the modules compute them.
    const pages = await bob.client.journal.get.query({ type: 'morning_pages', date: '2026-03-01' });
    expect(pages?.wordCount).toBe(2);
    const week = (
      await bob.client.calendar.events.list.query({
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-03-31T00:00:00Z'),
      })
    ).items;
    expect(week.map((o) => o.title).sort()).toEqual(
      // Mondays 2, 9 (moved), 16 (deleted), 23 and 30.
      ['Dentist', 'Standup', 'Standup (moved)', 'Standup', 'Standup'].sort(),
    );
  });

  it('leaves planner statistics that count the imported rows', async () => {
    const olga = await newUser();
    await olga.client.data.import.mutate({ data: doc, mode: 'replace' });
    const { rows } = await sql<{ estimated: number; actual: number }>`
      select (select reltuples from pg_class where relname = 'workout_sets')::int as estimated,
        (select count(*) from workout_sets)::int as actual`.execute(server.database.db);
    expect(rows[0]?.actual).toBeGreaterThan(0);
    expect(rows[0]?.estimated).toBe(rows[0]?.actual);
  });

  it('merges: the same document twice creates nothing the second time', async () => {
    const carol = await newUser();
    const first = await carol.client.data.import.mutate({ data: doc, mode: 'merge' });
    expect(first.counts.tasks.created).toBe(doc.tasks.length);
    expect(first.counts.settings.updated).toBe(1); // an empty account takes the settings
    const second = await carol.client.data.import.mutate({ data: doc, mode: 'merge' });
    for (const section of DATA_EXPORT_SECTIONS) expect(second.counts[section].created, section).toBe(0);
    expect(second.counts.settings.skipped).toBe(1);
    expect(second.conflictsTotal).toBe(0);
    expect(normalise(await carol.client.data.export.query())).toEqual(normalise(doc));
  });

  it('merges by natural key: a newer row updates, an older one is kept, both are listed as conflicts', async () => {
    const dave = await newUser();
    await dave.client.data.import.mutate({ data: doc, mode: 'replace' });
    const edited = structuredClone(doc);
    const entry = edited.journal[0] as Extract<TDataExport['journal'][number], { type: 'morning_pages' }>;
    entry.content = { text: 'Rewritten later' };
    entry.updatedAt = new Date(Date.parse(entry.updatedAt) + 60_000).toISOString();
    const weight = edited.bodyWeights[0] as TDataExport['bodyWeights'][number];
    weight.weightKg = 99;
    weight.updatedAt = new Date(Date.parse(weight.updatedAt) - 60_000).toISOString();
    // A workout done since, on day A of the program the account already has.
    const dayA = edited.programDays[0] as TDataExport['programDays'][number];
    edited.workoutSessions.push({
      id: crypto.randomUUID(),
      programDayId: dayA.id,
      name: 'Later',
      startedAt: '2026-04-01T17:00:00.000Z',
      finishedAt: null,
      notes: null,
      createdAt: '2026-04-01T17:00:00.000Z',
      updatedAt: '2026-04-01T17:00:00.000Z',
    });
    const preview = await dave.client.data.import.mutate({ data: edited, mode: 'merge', dryRun: true });
    expect(preview.counts.journal).toMatchObject({ created: 0, updated: 1 });
    expect(preview.counts.bodyWeights).toMatchObject({ created: 0, updated: 0, skipped: 2 });
    expect(preview.conflicts.map((c) => [c.section, c.id]).sort()).toEqual(
      [
        ['bodyWeights', weight.id],
        ['journal', entry.id],
      ].sort(),
    );
    const report = await dave.client.data.import.mutate({ data: edited, mode: 'merge' });
    expect(report.counts.journal.updated).toBe(1);
    expect(report.counts.workoutSessions.created).toBe(1);
    expect(report.counts.programDays).toMatchObject({ created: 0, skipped: 2 });
    const after = await dave.client.data.export.query();
    const later = after.workoutSessions.find((x) => x.name === 'Later');
    const ownDayA = after.programDays.find((d) => d.position === 0);
    expect(later?.programDayId).toBe(ownDayA?.id);
    const pages = await dave.client.journal.get.query({ type: 'morning_pages', date: entry.entryDate });
    expect(pages?.content).toEqual({ text: 'Rewritten later' });
    const weights = await dave.client.fitness.bodyweight.list.query({});
    expect(weights.map((w) => w.weightKg)).not.toContain(99);
  });

  it('keeps what workout files said: set types, notes, notes on exercises, file names, seconds', async () => {
    const lifter = await newUser();
    await lifter.client.fitness.import.csv.mutate({
      csv: [
        'Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,Weight (kg),Reps,Distance (meters),Seconds,Notes,Workout Notes,RPE',
        '1,2025-03-01 09:00:00,Push,3725,Overhead Press (Dumbbell),Note,,,,,Seat upright,Felt strong,',
        '1,2025-03-01 09:00:00,Push,3725,Overhead Press (Dumbbell),W,10,10,0,0,,Felt strong,',
        '1,2025-03-01 09:00:00,Push,3725,Overhead Press (Dumbbell),1,20,8,0,0,grindy,Felt strong,9',
        '1,2025-03-01 09:00:00,Push,3725,Overhead Press (Dumbbell),D,15,10,0,0,,Felt strong,',
        '1,2025-03-01 09:00:00,Push,3725,Dips,F,0,12,0,0,,Felt strong,',
      ].join('\n'),
    });
    const backup = await lifter.client.data.export.query();
    const [session] = backup.workoutSessions;
    expect(session).toMatchObject({
      notes: 'Felt strong',
      exerciseNotes: [{ position: 0, exerciseName: 'Overhead Press (Dumbbell)', note: 'Seat upright' }],
    });
    expect(Date.parse(session?.finishedAt as string) - Date.parse(session?.startedAt as string)).toBe(3725_000);
    expect(backup.workoutSets.map((s) => [s.setType, s.isWarmup, s.note, s.sourceName])).toEqual([
      ['warmup', true, null, 'Overhead Press (Dumbbell)'],
      ['normal', false, 'grindy', 'Overhead Press (Dumbbell)'],
      ['dropset', false, null, 'Overhead Press (Dumbbell)'],
      ['failure', false, null, 'Dips'],
    ]);

    const restored = await newUser();
    await restored.client.data.import.mutate({ data: backup, mode: 'replace' });
    expect(normalise(await restored.client.data.export.query())).toEqual(normalise(backup));
    const csv = (await lifter.client.fitness.export.csv.query()).csv;
    expect((await restored.client.fitness.export.csv.query()).csv).toBe(csv);

    // A merge that takes the document's newer session rewrites its notes on exercises too.
    const edited = structuredClone(backup);
    const newer = edited.workoutSessions[0] as TDataExport['workoutSessions'][number];
    newer.exerciseNotes = [{ position: 1, exerciseName: 'Overhead Press (Dumbbell)', note: 'Seat at 80°' }];
    newer.updatedAt = new Date(Date.parse(newer.updatedAt) + 60_000).toISOString();
    const merged = await restored.client.data.import.mutate({ data: edited, mode: 'merge' });
    expect(merged.counts.workoutSessions.updated).toBe(1);
    const [after] = (await restored.client.data.export.query()).workoutSessions;
    expect(after?.exerciseNotes).toEqual(newer.exerciseNotes);

    // An export from before set types (isWarmup only, no notes or names) still imports.
    const older = structuredClone(backup);
    for (const s of older.workoutSets) {
      delete s.setType;
      delete s.note;
      delete s.sourceName;
    }
    for (const s of older.workoutSessions) delete s.exerciseNotes;
    const fromOlder = await newUser();
    expect((await fromOlder.client.data.import.mutate({ data: older, mode: 'replace' })).failuresTotal).toBe(0);
    const sets = (await fromOlder.client.data.export.query()).workoutSets;
    expect(sets.map((s) => [s.setType, s.note, s.sourceName])).toEqual([
      ['warmup', null, null],
      ['normal', null, null],
      ['normal', null, null],
      ['normal', null, null],
    ]);
  });

  it('a dry run reports the counts and writes nothing', async () => {
    const erin = await newUser();
    const before = await erin.client.data.export.query();
    const report = await erin.client.data.import.mutate({ data: doc, mode: 'replace', dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.counts.journal.created).toBe(4);
    const after = await erin.client.data.export.query();
    expect(counts(after)).toEqual(counts(before));
    expect(after.settings).toEqual(before.settings);
  });

  it('refuses an invalid document naming the first bad path, and writes nothing', async () => {
    const frank = await newUser();
    const bad = structuredClone(doc) as unknown as { journal: { entryDate: string }[] };
    (bad.journal[3] as { entryDate: string }).entryDate = '2026-13-40';
    const error = await expectCode(frank.client.data.import.mutate({ data: bad, mode: 'replace' }), 'BAD_REQUEST');
    expect((error as Error).message).toMatch(/^journal\[3\]\.entryDate: /);
    const nested = structuredClone(doc) as unknown as { journal: { content: unknown }[] };
    (nested.journal[0] as { content: unknown }).content = { text: 42 };
    const nestedError = await expectCode(
      frank.client.data.import.mutate({ data: nested, mode: 'replace' }),
      'BAD_REQUEST',
    );
    expect((nestedError as Error).message).toMatch(/^journal\[0\]\.content\.text: /);
    expect(counts(await frank.client.data.export.query())).toEqual(
      Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, 0])),
    );
  });

  it('refuses a capture address that is not http or https, as creating one does, and writes nothing', async () => {
    const hana = await newUser();
    for (const url of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>x</script>',
      'file:///etc/passwd',
    ]) {
      const bad = structuredClone(doc) as unknown as { captures: { url: string | null }[] };
      (bad.captures[1] as { url: string | null }).url = url;
      for (const mode of ['replace', 'merge'] as const) {
        const error = await expectCode(hana.client.data.import.mutate({ data: bad, mode }), 'BAD_REQUEST');
        expect((error as Error).message).toMatch(/^captures\[1\]\.url: .*http or https/);
      }
      await expectCode(hana.client.captures.create.mutate({ text: 'x', url }), 'BAD_REQUEST');
    }
    expect(counts(await hana.client.data.export.query())).toEqual(
      Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, 0])),
    );
  });

  it('refuses a newer version and an unknown one with a clear message', async () => {
    const gina = await newUser();
    const newer = await expectCode(
      gina.client.data.import.mutate({ data: { ...doc, version: 99 }, mode: 'merge' }),
      'BAD_REQUEST',
    );
    expect((newer as Error).message).toMatch(/version 99, newer than this Life OS/);
    const older = await expectCode(
      gina.client.data.import.mutate({ data: { ...doc, version: 0 }, mode: 'merge' }),
      'BAD_REQUEST',
    );
    expect((older as Error).message).toMatch(/cannot be imported/);
    await expectCode(gina.client.data.import.mutate({ data: { hello: 'world' }, mode: 'merge' }), 'BAD_REQUEST');
  });

  it('reports broken references as failures and imports the rest; unknown built-ins become own exercises', async () => {
    const hank = await newUser();
    const broken = structuredClone(doc);
    const set = broken.workoutSets[0] as TDataExport['workoutSets'][number];
    set.sessionId = '00000000-0000-4000-8000-000000000000';
    const other = broken.workoutSets[1] as TDataExport['workoutSets'][number];
    other.exercise = { builtin: 'Underwater Basket Weaving' };
    const report = await hank.client.data.import.mutate({ data: broken, mode: 'replace' });
    expect(report.counts.workoutSets).toMatchObject({ created: doc.workoutSets.length - 1, failed: 1 });
    expect(report.failures).toEqual([{ section: 'workoutSets', id: set.id, reason: expect.stringMatching(/session/) }]);
    expect(report.counts.exercises.created).toBe(2);
    const mine = await hank.client.fitness.exercises.list.query({ q: 'Basket' });
    expect(mine).toMatchObject([{ name: 'Underwater Basket Weaving', builtIn: false }]);
  });

  it('queues reminders for imported tasks due from today, in the import; a dry run queues nothing', async () => {
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: doc.settings.timezone }).format(
      new Date(server.clock.now().getTime() + 24 * 3600_000),
    );
    const task = {
      ...structuredClone(
        doc.tasks.find((t) => t.status !== 'done' && t.rrule === null) as TDataExport['tasks'][number],
      ),
      projectId: null,
      sourceCaptureId: null,
      seriesId: null,
      repeatAfterDays: null,
      title: 'Post the letter',
      dueDate: tomorrow,
    };
    const file = {
      ...structuredClone(doc),
      ...Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, []])),
      tasks: [task],
    };
    const kim = await newUser();
    const jobs = async () => {
      const me = await kim.client.auth.me.query();
      return server.database.db
        .selectFrom('jobs')
        .select(['kind', 'idempotencyKey', 'runAt'])
        .where('userId', '=', me.id)
        .where('kind', 'in', ['reminder.task', 'reminder.agenda'])
        .orderBy('kind')
        .execute();
    };
    await kim.client.data.import.mutate({ data: file, mode: 'replace', dryRun: true });
    expect(await jobs()).toEqual([]);

    await kim.client.data.import.mutate({ data: file, mode: 'replace' });
    const [imported] = (await kim.client.data.export.query()).tasks;
    const queued = await jobs();
    expect(queued.map((j) => j.kind)).toEqual(['reminder.agenda', 'reminder.task']);
    // The document's preferences: 08:30 less 30 minutes, Berlin time, on the due day.
    expect(queued[1]?.idempotencyKey).toMatch(new RegExp(`^task:${imported?.id}:`));
    expect(
      new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(
        queued[1]?.runAt,
      ),
    ).toBe(`${tomorrow} 08:00`);
  });

  it("an older file without reminder preferences leaves the account's as they are", async () => {
    const lea = await newUser();
    await lea.client.reminders.updatePreferences.mutate({ taskTime: '10:15' });
    const older = structuredClone(doc);
    delete older.settings.reminders;
    const report = await lea.client.data.import.mutate({ data: older, mode: 'replace' });
    expect(report.counts.settings.updated).toBe(1);
    expect(await lea.client.reminders.preferences.query()).toMatchObject({ taskTime: '10:15', agendaTime: null });
  });

  it('replace keeps credentials and leaves other users alone', async () => {
    const ivy = await newUser();
    await ivy.client.data.import.mutate({ data: doc, mode: 'replace' });
    const empty = { ...structuredClone(doc), ...Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, []])) };
    await ivy.client.data.import.mutate({ data: empty, mode: 'replace' });
    expect(counts(await ivy.client.data.export.query())).toEqual(
      Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, 0])),
    );
    expect(await ivy.client.auth.me.query()).toMatchObject({ username: expect.stringMatching(/^user/) });
    expect(counts(await alice.client.data.export.query())).toEqual(counts(doc));
  });
});

describe('HTTP routes', () => {
  it('GET /api/data/export streams the same document as data.export', async () => {
    const response = await fetch(`${server.url}/api/data/export`, {
      headers: { authorization: `Bearer ${secrets.apiKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="lifeos-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const streamed = ZDataExport.parse(await response.json());
    const { exportedAt: _a, ...rest } = streamed;
    const { exportedAt: _b, ...expected } = await alice.client.data.export.query();
    expect(rest).toEqual(expected);
  });

  it('GET /api/data/export with the browser session (and its CSRF header) works; anonymous is 401', async () => {
    const fromPage = await alice.fetch(`${server.url}/api/data/export`);
    expect(fromPage.status).toBe(200);
    expect(((await fromPage.json()) as { format: string }).format).toBe('lifeos-export');
    const anonymous = await fetch(`${server.url}/api/data/export`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Sign in to continue' });
  });

  it('GET /api/data/export of an empty account is a valid document with every section empty', async () => {
    const max = await newUser();
    const response = await max.fetch(`${server.url}/api/data/export`);
    expect(response.status).toBe(200);
    const streamed = ZDataExport.parse(await response.json());
    expect(counts(streamed)).toEqual(Object.fromEntries(DATA_EXPORT_SECTIONS.map((s) => [s, 0])));
    // Some sections filled, some empty, in between and at the end.
    await max.client.fitness.bodyweight.log.mutate({ date: '2026-03-01', weightKg: 70 });
    await max.client.captures.create.mutate({ text: 'one' });
    const partial = ZDataExport.parse(await (await max.fetch(`${server.url}/api/data/export`)).json());
    expect(counts(partial)).toMatchObject({ journal: 0, bodyWeights: 1, captures: 1, events: 0 });
  });

  it('POST /api/data/import takes a document over 1 MiB, with a write key', async () => {
    const jack = await newUser();
    const { key } = await jack.client.apiKeys.create.mutate({ name: 'restore', scope: 'write' });
    const big = structuredClone(doc);
    for (let day = 1; day <= 15; day++) {
      big.journal.push({
        id: crypto.randomUUID(),
        type: 'morning_pages',
        entryDate: `2025-01-${String(day).padStart(2, '0')}`,
        content: { text: 'word '.repeat(20_000) },
        createdAt: '2025-01-01T07:00:00.000Z',
        updatedAt: '2025-01-01T07:00:00.000Z',
      });
    }
    const body = JSON.stringify(big);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const response = await fetch(`${server.url}/api/data/import?mode=replace`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({ mode: 'replace', dryRun: false, counts: { journal: { created: 19 } } });
    const entry = await jack.client.journal.get.query({ type: 'morning_pages', date: '2025-01-15' });
    expect(entry?.wordCount).toBe(20_000);
  });

  it('POST /api/data/import: errors are JSON with the right status', async () => {
    const kate = await newUser();
    const { key: readKey } = await kate.client.apiKeys.create.mutate({ name: 'read', scope: 'read' });
    const { key: writeKey } = await kate.client.apiKeys.create.mutate({ name: 'write', scope: 'write' });
    const post = (query: string, headers: Record<string, string>, body: unknown = doc) =>
      fetch(`${server.url}/api/data/import${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    // As in tRPC: a write without credentials must first pass the CSRF rule (403), then authenticate (401).
    expect((await post('?mode=merge', {})).status).toBe(403);
    const anonymous = await post('?mode=merge', { origin: APP_ORIGIN, 'x-lifeos-csrf': '1' });
    expect(anonymous.status).toBe(401);
    const readOnly = await post('?mode=merge', { authorization: `Bearer ${readKey}` });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ message: 'This API key is read-only' });

    const badMode = await post('?mode=overwrite', { authorization: `Bearer ${writeKey}` });
    expect(badMode.status).toBe(400);
    expect(((await badMode.json()) as { message: string }).message).toMatch(/^mode: /);

    const bad = structuredClone(doc) as unknown as { journal: { entryDate: string }[] };
    (bad.journal[3] as { entryDate: string }).entryDate = '2026-13-40';
    const invalid = await post('?mode=replace', { authorization: `Bearer ${writeKey}` }, bad);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'BAD_REQUEST', path: 'journal[3].entryDate' });

    const newer = await post('?mode=merge', { authorization: `Bearer ${writeKey}` }, { ...doc, version: 99 });
    expect(newer.status).toBe(400);
    expect(((await newer.json()) as { message: string }).message).toMatch(/newer than this Life OS/);

    const dryRun = await post('?mode=replace&dryRun=true', { authorization: `Bearer ${writeKey}` });
    expect(dryRun.status).toBe(200);
    expect(await dryRun.json()).toMatchObject({ dryRun: true });
    expect(counts(await kate.client.data.export.query()).journal).toBe(0);
  });

  it('refuses a cross-site cookie-authenticated import (CSRF) and a session without the CSRF header', async () => {
    const leo = await newUser();
    const cookie = leo.jar.header();
    const crossSite = await fetch(`${server.url}/api/data/import?mode=merge`, {
      method: 'POST',
      headers: {
        cookie,
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        'x-lifeos-csrf': '1',
        'content-type': 'application/json',
      },
      body: JSON.stringify(doc),
    });
    expect(crossSite.status).toBe(403);
    const response = await fetch(`${server.url}/api/data/export`, { headers: { cookie, origin: APP_ORIGIN } });
    expect(response.status).toBe(403);
    // The same cookie with the page's headers is fine.
    const sameSite = await fetch(`${server.url}/api/data/import?mode=merge&dryRun=true`, {
      method: 'POST',
      headers: { cookie, origin: APP_ORIGIN, 'x-lifeos-csrf': '1', 'content-type': 'application/json' },
      body: JSON.stringify(doc),
    });
    expect(sameSite.status).toBe(200);
    expect(counts(await leo.client.data.export.query()).journal).toBe(0);
  });

  it('a read key can export through tRPC but cannot import', async () => {
    const { key } = await alice.client.apiKeys.create.mutate({ name: 'read', scope: 'read' });
    const reader = keyClient(server, key);
    expect((await reader.data.export.query()).format).toBe('lifeos-export');
    await expectCode(reader.data.import.mutate({ data: doc, mode: 'merge' }), 'FORBIDDEN');
  });
});

describe('the import body limit', () => {
  it('answers 413 with JSON above IMPORT_BODY_LIMIT_MB', async () => {
    const small = await startTestServer({ env: { IMPORT_BODY_LIMIT_MB: '1' } });
    try {
      const owner = await setupOwner(small);
      const { key } = await owner.client.apiKeys.create.mutate({ name: 'restore', scope: 'write' });
      const response = await fetch(`${small.url}/api/data/import?mode=merge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...doc, padding: 'x'.repeat(1024 * 1024) }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ statusCode: 413 });
    } finally {
      await small.close();
    }
  });
});

describe('the server', () => {
  it('logged no unexpected error during this file', () => {
    expect(server.logs.filter((line) => line.includes('"level":50')).map((line) => line.slice(0, 500))).toEqual([]);
  });
});
