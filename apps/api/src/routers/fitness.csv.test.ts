import { readFileSync } from 'node:fs';
import { kgToLb } from '@lifeos/core/schemas';
import { fitnessService } from '@lifeos/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserClient,
  createUser,
  expectCode,
  keyClient,
  setupOwner,
  startTestServer,
  type TestServer,
} from '../../test/harness.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/csv/${name}`, import.meta.url), 'utf8');

let server: TestServer;
let owner: BrowserClient;

beforeAll(async () => {
  server = await startTestServer();
  owner = await setupOwner(server);
});
afterAll(() => server.close());

async function newUser(name: string, timezone = 'UTC') {
  const browser = await createUser(server, {
    username: name,
    email: `${name}@example.com`,
    password: `${name} password 1234`,
  });
  await browser.client.settings.update.mutate({ timezone });
  return browser;
}

async function allSessions(user: BrowserClient) {
  const page = await user.client.fitness.sessions.list.query({ limit: 100 });
  return Promise.all(
    page.items
      .slice()
      .reverse()
      .map((s) => user.client.fitness.sessions.get.query({ id: s.id })),
  );
}

describe('fitness.import.csv', () => {
  it('imports the current Strong export: sessions, sets, warm-ups, matched and created exercises', async () => {
    const user = await newUser('strong');
    const report = await user.client.fitness.import.csv.mutate({ csv: fixture('strong-current-bom-crlf.csv') });
    expect(report).toEqual({
      dryRun: false,
      sessions: 3,
      sets: 11,
      alreadyImported: 0,
      exercisesCreated: ['Totally Unknown Machine'],
      skippedRows: [],
      warnings: [],
    });
    const sessions = await allSessions(user);
    expect(sessions.map((s) => [s.name, s.startedAt.toISOString(), s.finishedAt?.toISOString()])).toEqual([
      ['Morning Run', '2024-03-05T07:15:00.000Z', '2024-03-05T07:47:00.000Z'],
      ['Push Day', '2024-03-05T18:01:12.000Z', '2024-03-05T19:06:12.000Z'],
      ['Pull Day', '2024-03-07T18:30:45.000Z', '2024-03-07T19:28:45.000Z'],
    ]);
    const push = sessions[1];
    expect(
      push?.sets.map((s) => [s.exerciseName, s.setType, s.isWarmup, s.weightKg, s.reps, s.rpe, s.completed]),
    ).toEqual([
      ['Bench Press (Barbell)', 'warmup', true, 40, 10, null, true],
      ['Bench Press (Barbell)', 'normal', false, 60, 10, 7, true],
      ['Bench Press (Barbell)', 'normal', false, 62.5, 8, 8.5, true],
      ['Seated Overhead Press (Dumbbell)', 'normal', false, 22.5, 12, null, true],
      ['Triceps Pushdown (Cable)', 'normal', false, 30, 15, null, true],
    ]);
    // The file's own names stay on the sets; the library exercise is only what they are linked to.
    expect(push?.sets.map((s) => s.sourceName)).toEqual([
      'Bench Press (Barbell)',
      'Bench Press (Barbell)',
      'Bench Press (Barbell)',
      'Overhead Press (Dumbbell)',
      'Triceps Pushdown (Cable - Straight Bar)',
    ]);
    expect(push?.durationS).toBe(3900);
    expect(sessions[0]?.sets[0]).toMatchObject({ exerciseName: 'Running', distanceM: 5200, durationS: 1860 });
    expect(sessions[2]?.sets.map((s) => s.exerciseName)).toEqual([
      'Deadlift (Barbell)',
      'Deadlift (Barbell)',
      'Pull-Up',
      'Plank',
      'Totally Unknown Machine',
    ]);
    const created = await user.client.fitness.exercises.list.query({ q: 'Totally Unknown' });
    expect(created).toEqual([expect.objectContaining({ builtIn: false, category: 'strength', equipment: 'other' })]);
  });

  it('is idempotent: the same file again adds nothing; a dry run writes nothing', async () => {
    const user = await newUser('twice');
    const csv = fixture('strong-current-bom-crlf.csv');
    const dry = await user.client.fitness.import.csv.mutate({ csv, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, sessions: 3, sets: 11, exercisesCreated: ['Totally Unknown Machine'] });
    expect((await user.client.fitness.sessions.list.query()).items).toEqual([]);
    expect(await user.client.fitness.exercises.list.query({ q: 'Totally Unknown' })).toEqual([]);

    await user.client.fitness.import.csv.mutate({ csv });
    const again = await user.client.fitness.import.csv.mutate({ csv });
    expect(again).toMatchObject({ sessions: 0, sets: 0, alreadyImported: 3, exercisesCreated: [] });
    // Both at once: imports of one user run one after the other.
    const both = await Promise.all([
      user.client.fitness.import.csv.mutate({ csv }),
      user.client.fitness.import.csv.mutate({ csv }),
    ]);
    expect(both.map((r) => r.sessions)).toEqual([0, 0]);
    expect((await user.client.fitness.sessions.list.query()).items).toHaveLength(3);
    expect(await user.client.fitness.exercises.list.query({ q: 'Totally Unknown' })).toHaveLength(1);
  });

  it('imports pounds so that 225 lb stays 225 lb, with notes', async () => {
    const user = await newUser('pounds');
    const report = await user.client.fitness.import.csv.mutate({ csv: fixture('strong-units-notes.csv') });
    expect(report).toMatchObject({ sessions: 1, sets: 4, exercisesCreated: [], skippedRows: [] });
    const [session] = await allSessions(user);
    expect(session?.sets.map((s) => (s.weightKg === null ? null : kgToLb(s.weightKg)))).toEqual([95, 225, 225, null]);
    expect(session?.notes).toBe('deload next week');
    expect(session?.sets.map((s) => s.note)).toEqual([null, 'felt heavy, grip "narrow"', null, null]);
    expect(session?.sets[3]).toMatchObject({ exerciseName: 'Rowing (Machine)', distanceM: 1995.59, durationS: 420 });
  });

  it('imports the legacy semicolon and French Strong exports', async () => {
    const user = await newUser('legacy');
    expect(await user.client.fitness.import.csv.mutate({ csv: fixture('strong-legacy-semicolon.csv') })).toMatchObject({
      sessions: 2,
      sets: 4,
      exercisesCreated: [],
      skippedRows: [],
    });
    const fr = await user.client.fitness.import.csv.mutate({ csv: fixture('strong-fr-localized-crlf.csv') });
    expect(fr).toMatchObject({ sessions: 2, sets: 4, exercisesCreated: ['Aerobics'], skippedRows: [] });
    const sessions = await allSessions(user);
    expect(sessions.map((s) => s.name)).toEqual(['Leg Day', 'Oberkörper', 'Bras / Épaules', 'Cardio']);
    expect(sessions[0]?.sets.map((s) => s.weightKg)).toEqual([100, 102.5, 180]);
    expect(sessions[2]?.sets.map((s) => s.exerciseName)).toEqual([
      'Bicep Curl (Dumbbell)',
      'Bicep Curl (Dumbbell)',
      'Lateral Raise (Dumbbell)',
    ]);
    expect((Number(sessions[2]?.finishedAt) - Number(sessions[2]?.startedAt)) / 1000).toBe(3660);
    expect(await user.client.fitness.exercises.list.query({ q: 'Aerobics' })).toEqual([
      expect.objectContaining({ category: 'cardio', builtIn: false }),
    ]);
  });

  it('reads Hevy dates in the user time zone', async () => {
    const user = await newUser('hevy', 'Europe/Berlin');
    const report = await user.client.fitness.import.csv.mutate({ csv: fixture('hevy.csv') });
    expect(report).toMatchObject({ sessions: 1, sets: 5, exercisesCreated: [], skippedRows: [] });
    const [session] = await allSessions(user);
    // 07:30 in Berlin in July is 05:30 UTC.
    expect(session?.startedAt.toISOString()).toBe('2024-07-05T05:30:00.000Z');
    expect(session?.finishedAt?.toISOString()).toBe('2024-07-05T06:41:00.000Z');
    expect(session?.sets.map((s) => [s.sourceName, s.exerciseName, s.setType])).toEqual([
      ['Bench Press (Barbell)', 'Bench Press (Barbell)', 'warmup'],
      ['Bench Press (Barbell)', 'Bench Press (Barbell)', 'normal'],
      ['Bent Over Row (Barbell)', 'Bent Over Row (Barbell)', 'normal'],
      ['Lateral Raise (Dumbbell)', 'Lateral Raise (Dumbbell)', 'dropset'],
      ['Treadmill', 'Running (Treadmill)', 'normal'],
    ]);
    expect(session?.durationS).toBe(71 * 60);
  });

  it('matches the user’s own exercises first, any case', async () => {
    const user = await newUser('own');
    const mine = await user.client.fitness.exercises.create.mutate({
      name: 'Totally Unknown Machine',
      category: 'strength',
      primaryMuscles: ['chest'],
      equipment: 'machine',
    });
    const report = await user.client.fitness.import.csv.mutate({
      csv: fixture('strong-current-bom-crlf.csv').replace('Totally Unknown Machine', 'TOTALLY unknown machine'),
    });
    expect(report.exercisesCreated).toEqual([]);
    const pull = (await allSessions(user))[2];
    expect(pull?.sets.at(-1)).toMatchObject({ exerciseId: mine.id });
  });

  it('refuses what is not a workout export, too-large files, and read-only keys; records see imported data', async () => {
    const user = await newUser('refuse');
    const bad = (await expectCode(
      user.client.fitness.import.csv.mutate({ csv: 'name,when,what\nx,y,z\n' }),
      'BAD_REQUEST',
    )) as Error;
    expect(bad.message).toMatch(/Unrecognised CSV header.*Expected a Strong export/);
    await expectCode(user.client.fitness.import.csv.mutate({ csv: '' }), 'BAD_REQUEST');
    await expectCode(user.client.fitness.import.csv.mutate({ csv: 'x'.repeat(1_000_001) }), 'BAD_REQUEST').catch(
      // Past the 1 MiB body limit the transport refuses it before zod does.
      (error: unknown) => expect(String(error)).toMatch(/PAYLOAD_TOO_LARGE|413/),
    );
    // Rows that cannot be read are reported; the rest is imported.
    const partial = await user.client.fitness.import.csv.mutate({
      csv: `${fixture('strong-units-notes.csv')}"not a date","Push A","1h","Bench Press (Barbell)","3","abc","lbs","5","","0","mi","0","",""\n`,
    });
    expect(partial).toMatchObject({
      sessions: 1,
      sets: 4,
      skippedRows: [{ row: 6, reason: 'Unreadable date "not a date"' }],
    });

    const { key } = await user.client.apiKeys.create.mutate({ name: 'reader', scope: 'read' });
    await expectCode(keyClient(server, key).fitness.import.csv.mutate({ csv: fixture('hevy.csv') }), 'FORBIDDEN');
    expect(await keyClient(server, key).fitness.export.csv.query()).toMatchObject({ csv: expect.any(String) });

    const records = await user.client.fitness.records.list.query();
    const bench = records.find((r) => r.exerciseName === 'Bench Press (Barbell)');
    expect(bench?.heaviestWeight).toMatchObject({ reps: 5, achievedAt: new Date('2024-03-04T09:00:00Z') });
    expect(kgToLb(bench?.heaviestWeight?.valueKg ?? 0)).toBe(225);
  });
});

