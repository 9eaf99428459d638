import { router } from '../trpc/init.js';
import { apiKeysRouter } from './api-keys.js';
import { authRouter } from './auth.js';
import { calendarRouter } from './calendar.js';
import { capturesRouter } from './captures.js';
import { dashboardRouter } from './dashboard.js';
import { dataRouter } from './data.js';
import { fitnessRouter } from './fitness.js';
import { journalRouter } from './journal.js';
import { notificationsRouter } from './notifications.js';
import { projectsRouter } from './projects.js';
import { remindersRouter } from './reminders.js';
import { searchRouter } from './search.js';
import { settingsRouter } from './settings.js';
import { tasksRouter } from './tasks.js';
import { webhooksRouter } from './webhooks.js';

export const appRouter = router({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  settings: settingsRouter,
  journal: journalRouter,
  fitness: fitnessRouter,
  calendar: calendarRouter,
  projects: projectsRouter,
  tasks: tasksRouter,
  captures: capturesRouter,
  dashboard: dashboardRouter,
  data: dataRouter,
  search: searchRouter,
  webhooks: webhooksRouter,
  reminders: remindersRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
