import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ApiKeyScope = 'read' | 'write';
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
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DB {
  users: UsersTable;
  refreshTokens: RefreshTokensTable;
  apiKeys: ApiKeysTable;
  authAttempts: AuthAttemptsTable;
  userSettings: UserSettingsTable;
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