describe('fitness.export.csv', () => {
  it('exports finished sessions in the Strong shape; export → import elsewhere → export is the same CSV', async () => {
    const source = await newUser('source', 'America/New_York');
    for (const name of [
      'strong-current-bom-crlf.csv',
      'strong-units-notes.csv',
      'strong-legacy-semicolon.csv',
      'hevy.csv',
      'strong-fr-localized-crlf.csv',
    ]) {
      await source.client.fitness.import.csv.mutate({ csv: fixture(name) });
    }
    // An unfinished workout is not exported.
    await source.client.fitness.sessions.start.mutate({ name: 'in progress' });
    const exported = await source.client.fitness.export.csv.query();
    expect(exported.filename).toMatch(/^lifeos-workouts-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = exported.csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
    );
    expect(lines).toHaveLength(1 + 11 + 4 + 4 + 5 + 4);
    expect(lines).toContain('2019-11-02 10:04:33,Leg Day,1h 2m,Squat (Barbell),2,102.5,5,0,0,,"Kniebeuge, tief",8');
    expect(lines).toContain('2024-03-05 18:01:12,Push Day,1h 5m,Bench Press (Barbell),W,40,10,0,0,,,');
    expect(lines).toContain(
      '2024-03-04 09:00:00,Push A,1h 0m,Bench Press (Barbell),1,102.0583,5,0,0,"felt heavy, grip ""narrow""",deload next week,8',
    );
    // The file's own exercise names, not the library's they were linked to; Hevy's drop set as D.
    expect(lines).toContain('2024-03-05 18:01:12,Push Day,1h 5m,Overhead Press (Dumbbell),1,22.5,12,0,0,,,');
    expect(lines).toContain('2024-07-05 07:30:00,Upper A,1h 11m,Lateral Raise (Dumbbell),D,10,12,0,0,,,');
    expect(exported.csv).not.toContain('in progress');

    const copy = await newUser('copy', 'America/New_York');
    const report = await copy.client.fitness.import.csv.mutate({ csv: exported.csv });
    expect(report).toMatchObject({ sessions: 9, sets: 28, skippedRows: [], warnings: [] });
    expect([...report.exercisesCreated].sort()).toEqual(['Aerobics', 'Totally Unknown Machine']);
    expect((await copy.client.fitness.export.csv.query()).csv).toBe(exported.csv);
  });
});

