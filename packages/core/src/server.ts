// The server entry: domain services. Imports the database layer and native modules; never bundle it for a browser.
export * as apiKeysService from './auth/api-keys.service.js';
export * from './auth/auth.errors.js';
export type { AuthConfig, AuthDeps, ClientInfo, IssuedSession, ThrottleConfig } from './auth/auth.service.js';
export * as authService from './auth/auth.service.js';
export * from './auth/password.js';
export * from './auth/tokens.js';
export type { FeedConfig } from './calendar/calendar.service.js';
export * as calendarService from './calendar/calendar.service.js';
export * from './clock.js';
export * from './errors.js';
export * from './fitness/fitness.errors.js';
export type { FitnessDeps } from './fitness/fitness.service.js';
export * as fitnessService from './fitness/fitness.service.js';
export * from './journal/journal.errors.js';
export * as journalService from './journal/journal.service.js';
export * as settingsService from './settings/settings.service.js';
