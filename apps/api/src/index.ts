// The package's public face for the web app and the typed client: types only.
export type { AppRouter } from './routers/_app.js';