describe('workout files round-trip through the database', () => {
  const FIXTURES = [
    'strong-current-bom-crlf.csv',
    'strong-units-notes.csv',
    'strong-legacy-semicolon.csv',
    'hevy.csv',
    'strong-fr-localized-crlf.csv',
  ];
  it.each(FIXTURES)('%s: import → export → import (another user) → export gives the same bytes', async (name) => {
    const key = name.replace(/\W/g, '').slice(0, 20);
    const first = await newUser(`rt1${key}`, 'Europe/Berlin');
    await first.client.fitness.import.csv.mutate({ csv: fixture(name) });
    const once = (await first.client.fitness.export.csv.query()).csv;
    const second = await newUser(`rt2${key}`, 'Europe/Berlin');
    expect(await second.client.fitness.import.csv.mutate({ csv: once })).toMatchObject({
      skippedRows: [],
      warnings: [],
    });
    expect((await second.client.fitness.export.csv.query()).csv).toBe(once);
  });

  it("keeps Strong's Note rows, drop and failure sets, set and workout notes, and durations to the second", async () => {
    const csv = [
      'Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,Weight (kg),Reps,Distance (meters),Seconds,Notes,Workout Notes,RPE',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),Note,,,,,"Elbows in, 2s pause",Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),W,40,10,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),1,80,5,0,0,grindy,Felt strong,9',
      '1,2025-03-01 09:00:00,Push,3725,Bench Press (Barbell),D,60,8,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Dips,F,0,12,0,0,,Felt strong,',
      '1,2025-03-01 09:00:00,Push,3725,Dips,Note,,,,,last set to failure,Felt strong,',
    ].join('\n');
    const user = await newUser('noterows');
    expect(await user.client.fitness.import.csv.mutate({ csv })).toMatchObject({
      sessions: 1,
      sets: 4,
      skippedRows: [],
    });
    const [session] = await allSessions(user);
    expect(session).toMatchObject({ notes: 'Felt strong', durationS: 3725 });
    expect(session?.exerciseNotes).toEqual([
      { position: 0, exerciseName: 'Bench Press (Barbell)', note: 'Elbows in, 2s pause' },
      { position: 4, exerciseName: 'Dips', note: 'last set to failure' },
    ]);
    expect(session?.sets.map((s) => [s.setType, s.note])).toEqual([
      ['warmup', null],
      ['normal', 'grindy'],
      ['dropset', null],
      ['failure', null],
    ]);
    const listed = await user.client.fitness.sessions.list.query();
    expect(listed.items[0]?.durationS).toBe(3725);
    // Warm-ups stay out of the volume; drop and failure sets are working sets.
    expect(listed.items[0]?.volumeKg).toBe(80 * 5 + 60 * 8);
    const out = (await user.client.fitness.export.csv.query()).csv.trimEnd().split('\n');
    expect(out.slice(1)).toEqual([
      '2025-03-01 09:00:00,Push,1h 2m 5s,Bench Press (Barbell),Note,,,,,"Elbows in, 2s pause",Felt strong,',
      '2025-03-01 09:00:00,Push,1h 2m 5s,Bench Press (Barbell),W,40,10,0,0,,Felt strong,',
      '2025-03-01 09:00:00,Push,1h 2m 5s,Bench Press (Barbell),1,80,5,0,0,grindy,Felt strong,9',
      '2025-03-01 09:00:00,Push,1h 2m 5s,Bench Press (Barbell),D,60,8,0,0,,Felt strong,',
      '2025-03-01 09:00:00,Push,1h 2m 5s,Dips,F,0,12,0,0,,Felt strong,',
      '2025-03-01 09:00:00,Push,1h 2m 5s,Dips,Note,,,,,last set to failure,Felt strong,',
    ]);
  });

  it('logs and changes set types and notes in the app (isWarmup still understood)', async () => {
    const user = await newUser('settypes');
    const session = await user.client.fitness.sessions.start.mutate({ name: 'types' });
    const [squat] = await user.client.fitness.exercises.list.query({ q: 'Squat (Barbell)' });
    const exerciseId = squat?.id as string;
    let s = await user.client.fitness.sessions.logSet.mutate({
      sessionId: session.id,
      exerciseId,
      reps: 5,
      isWarmup: true,
    });
    s = await user.client.fitness.sessions.logSet.mutate({
      sessionId: session.id,
      exerciseId,
      reps: 3,
      setType: 'failure',
      note: 'ground it out',
    });
    expect(s.sets.map((x) => [x.setType, x.isWarmup, x.note, x.sourceName])).toEqual([
      ['warmup', true, null, null],
      ['failure', false, 'ground it out', null],
    ]);
    s = await user.client.fitness.sessions.updateSet.mutate({
      id: s.sets[0]?.id as string,
      setType: 'dropset',
      note: '',
    });
    expect(s.sets[0]).toMatchObject({ setType: 'dropset', isWarmup: false, note: null });
    await expectCode(
      user.client.fitness.sessions.updateSet.mutate({ id: s.sets[0]?.id as string, setType: 'normal', isWarmup: true }),
      'BAD_REQUEST',
    );
  });
});

