import { router } from '../trpc/init.js';
import { apiKeysRouter } from './api-keys.js';
import { authRouter } from './auth.js';
import { settingsRouter } from './settings.js';

export const appRouter = router({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
