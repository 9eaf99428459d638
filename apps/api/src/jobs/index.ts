/**
 * The background jobs of one server process: one durable runner (runner.ts) with every job kind, built from the
 * composition root. Each kind says at its definition why it is safe on several replicas. A new kind: a handler
 * (`JobKind`) in its own file here, added to `kinds` below (and to `recurring` when it runs on a schedule); other
 * code enqueues it through core's `jobsService.enqueueJob`.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppServices } from '../services.js';
import { calendarRefreshJob, calendarRefreshSchedule } from './calendar-refresh.js';
import { cleanupJob, cleanupSchedule } from './cleanup.js';
import { maintenanceJob, maintenanceSchedule } from './maintenance.js';
import { notifyDeliverJob } from './notify-deliver.js';
import { agendaJob, agendaSweepJob, agendaSweepSchedule, taskReminderJob } from './reminders.js';
import { type JobKind, JobRunner, type RecurringJob, type RunnerOptions } from './runner.js';
import { webhookDeliverJob } from './webhook-deliver.js';

/** What a server may tune of its runner. */
export type JobRunnerOptions = Partial<Pick<RunnerOptions, 'concurrency' | 'pollMs' | 'leaseMs' | 'workerId'>>;

/** The runner with every kind and schedule, not started. */
export function createJobRunner(
  services: AppServices,
  log: FastifyBaseLogger,
  options: JobRunnerOptions = {},
): JobRunner {
  const kinds: JobKind[] = [
    calendarRefreshJob(services),
    cleanupJob(services),
    taskReminderJob(services),
    agendaJob(services),
    agendaSweepJob(services),
    notifyDeliverJob(services),
    webhookDeliverJob(services),
  ];
  const recurring: RecurringJob[] = [calendarRefreshSchedule, cleanupSchedule, agendaSweepSchedule];
  if (services.database.driver === 'pglite') {
    kinds.push(maintenanceJob(services));
    recurring.push(maintenanceSchedule);
  }
  return new JobRunner({ db: services.db, clock: services.clock, log, kinds, recurring, ...options });
}
