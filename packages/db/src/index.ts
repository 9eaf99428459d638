export { type Kysely, sql, type Transaction } from 'kysely';
export * from './client.js';
export type * from './database.js';
export * from './migrate.js';
export * as authQueries from './queries/auth.js';
export * as settingsQueries from './queries/settings.js';
export * as userQueries from './queries/users.js';
