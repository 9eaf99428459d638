// The browser-safe entry: zod schemas and their types only. Never import a server module from here.
export * from './auth/api-keys.schemas.js';
export * from './auth/auth.schemas.js';
export * from './calendar/calendar.schemas.js';
export * from './calendar/subscriptions.schemas.js';
export * from './captures/captures.schemas.js';
export * from './common/common.schemas.js';
// Local dates and weeks are pure and browser-safe: the web app counts "today" and weeks with the same functions.
export * from './common/local-date.js';
// Dashboard rules (weeks of volume, "on this day", the correlation sentence) are pure and browser-safe.
export * from './dashboard/dashboard.rules.js';
export * from './dashboard/dashboard.schemas.js';
export * from './data/data.schemas.js';
// Fitness rules (1RM, progression, next day) and unit conversion are pure and browser-safe.
export * from './fitness/fitness.rules.js';
export * from './fitness/fitness.schemas.js';
export * from './fitness/fitness.units.js';
// Journal rules (word counts, streaks) are pure and browser-safe: the editor counts words with them.
export * from './journal/journal.rules.js';
export * from './journal/journal.schemas.js';
export * from './notifications/notifications.schemas.js';
export * from './projects/projects.schemas.js';
export * from './reminders/reminders.schemas.js';
export * from './search/search.schemas.js';
export * from './settings/settings.schemas.js';
export * from './tasks/tasks.schemas.js';
export * from './webhooks/webhooks.schemas.js';
