import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ApiKeyScope = 'read' | 'write';
/** A module's access for one key, overriding its scope (migration 20261207170000_api_key_permissions). */
export type ApiKeyModuleAccess = 'none' | 'read' | 'write';
export type ApiKeyModules = Partial<Record<string, ApiKeyModuleAccess>>;
export type WeekStart = 'monday' | 'sunday';
export type Units = 'metric' | 'imperial';
export type Theme = 'system' | 'light' | 'dark';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  email: string;
  displayName: string;
  passwordHash: string;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  familyId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: CreatedAt;
  lastUsedAt: NullableTimestamp;
  expiresAt: Timestamp;
  revokedAt: NullableTimestamp;
  replacedBy: string | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scope: ApiKeyScope;
  /** jsonb: per-module access overriding `scope`; '{}' for none. */
  modules: ColumnType<ApiKeyModules, string | undefined, string>;
  journalText: Generated<boolean>;
  createdAt: CreatedAt;
  lastUsedAt: NullableTimestamp;
  expiresAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface AuthAttemptsTable {
  key: string;
  windowStart: Timestamp;
  count: number;
}

export interface UserSettingsTable {
  userId: string;
  timezone: Generated<string>;
  weekStart: Generated<WeekStart>;
  units: Generated<Units>;
  journalWordGoal: Generated<number>;
  theme: Generated<Theme>;
  icsFeedTokenHash: string | null;
  /** Calendar feed: the token is derived from this nonce and SECRET_KEY (calendar migration). */
  icsFeedTokenNonce: string | null;
  /** Calendar feed: include open tasks' due dates as all-day events. */
  icsFeedIncludeTasks: Generated<boolean>;
  /** The dashboard's cards shown, in order; null: all, in the product's order (dashboard_cards migration). */
  dashboardCards: string[] | null;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DB {
  users: UsersTable;
  refreshTokens: RefreshTokensTable;
  apiKeys: ApiKeysTable;
  authAttempts: AuthAttemptsTable;
  userSettings: UserSettingsTable;
  journalEntries: JournalEntriesTable;
  events: EventsTable;
  davSync: DavSyncTable;
  davChanges: DavChangesTable;
  calendarSubscriptions: CalendarSubscriptionsTable;
  exercises: ExercisesTable;
  programs: ProgramsTable;
  programDays: ProgramDaysTable;
  programExercises: ProgramExercisesTable;
  workoutSessions: WorkoutSessionsTable;
  workoutSets: WorkoutSetsTable;
  bodyWeights: BodyWeightsTable;
  projects: ProjectsTable;
  tasks: TasksTable;
  captures: CapturesTable;
  userDataVersions: UserDataVersionsTable;
  idempotencyKeys: IdempotencyKeysTable;
  jobs: JobsTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  notificationPreferences: NotificationPreferencesTable;
  notificationChannels: NotificationChannelsTable;
  notifications: NotificationsTable;
  notificationDeliveries: NotificationDeliveriesTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type NewRefreshToken = Insertable<RefreshTokensTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKey = Insertable<ApiKeysTable>;
export type UserSettingsRow = Selectable<UserSettingsTable>;
export type UserSettingsUpdate = Updateable<UserSettingsTable>;

/** A user's CalDAV revision: one more on every change to their own events or tasks (triggers keep it). */
export interface DavSyncTable {
  userId: string;
  revision: ColumnType<number, never, never>;
}
/** The last change of one CalDAV resource (a collection and a UID), written by triggers on events and tasks. */
export interface DavChangesTable {
  userId: string;
  /** 'events', 'inbox', or a project's id. */
  collection: string;
  uid: string;
  /** The name a client gave it (decoded); null: the default (the UID plus ".ics"). */
  name: string | null;
  revision: ColumnType<number, never, never>;
  deleted: ColumnType<boolean, never, never>;
}

export type JobState = 'queued' | 'running' | 'done' | 'dead';
/** A job's payload as read back: any JSON value (never SQL null). */
export type JobPayload = object | string | number | boolean;

/** A background job (jobs migration): claimed with a lease, retried with backoff, dead after `maxAttempts`. */
export interface JobsTable {
  id: GeneratedAlways<number>;
  /** The handler's name (`calendar.refresh`). */
  kind: string;
  /** The handler's input, JSON (at most 16 KiB as text). */
  payload: JobPayload;
  /** The user the job is for; null for the system's own jobs. */
  userId: string | null;
  /** Unique per kind: enqueueing the same key again makes no second job. */
  idempotencyKey: string | null;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  runAt: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Claims so far, the running one included. */
  attempts: Generated<number>;
  maxAttempts: Generated<number>;
  /** The worker holding the lease. */
  lockedBy: string | null;
  lockedUntil: NullableTimestamp;
  lastError: string | null;
  createdAt: CreatedAt;
  finishedAt: NullableTimestamp;
}

/** A receiver of a user's outgoing webhooks (webhooks migration); `secret` signs, so it is kept as written. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  userId: string;
  url: string;
  description: ColumnType<string, string | undefined, string>;
  /** `whsec_` + base64: the Standard Webhooks signing secret. */
  secret: string;
  /** The secret before the last rotation, still signing until `previousExpiresAt`. */
  previousSecret: ColumnType<string | null, string | null | undefined, string | null>;
  previousExpiresAt: NullableTimestamp;
  eventTypes: string[];
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type WebhookDeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

/** One event for one endpoint (webhooks migration): what is sent, and its last attempt's outcome. */
export interface WebhookDeliveriesTable {
  /** The `webhook-id` header, the same on every attempt and replay. */
  id: string;
  userId: string;
  endpointId: string;
  eventType: string;
  /** The JSON body, byte for byte what every attempt sends. */
  body: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: Generated<number>;
  replays: Generated<number>;
  responseStatus: ColumnType<number | null, number | null | undefined, number | null>;
  latencyMs: ColumnType<number | null, number | null | undefined, number | null>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
  lastAttemptAt: NullableTimestamp;
}

/** When and how a user is reminded (notifications migration); local times are `HH:MM` in the user's zone. */
export interface NotificationPreferencesTable {
  userId: string;
  taskReminders: Generated<boolean>;
  taskTime: Generated<string>;
  taskOffsetMinutes: Generated<number>;
  agendaTime: ColumnType<string | null, string | null | undefined, string | null>;
  quietStart: ColumnType<string | null, string | null | undefined, string | null>;
  quietEnd: ColumnType<string | null, string | null | undefined, string | null>;
  lateWindowMinutes: Generated<number>;
  /** Kinds of notification the user unsubscribed from by email. */
  emailOffKinds: ColumnType<string[], string[] | undefined, string[]>;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type NotificationChannelKind = 'webpush' | 'email';
export type NotificationKind = 'task' | 'agenda' | 'test';
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'gone' | 'skipped';

/** Where a user is reached: a Web Push subscription (one per device) or their email channel. */
export interface NotificationChannelsTable {
  id: Generated<string>;
  userId: string;
  kind: NotificationChannelKind;
  label: ColumnType<string, string | undefined, string>;
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
  address: string | null;
  status: ColumnType<'ok' | 'failing', 'ok' | 'failing' | undefined, 'ok' | 'failing'>;
  lastError: string | null;
  lastSuccessAt: NullableTimestamp;
  createdAt: CreatedAt;
}

/** What was sent (or dropped after downtime), one per reminder job's key. */
export interface NotificationsTable {
  id: GeneratedAlways<number>;
  userId: string;
  kind: NotificationKind;
  sourceKey: string;
  title: string;
  body: string;
  url: string | null;
  dueAt: Timestamp;
  sentAt: NullableTimestamp;
  late: Generated<boolean>;
  status: 'sent' | 'dropped';
  createdAt: CreatedAt;
}

/** One notification on one channel: what a retried delivery reads first. */
export interface NotificationDeliveriesTable {
  id: GeneratedAlways<number>;
  userId: string;
  notificationId: number;
  channelId: string | null;
  channelKind: NotificationChannelKind;
  channelLabel: ColumnType<string, string | undefined, string>;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  lastError: string | null;
  sentAt: NullableTimestamp;
}

/** A mutation applied under an Idempotency-Key (idempotency_keys migration): what a repeat of it is answered. */
export interface IdempotencyKeysTable {
  userId: string;
  key: string;
  /** The procedure's path (`captures.create`). */
  path: string;
  /** SHA-256 (hex) of the input as the procedure received it. */
  inputHash: string;
  /** The superjson JSON text of the answer; null when it was over the bound and not kept. */
  answer: string | null;
  createdAt: CreatedAt;
}

export interface EventsTable {
  id: Generated<string>;
  userId: string;
  title: string;
  description: string | null;
  location: string | null;
  startsAt: Timestamp;
  endsAt: Timestamp;
  allDay: Generated<boolean>;
  timezone: string;
  rrule: string | null;
  exdates: ColumnType<Date[], Date[] | undefined, Date[]>;
  /** Extra dates of a series (RDATE): their starts, and one for one their ends (null: the series' length). */
  rdates: ColumnType<Date[], Date[] | undefined, Date[]>;
  rdateEnds: ColumnType<(Date | null)[], (Date | null)[] | undefined, (Date | null)[]>;
  /** The revision (SEQUENCE): the file's on import, one more on every change of the time or rule. */
  sequence: ColumnType<number, number | undefined, number>;
  /** An imported event's lines Life OS does not interpret (alarms, attendees, X- properties), written back as they were. */
  icsKept: ColumnType<string | null, string | null | undefined, string | null>;
  /** The resource name a CalDAV client gave the event (its href's last segment); null: the UID's default name. */
  davName: ColumnType<string | null, string | null | undefined, string | null>;
  seriesEndsAt: NullableTimestamp;
  icsUid: string;
  recurrenceId: NullableTimestamp;
  seriesId: string | null;
  /** Set on the read-only copies of a subscribed calendar's events (calendar subscriptions migration). */
  subscriptionId: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type EventUpdate = Updateable<EventsTable>;

/** An external .ics calendar the user subscribes to; its events are copied into `events` on each refresh. */
export interface CalendarSubscriptionsTable {
  id: Generated<string>;
  userId: string;
  name: string;
  url: string;
  color: string | null;
  etag: string | null;
  lastModified: string | null;
  lastRefreshedAt: NullableTimestamp;
  lastError: string | null;
  lastErrorAt: NullableTimestamp;
  failureCount: Generated<number>;
  nextRefreshAt: ColumnType<Date, Date | string | undefined, Date | string>;
  lockedUntil: NullableTimestamp;
  /** The first events the last good refresh left out (jsonb, at most 100, bounded by core's service). */
  skippedEvents: Generated<SubscriptionSkippedEvent[]>;
  /** How many it left out in all (may exceed the stored list). */
  skippedTotal: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}
/** An event of a subscribed feed that its last good refresh could not store, and why. */
export interface SubscriptionSkippedEvent {
  uid: string | null;
  summary: string | null;
  reason: string;
}
export type CalendarSubscriptionRow = Selectable<CalendarSubscriptionsTable>;
export type NewCalendarSubscription = Insertable<CalendarSubscriptionsTable>;
export type CalendarSubscriptionUpdate = Updateable<CalendarSubscriptionsTable>;

export type JournalEntryType = 'morning_pages' | 'daily_reflection' | 'weekly_review';
/** An entry's content as stored (jsonb); its shape per type is validated by core's journal schemas. */
export type JournalContent = { [key: string]: unknown };

export interface JournalEntriesTable {
  id: Generated<string>;
  userId: string;
  type: JournalEntryType;
  /** The user's local calendar date, 'YYYY-MM-DD' (never a Date: no time zone may shift it). */
  entryDate: string;
  content: JournalContent;
  wordCount: Generated<number>;
  /** Derived from the content by the database (migration 20261126010000_journal_excerpt); never written. */
  excerpt: GeneratedAlways<string>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type JournalEntryRow = Selectable<JournalEntriesTable>;
export type NewJournalEntry = Insertable<JournalEntriesTable>;

// ---------- fitness ----------

/** A numeric column: read as the exact decimal string the driver returns, written as a number or a string. */
type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type ExerciseCategory = 'strength' | 'cardio' | 'mobility';

export interface ExercisesTable {
  id: Generated<string>;
  /** Null for the built-in library every user sees. */
  userId: string | null;
  name: string;
  category: ExerciseCategory;
  primaryMuscles: ColumnType<string[], string[] | undefined, string[]>;
  secondaryMuscles: ColumnType<string[], string[] | undefined, string[]>;
  equipment: string;
  archivedAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ProgramsTable {
  id: Generated<string>;
  userId: string;
  name: string;
  notes: string | null;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface ProgramDaysTable {
  id: Generated<string>;
  userId: string;
  programId: string;
  position: number;
  name: string;
}

export interface ProgramExercisesTable {
  id: Generated<string>;
  userId: string;
  programDayId: string;
  exerciseId: string;
  position: number;
  supersetGroup: number | null;
  targetSets: number;
  repMin: number | null;
  repMax: number | null;
  targetWeightKg: NullableNumeric;
  targetRpe: NullableNumeric;
  targetRir: number | null;
  restSeconds: number | null;
  incrementKg: ColumnType<string, number | string | undefined, number | string>;
}

export interface WorkoutSessionsTable {
  id: Generated<string>;
  userId: string;
  programDayId: string | null;
  name: string;
  startedAt: Timestamp;
  finishedAt: NullableTimestamp;
  notes: string | null;
  /** Notes written on an exercise in this workout, in file order (migration 20261207120000; core checks the shape). */
  exerciseNotes: Generated<WorkoutExerciseNote[]>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

/** A note on an exercise in a workout: it comes before the session's set at `position`. */
export interface WorkoutExerciseNote {
  position: number;
  exerciseName: string;
  note: string;
}

export type WorkoutSetType = 'normal' | 'warmup' | 'dropset' | 'failure';

export interface WorkoutSetsTable {
  id: Generated<string>;
  userId: string;
  sessionId: string;
  exerciseId: string;
  position: number;
  reps: number | null;
  weightKg: NullableNumeric;
  rpe: NullableNumeric;
  durationS: number | null;
  distanceM: NullableNumeric;
  setType: Generated<WorkoutSetType>;
  /** Derived from setType by the database (migration 20261207120000); never written. */
  isWarmup: GeneratedAlways<boolean>;
  note: string | null;
  /** The exercise's name as the imported file wrote it (null: logged in the app); exerciseId is only its link. */
  sourceName: string | null;
  /** False for a planned set pre-filled from a program and not yet logged. */
  completed: Generated<boolean>;
  createdAt: CreatedAt;
}

export interface BodyWeightsTable {
  id: Generated<string>;
  userId: string;
  /** 'YYYY-MM-DD'. */
  measuredOn: string;
  weightKg: Numeric;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export type ExerciseRow = Selectable<ExercisesTable>;
export type NewExercise = Insertable<ExercisesTable>;
export type ExerciseUpdate = Updateable<ExercisesTable>;
export type NewProgramDay = Insertable<ProgramDaysTable>;
export type NewProgramExercise = Insertable<ProgramExercisesTable>;
export type WorkoutSessionRow = Selectable<WorkoutSessionsTable>;
export type WorkoutSetRow = Selectable<WorkoutSetsTable>;
export type NewWorkoutSet = Insertable<WorkoutSetsTable>;
export type WorkoutSetUpdate = Updateable<WorkoutSetsTable>;

// ---------- projects, tasks and captures ----------

export type ProjectStatus = 'active' | 'on_hold' | 'completed' | 'archived';
export type TaskStatus = 'todo' | 'doing' | 'done';
export type CaptureStatus = 'inbox' | 'processed' | 'archived';
export type CaptureTargetKind = 'task' | 'event' | 'journal';

export interface ProjectsTable {
  id: Generated<string>;
  userId: string;
  name: string;
  description: string | null;
  status: Generated<ProjectStatus>;
  area: string | null;
  color: string | null;
  /** 'YYYY-MM-DD'. */
  targetDate: string | null;
  completedAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface TasksTable {
  id: Generated<string>;
  userId: string;
  projectId: string | null;
  title: string;
  notes: string | null;
  status: Generated<TaskStatus>;
  /** 0 none, 1 low, 2 medium, 3 high. */
  priority: Generated<number>;
  labels: ColumnType<string[], string[] | undefined, string[]>;
  /** 'YYYY-MM-DD' in the user's time zone. */
  dueDate: string | null;
  /** Manual order within the project (or among tasks without one). */
  position: Generated<number>;
  /** A repeat rule (RFC 5545 RRULE value), or… */
  rrule: string | null;
  /** …"N days after completion". */
  repeatAfterDays: number | null;
  /** Shared by every occurrence of a repeating task. */
  seriesId: string | null;
  completedAt: NullableTimestamp;
  sourceCaptureId: string | null;
  /** The UID a CalDAV client gave the task (VTODO); null: the task's id is its UID. */
  icsUid: ColumnType<string | null, string | null | undefined, string | null>;
  /** The resource name a CalDAV client gave the task; null: the UID's default name. */
  davName: ColumnType<string | null, string | null | undefined, string | null>;
  /** A VTODO's lines Life OS does not interpret (alarms, relations, X- properties), written back as they were. */
  icsKept: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CapturesTable {
  id: Generated<string>;
  userId: string;
  text: string;
  url: string | null;
  status: Generated<CaptureStatus>;
  processedIntoKind: CaptureTargetKind | null;
  processedIntoId: string | null;
  processedAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Moved on by triggers whenever the user's data changes (migration 20261126000000_data_versions). */
export interface UserDataVersionsTable {
  userId: string;
  version: ColumnType<number, never, never>;
}

export type ProjectRow = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export type ProjectUpdate = Updateable<ProjectsTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type CaptureRow = Selectable<CapturesTable>;
export type NewCapture = Insertable<CapturesTable>;
