import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from './migrate.js';
import type { SchemaSpec } from './schema-drift.js';

const spec: SchemaSpec = {
  users: {
    id: { type: 'uuid', nullable: false },
    username: { type: 'text', nullable: false },
    email: { type: 'text', nullable: false },
    displayName: { type: 'text', nullable: false },
    passwordHash: { type: 'text', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  refreshTokens: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    tokenHash: { type: 'text', nullable: false },
    familyId: { type: 'uuid', nullable: false },
    userAgent: { type: 'text', nullable: true },
    ip: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    lastUsedAt: { type: 'timestamptz', nullable: true },
    expiresAt: { type: 'timestamptz', nullable: false },
    revokedAt: { type: 'timestamptz', nullable: true },
    replacedBy: { type: 'uuid', nullable: true },
  },
  apiKeys: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    name: { type: 'text', nullable: false },
    prefix: { type: 'text', nullable: false },
    keyHash: { type: 'text', nullable: false },
    scope: { type: 'text', nullable: false },
    modules: { type: 'jsonb', nullable: false },
    journalText: { type: 'bool', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    lastUsedAt: { type: 'timestamptz', nullable: true },
    expiresAt: { type: 'timestamptz', nullable: true },
    revokedAt: { type: 'timestamptz', nullable: true },
  },
  authAttempts: {
    key: { type: 'text', nullable: false },
    windowStart: { type: 'timestamptz', nullable: false },
    count: { type: 'int4', nullable: false },
  },
  userSettings: {
    userId: { type: 'uuid', nullable: false },
    timezone: { type: 'text', nullable: false },
    weekStart: { type: 'text', nullable: false },
    units: { type: 'text', nullable: false },
    journalWordGoal: { type: 'int4', nullable: false },
    theme: { type: 'text', nullable: false },
    icsFeedTokenHash: { type: 'text', nullable: true },
    icsFeedTokenNonce: { type: 'text', nullable: true },
    icsFeedIncludeTasks: { type: 'bool', nullable: false },
    dashboardCards: { type: '_text', nullable: true },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  journalEntries: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    type: { type: 'text', nullable: false },
    entryDate: { type: 'date', nullable: false },
    content: { type: 'jsonb', nullable: false },
    wordCount: { type: 'int4', nullable: false },
    excerpt: { type: 'text', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  davSync: {
    userId: { type: 'uuid', nullable: false },
    revision: { type: 'int8', nullable: false },
  },
  davChanges: {
    userId: { type: 'uuid', nullable: false },
    collection: { type: 'text', nullable: false },
    uid: { type: 'text', nullable: false },
    name: { type: 'text', nullable: true },
    revision: { type: 'int8', nullable: false },
    deleted: { type: 'bool', nullable: false },
  },
  idempotencyKeys: {
    userId: { type: 'uuid', nullable: false },
    key: { type: 'text', nullable: false },
    path: { type: 'text', nullable: false },
    inputHash: { type: 'text', nullable: false },
    answer: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
  },
  jobs: {
    id: { type: 'int8', nullable: false },
    kind: { type: 'text', nullable: false },
    payload: { type: 'jsonb', nullable: false },
    userId: { type: 'uuid', nullable: true },
    idempotencyKey: { type: 'text', nullable: true },
    state: { type: 'text', nullable: false },
    runAt: { type: 'timestamptz', nullable: false },
    attempts: { type: 'int4', nullable: false },
    maxAttempts: { type: 'int4', nullable: false },
    lockedBy: { type: 'text', nullable: true },
    lockedUntil: { type: 'timestamptz', nullable: true },
    lastError: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    finishedAt: { type: 'timestamptz', nullable: true },
  },
  webhookEndpoints: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    url: { type: 'text', nullable: false },
    description: { type: 'text', nullable: false },
    secret: { type: 'text', nullable: false },
    previousSecret: { type: 'text', nullable: true },
    previousExpiresAt: { type: 'timestamptz', nullable: true },
    eventTypes: { type: '_text', nullable: false },
    enabled: { type: 'bool', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  webhookDeliveries: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    endpointId: { type: 'uuid', nullable: false },
    eventType: { type: 'text', nullable: false },
    body: { type: 'text', nullable: false },
    status: { type: 'text', nullable: false },
    attempts: { type: 'int4', nullable: false },
    replays: { type: 'int4', nullable: false },
    responseStatus: { type: 'int4', nullable: true },
    latencyMs: { type: 'int4', nullable: true },
    error: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    lastAttemptAt: { type: 'timestamptz', nullable: true },
  },
  notificationPreferences: {
    userId: { type: 'uuid', nullable: false },
    taskReminders: { type: 'bool', nullable: false },
    taskTime: { type: 'text', nullable: false },
    taskOffsetMinutes: { type: 'int4', nullable: false },
    agendaTime: { type: 'text', nullable: true },
    quietStart: { type: 'text', nullable: true },
    quietEnd: { type: 'text', nullable: true },
    lateWindowMinutes: { type: 'int4', nullable: false },
    emailOffKinds: { type: '_text', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  notificationChannels: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    kind: { type: 'text', nullable: false },
    label: { type: 'text', nullable: false },
    endpoint: { type: 'text', nullable: true },
    p256dh: { type: 'text', nullable: true },
    auth: { type: 'text', nullable: true },
    address: { type: 'text', nullable: true },
    status: { type: 'text', nullable: false },
    lastError: { type: 'text', nullable: true },
    lastSuccessAt: { type: 'timestamptz', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
  },
  notifications: {
    id: { type: 'int8', nullable: false },
    userId: { type: 'uuid', nullable: false },
    kind: { type: 'text', nullable: false },
    sourceKey: { type: 'text', nullable: false },
    title: { type: 'text', nullable: false },
    body: { type: 'text', nullable: false },
    url: { type: 'text', nullable: true },
    dueAt: { type: 'timestamptz', nullable: false },
    sentAt: { type: 'timestamptz', nullable: true },
    late: { type: 'bool', nullable: false },
    status: { type: 'text', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
  },
  notificationDeliveries: {
    id: { type: 'int8', nullable: false },
    userId: { type: 'uuid', nullable: false },
    notificationId: { type: 'int8', nullable: false },
    channelId: { type: 'uuid', nullable: true },
    channelKind: { type: 'text', nullable: false },
    channelLabel: { type: 'text', nullable: false },
    status: { type: 'text', nullable: false },
    attempts: { type: 'int4', nullable: false },
    lastError: { type: 'text', nullable: true },
    sentAt: { type: 'timestamptz', nullable: true },
  },
  events: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    title: { type: 'text', nullable: false },
    description: { type: 'text', nullable: true },
    location: { type: 'text', nullable: true },
    startsAt: { type: 'timestamptz', nullable: false },
    endsAt: { type: 'timestamptz', nullable: false },
    allDay: { type: 'bool', nullable: false },
    timezone: { type: 'text', nullable: false },
    rrule: { type: 'text', nullable: true },
    exdates: { type: '_timestamptz', nullable: false },
    rdates: { type: '_timestamptz', nullable: false },
    rdateEnds: { type: '_timestamptz', nullable: false },
    sequence: { type: 'int4', nullable: false },
    icsKept: { type: 'text', nullable: true },
    davName: { type: 'text', nullable: true },
    seriesEndsAt: { type: 'timestamptz', nullable: true },
    icsUid: { type: 'text', nullable: false },
    recurrenceId: { type: 'timestamptz', nullable: true },
    seriesId: { type: 'uuid', nullable: true },
    subscriptionId: { type: 'uuid', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  calendarSubscriptions: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    name: { type: 'text', nullable: false },
    url: { type: 'text', nullable: false },
    color: { type: 'text', nullable: true },
    etag: { type: 'text', nullable: true },
    lastModified: { type: 'text', nullable: true },
    lastRefreshedAt: { type: 'timestamptz', nullable: true },
    lastError: { type: 'text', nullable: true },
    lastErrorAt: { type: 'timestamptz', nullable: true },
    failureCount: { type: 'int4', nullable: false },
    nextRefreshAt: { type: 'timestamptz', nullable: false },
    lockedUntil: { type: 'timestamptz', nullable: true },
    skippedEvents: { type: 'jsonb', nullable: false },
    skippedTotal: { type: 'int4', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  exercises: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: true },
    name: { type: 'text', nullable: false },
    category: { type: 'text', nullable: false },
    primaryMuscles: { type: '_text', nullable: false },
    secondaryMuscles: { type: '_text', nullable: false },
    equipment: { type: 'text', nullable: false },
    archivedAt: { type: 'timestamptz', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  programs: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    name: { type: 'text', nullable: false },
    notes: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  programDays: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    programId: { type: 'uuid', nullable: false },
    position: { type: 'int4', nullable: false },
    name: { type: 'text', nullable: false },
  },
  programExercises: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    programDayId: { type: 'uuid', nullable: false },
    exerciseId: { type: 'uuid', nullable: false },
    position: { type: 'int4', nullable: false },
    supersetGroup: { type: 'int2', nullable: true },
    targetSets: { type: 'int2', nullable: false },
    repMin: { type: 'int2', nullable: true },
    repMax: { type: 'int2', nullable: true },
    targetWeightKg: { type: 'numeric', nullable: true },
    targetRpe: { type: 'numeric', nullable: true },
    targetRir: { type: 'int2', nullable: true },
    restSeconds: { type: 'int4', nullable: true },
    incrementKg: { type: 'numeric', nullable: false },
  },
  workoutSessions: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    programDayId: { type: 'uuid', nullable: true },
    name: { type: 'text', nullable: false },
    startedAt: { type: 'timestamptz', nullable: false },
    finishedAt: { type: 'timestamptz', nullable: true },
    notes: { type: 'text', nullable: true },
    exerciseNotes: { type: 'jsonb', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  workoutSets: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    sessionId: { type: 'uuid', nullable: false },
    exerciseId: { type: 'uuid', nullable: false },
    position: { type: 'int4', nullable: false },
    reps: { type: 'int2', nullable: true },
    weightKg: { type: 'numeric', nullable: true },
    rpe: { type: 'numeric', nullable: true },
    durationS: { type: 'int4', nullable: true },
    distanceM: { type: 'numeric', nullable: true },
    setType: { type: 'text', nullable: false },
    isWarmup: { type: 'bool', nullable: false },
    note: { type: 'text', nullable: true },
    sourceName: { type: 'text', nullable: true },
    completed: { type: 'bool', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
  },
  bodyWeights: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    measuredOn: { type: 'date', nullable: false },
    weightKg: { type: 'numeric', nullable: false },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  projects: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    name: { type: 'text', nullable: false },
    description: { type: 'text', nullable: true },
    status: { type: 'text', nullable: false },
    area: { type: 'text', nullable: true },
    color: { type: 'text', nullable: true },
    targetDate: { type: 'date', nullable: true },
    completedAt: { type: 'timestamptz', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  tasks: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    projectId: { type: 'uuid', nullable: true },
    title: { type: 'text', nullable: false },
    notes: { type: 'text', nullable: true },
    status: { type: 'text', nullable: false },
    priority: { type: 'int2', nullable: false },
    labels: { type: '_text', nullable: false },
    dueDate: { type: 'date', nullable: true },
    position: { type: 'int4', nullable: false },
    rrule: { type: 'text', nullable: true },
    repeatAfterDays: { type: 'int4', nullable: true },
    seriesId: { type: 'uuid', nullable: true },
    completedAt: { type: 'timestamptz', nullable: true },
    sourceCaptureId: { type: 'uuid', nullable: true },
    icsUid: { type: 'text', nullable: true },
    davName: { type: 'text', nullable: true },
    icsKept: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  captures: {
    id: { type: 'uuid', nullable: false },
    userId: { type: 'uuid', nullable: false },
    text: { type: 'text', nullable: false },
    url: { type: 'text', nullable: true },
    status: { type: 'text', nullable: false },
    processedIntoKind: { type: 'text', nullable: true },
    processedIntoId: { type: 'uuid', nullable: true },
    processedAt: { type: 'timestamptz', nullable: true },
    createdAt: { type: 'timestamptz', nullable: false },
    updatedAt: { type: 'timestamptz', nullable: false },
  },
  userDataVersions: {
    userId: { type: 'uuid', nullable: false },
    version: { type: 'int8', nullable: false },
  },
};

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function migratedSchema(db: Kysely<any>) {
  await migrateToLatest(db);
  const tables = await db.introspection.getTables();
  return Object.fromEntries(
    tables
      .filter((t) => t.schema === 'public')
      .map((t) => [
        t.name,
        Object.fromEntries(t.columns.map((c) => [c.name, { type: c.dataType, nullable: c.isNullable }])),
      ]),
  );
}

const expected = Object.fromEntries(
  Object.entries(spec).map(([table, columns]) => [
    snake(table),
    Object.fromEntries(Object.entries(columns).map(([column, s]) => [snake(column), s])),
  ]),
);

describe('the Database type and the migrated schema agree on every table, column, type and nullability', () => {
  // The PostgreSQL run (TEST_DATABASE_URL) checks PostgreSQL; PGlite's check is the PGlite run's.
  it.skipIf(process.env.TEST_DATABASE_URL)('on PGlite', async () => {
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: new PGlite() }) });
    try {
      expect(await migratedSchema(db)).toEqual(expected);
    } finally {
      await db.destroy();
    }
  });

  const serverUrl = process.env.TEST_DATABASE_URL;
  it.runIf(serverUrl)('on PostgreSQL', async () => {
    const name = `lifeos_drift_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${name}`;
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: quietPool(url.toString()) }),
    });
    try {
      expect(await migratedSchema(db)).toEqual(expected);
    } finally {
      await db.destroy();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

/** A pool whose idle clients may be cut off by `drop database … with (force)` without crashing the run. */
function quietPool(connectionString: string) {
  const pool = new pg.Pool({ connectionString });
  pool.on('error', () => {});
  return pool;
}

/**
 * PostgreSQL does not index the referencing side of a foreign key by itself, and without such an index every
 * delete of a referenced row (a session, a capture, a user) scans the whole referencing table: a restore or an
 * account deletion turns quadratic. Every foreign key must have an index whose leading columns are its columns
 * (in any order). The schema is the same on both databases, so PGlite checks it, in the PGlite run.
 */
describe('every foreign key has an index on its referencing columns', () => {
  it.skipIf(process.env.TEST_DATABASE_URL)('on the migrated schema', async () => {
    const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite: new PGlite() }) });
    try {
      await migrateToLatest(db);
      const { rows } = await sql<{ constraint: string }>`
        select c.conrelid::regclass::text || '.' || c.conname as constraint
        from pg_constraint c
        where c.contype = 'f'
          and not exists (
            select 1 from pg_index i
            where i.indrelid = c.conrelid
              and i.indnkeyatts >= cardinality(c.conkey)
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          )
        order by 1`.execute(db);
      expect(rows.map((row) => row.constraint)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
