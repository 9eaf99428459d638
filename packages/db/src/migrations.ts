import type { Migration } from 'kysely/migration';
import * as m20261125000000 from '../migrations/20261125000000_auth.js';
import * as m20261125100000 from '../migrations/20261125100000_journal.js';
import * as m20261125110000 from '../migrations/20261125110000_calendar.js';
import * as m20261125120000 from '../migrations/20261125120000_fitness.js';
import * as m20261125120100 from '../migrations/20261125120100_fitness_exercise_seed.js';
import * as m20261125130000 from '../migrations/20261125130000_projects_tasks_captures.js';
import * as m20261125140000 from '../migrations/20261125140000_calendar_subscriptions.js';
import * as m20261125150000 from '../migrations/20261125150000_calendar_feed_tasks.js';
import * as m20261125160000 from '../migrations/20261125160000_dashboard_indexes.js';
import * as m20261125170000 from '../migrations/20261125170000_search_indexes.js';
import * as m20261125180000 from '../migrations/20261125180000_foreign_key_indexes.js';
import * as m20261126000000 from '../migrations/20261126000000_data_versions.js';
import * as m20261126010000 from '../migrations/20261126010000_journal_excerpt.js';
import * as m20261127000000 from '../migrations/20261127000000_subscription_skipped.js';
import * as m20261207110000 from '../migrations/20261207110000_event_rdates.js';
import * as m20261207120000 from '../migrations/20261207120000_workout_csv_lossless.js';
import * as m20261207130000 from '../migrations/20261207130000_event_sequence_kept.js';
import * as m20261207140000 from '../migrations/20261207140000_dav_sync.js';
import * as m20261207150000 from '../migrations/20261207150000_idempotency_keys.js';
import * as m20261207160000 from '../migrations/20261207160000_jobs.js';
import * as m20261207170000 from '../migrations/20261207170000_api_key_permissions.js';
import * as m20261207171000 from '../migrations/20261207171000_dashboard_cards.js';
import * as m20261207180000 from '../migrations/20261207180000_notifications.js';
import * as m20261207180500 from '../migrations/20261207180500_webhooks.js';

/**
 * Every migration, by name. A static map rather than FileMigrationProvider because a native import() of .ts
 * files fails under vitest and in the bundled server. `pnpm --filter @lifeos/db kysely migrate:make <name>` creates the file; add it here.
 */
export const migrations: Record<string, Migration> = {
  '20261125000000_auth': m20261125000000,
  '20261125100000_journal': m20261125100000,
  '20261125110000_calendar': m20261125110000,
  '20261125120000_fitness': m20261125120000,
  '20261125120100_fitness_exercise_seed': m20261125120100,
  '20261125130000_projects_tasks_captures': m20261125130000,
  '20261125140000_calendar_subscriptions': m20261125140000,
  '20261125150000_calendar_feed_tasks': m20261125150000,
  '20261125160000_dashboard_indexes': m20261125160000,
  '20261125170000_search_indexes': m20261125170000,
  '20261125180000_foreign_key_indexes': m20261125180000,
  '20261126000000_data_versions': m20261126000000,
  '20261126010000_journal_excerpt': m20261126010000,
  '20261127000000_subscription_skipped': m20261127000000,
  '20261207110000_event_rdates': m20261207110000,
  '20261207120000_workout_csv_lossless': m20261207120000,
  '20261207130000_event_sequence_kept': m20261207130000,
  '20261207140000_dav_sync': m20261207140000,
  '20261207150000_idempotency_keys': m20261207150000,
  '20261207160000_jobs': m20261207160000,
  '20261207170000_api_key_permissions': m20261207170000,
  '20261207171000_dashboard_cards': m20261207171000,
  '20261207180000_notifications': m20261207180000,
  '20261207180500_webhooks': m20261207180500,
};
