import { dashboardService, remindersService } from '@lifeos/core/server';
import type { AppServices } from '../services.js';
import type { JobKind, RecurringJob } from './runner.js';

/**
 * A task's reminder (`reminder.task`, keyed by the task and its instants, enqueued with the task's write). Re-reads
 * the task at send time; the notification it records is keyed by the task and instant, so running twice records
 * (and delivers) once.
 */
export const taskReminderJob = (services: Pick<AppServices, 'db' | 'clock'>): JobKind => ({
  kind: remindersService.TASK_REMINDER_JOB,
  timeoutMs: 60_000,
  run: async (payload, context) => {
    if (!context.userId) throw new Error('A reminder belongs to a user');
    const outcome = await remindersService.runTaskReminder(
      services,
      context.userId,
      remindersService.readTaskReminderPayload(payload),
    );
    context.log.debug({ outcome }, 'task reminder');
  },
});

/** The daily agenda (`reminder.agenda`, keyed by user, day and time): sends today's and queues tomorrow's. */
export const agendaJob = (services: AppServices): JobKind => ({
  kind: remindersService.AGENDA_JOB,
  timeoutMs: 60_000,
  run: async (payload, context) => {
    if (!context.userId) throw new Error('An agenda belongs to a user');
    const outcome = await remindersService.runAgenda(
      { ...services, today: (userId) => dashboardService.today(services, userId) },
      context.userId,
      remindersService.readAgendaPayload(payload),
    );
    context.log.debug({ outcome }, 'daily agenda');
  },
});

/**
 * Hourly: every user with an agenda has their next one queued (idempotent by its key), so a chain broken by
 * downtime resumes. Any replica may run it.
 */
export const agendaSweepJob = (services: AppServices): JobKind => ({
  kind: remindersService.AGENDA_SWEEP_JOB,
  run: async (_payload, context) => {
    const users = await remindersService.sweepAgendas(services);
    context.log.debug({ users }, 'agenda sweep');
  },
});

export const agendaSweepSchedule: RecurringJob = {
  kind: remindersService.AGENDA_SWEEP_JOB,
  every: 'hourly',
  firstRunDelayMs: 60_000,
  maxAttempts: 3,
};
