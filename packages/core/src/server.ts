// The server entry: domain services. Imports the database layer and native modules; never bundle it for a browser.

export type { ApiKeyGrant } from './auth/api-keys.policy.js';
export * as apiKeyPolicy from './auth/api-keys.policy.js';
export * as apiKeysService from './auth/api-keys.service.js';
export * from './auth/auth.errors.js';
export * from './auth/auth.password.js';
export type {
  AuthConfig,
  AuthDeps,
  ClientInfo,
  IssuedSession,
  RefreshedSession,
  ThrottleConfig,
} from './auth/auth.service.js';
export * as authService from './auth/auth.service.js';
export * from './auth/auth.tokens.js';
export * as caldavService from './caldav/caldav.service.js';
export * as agendaService from './calendar/calendar.agenda.js';
export type { FeedConfig } from './calendar/calendar.service.js';
export * as calendarService from './calendar/calendar.service.js';
export * from './calendar/subscriptions.fetch.js';
export * as subscriptionsService from './calendar/subscriptions.service.js';
export * from './captures/captures.errors.js';
export * as capturesService from './captures/captures.service.js';
export * from './clock.js';
export { eventLoopSlicer } from './common/slices.js';
export { DashboardCache } from './dashboard/dashboard.cache.js';
export * as dashboardService from './dashboard/dashboard.service.js';
export * as dataArchive from './data/data.archive.js';
export * from './data/data.errors.js';
export type { DataDeps, TExportPart } from './data/data.export.js';
export * as dataExport from './data/data.export.js';
export * as dataImport from './data/data.import.js';
export { deepFreeze } from './deep-freeze.js';
export * from './errors.js';
export * from './fitness/fitness.errors.js';
export type { FitnessDeps } from './fitness/fitness.service.js';
export * as fitnessService from './fitness/fitness.service.js';
export type { ClaimedJob, EnqueueJob, FailOutcome, JobsDeps, ScheduleText } from './jobs/jobs.service.js';
export * as jobsService from './jobs/jobs.service.js';
export * from './journal/journal.errors.js';
export * as journalService from './journal/journal.service.js';
export type { NotificationsDeps, Notifier } from './notifications/notifications.service.js';
export * as notificationsService from './notifications/notifications.service.js';
export * from './projects/projects.errors.js';
export * as projectsService from './projects/projects.service.js';
export * as remindersService from './reminders/reminders.service.js';
export * as searchService from './search/search.service.js';
export * as settingsService from './settings/settings.service.js';
export * from './tasks/tasks.errors.js';
export * as tasksService from './tasks/tasks.service.js';
export * from './tasks/tasks.vtodo.js';
export * from './webhooks/webhooks.errors.js';
export type { WebhookDeliverDeps, WebhookEventData, WebhooksDeps } from './webhooks/webhooks.service.js';
export * as webhooksService from './webhooks/webhooks.service.js';
