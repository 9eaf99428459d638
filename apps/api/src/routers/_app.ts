import { router } from '../trpc/init.js';
import { apiKeysRouter } from './api-keys.js';
import { authRouter } from './auth.js';
import { calendarRouter } from './calendar.js';
import { fitnessRouter } from './fitness.js';
import { journalRouter } from './journal.js';
import { settingsRouter } from './settings.js';

export const appRouter = router({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  settings: settingsRouter,
  journal: journalRouter,
  fitness: fitnessRouter,
  calendar: calendarRouter,
});

export type AppRouter = typeof appRouter;
