// The server entry: domain services. Imports the database layer and native modules; never bundle it for a browser.
export * as apiKeysService from './auth/api-keys.service.js';
export * from './auth/auth.errors.js';
export type { AuthConfig, AuthDeps, ClientInfo, IssuedSession, ThrottleConfig } from './auth/auth.service.js';
export * as authService from './auth/auth.service.js';
export * from './auth/password.js';
export * from './auth/tokens.js';
export * from './clock.js';
export * from './errors.js';
export * as settingsService from './settings/settings.service.js';
