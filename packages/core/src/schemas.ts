// The browser-safe entry: zod schemas and their types only. Never import a server module from here.
export * from './auth/auth.schemas.js';
export * from './common/common.schemas.js';
export * from './settings/settings.schemas.js';