describe('fitness.sessions.relinkExercise', () => {
  it("changes an imported name's link in one workout or everywhere, keeping the name; later imports follow", async () => {
    const user = await newUser('relink');
    await user.client.fitness.import.csv.mutate({ csv: fixture('strong-current-bom-crlf.csv') });
    const [chestPress] = await user.client.fitness.exercises.list.query({ q: 'Chest Press (Machine)' });
    const [dumbbellBench] = await user.client.fitness.exercises.list.query({ q: 'Bench Press (Dumbbell)' });
    const sessions = await allSessions(user);
    const push = sessions[1];
    const pull = sessions[2];

    const inOne = await user.client.fitness.sessions.relinkExercise.mutate({
      id: push?.id as string,
      sourceName: 'overhead press (dumbbell)',
      exerciseId: dumbbellBench?.id as string,
    });
    expect(inOne.sets).toBe(1);
    expect(inOne.session.sets[3]).toMatchObject({
      sourceName: 'Overhead Press (Dumbbell)',
      exerciseName: 'Bench Press (Dumbbell)',
      exerciseId: dumbbellBench?.id,
    });
    // The export still writes the file's own name.
    expect((await user.client.fitness.export.csv.query()).csv).toContain(',Overhead Press (Dumbbell),1,22.5,');

    // Everywhere: asked from any workout of the user's, also one without that name.
    const everywhere = await user.client.fitness.sessions.relinkExercise.mutate({
      id: push?.id as string,
      sourceName: 'Totally Unknown Machine',
      exerciseId: chestPress?.id as string,
      everywhere: true,
    });
    expect(everywhere.sets).toBe(1);
    const relinked = await user.client.fitness.sessions.get.query({ id: pull?.id as string });
    expect(relinked.sets.at(-1)).toMatchObject({
      sourceName: 'Totally Unknown Machine',
      exerciseName: 'Chest Press (Machine)',
    });
    // The next file with that name is linked the way the user chose.
    const later = await user.client.fitness.import.csv.mutate({
      csv: 'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,RPE\n2024-04-01 10:00:00,Pull Day,50m,Totally Unknown Machine,1,50,10,0,0,\n',
    });
    expect(later.exercisesCreated).toEqual([]);
    const latest = (await allSessions(user)).at(-1);
    expect(latest?.sets[0]).toMatchObject({ exerciseId: chestPress?.id, sourceName: 'Totally Unknown Machine' });
  });

  it("touches only the caller's sets: another user's workout is not found, and 'everywhere' is the caller's", async () => {
    const alice = await newUser('relinka');
    const bob = await newUser('relinkb');
    const csv = fixture('strong-current-bom-crlf.csv');
    await alice.client.fitness.import.csv.mutate({ csv });
    await bob.client.fitness.import.csv.mutate({ csv });
    const [chestPress] = await bob.client.fitness.exercises.list.query({ q: 'Chest Press (Machine)' });
    const alicePull = (await allSessions(alice))[2];
    const bobPull = (await allSessions(bob))[2];
    const input = { sourceName: 'Bench Press (Barbell)', exerciseId: chestPress?.id as string, everywhere: true };
    await expectCode(
      bob.client.fitness.sessions.relinkExercise.mutate({ ...input, id: alicePull?.id as string }),
      'NOT_FOUND',
    );
    const mine = await bob.client.fitness.sessions.relinkExercise.mutate({ ...input, id: bobPull?.id as string });
    expect(mine.sets).toBe(3);
    const aliceBench = (await allSessions(alice))[1]?.sets.filter((s) => s.sourceName === 'Bench Press (Barbell)');
    expect(aliceBench?.map((s) => s.exerciseName)).toEqual(Array(3).fill('Bench Press (Barbell)'));
    // Another user's own exercise cannot be linked to.
    const [bobs] = await bob.client.fitness.exercises.list.query({ q: 'Totally Unknown Machine' });
    await expectCode(
      alice.client.fitness.sessions.relinkExercise.mutate({
        ...input,
        id: alicePull?.id as string,
        exerciseId: bobs?.id as string,
      }),
      'NOT_FOUND',
    );
  });
});

describe('the alias table', () => {
  it('names only exercises of the built-in library', async () => {
    const names = new Set((await owner.client.fitness.exercises.list.query()).map((e) => e.name));
    expect(Object.values(fitnessService.EXERCISE_ALIASES).filter((name) => !names.has(name))).toEqual([]);
  });
});
