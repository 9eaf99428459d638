/**
 * The background jobs of one server process, all built from the composition root. Each job says at its top why it
 * is safe on several replicas. Returns a stop function (used on shutdown and by tests).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppServices } from '../services.js';
import { scheduleCalendarRefresh } from './calendar-refresh.js';
import { scheduleCleanup } from './cleanup.js';
import { scheduleMaintenance } from './maintenance.js';

export function scheduleJobs(services: AppServices, log: FastifyBaseLogger): () => void {
  const stops = [
    scheduleCleanup(services, log),
    scheduleCalendarRefresh(services, log),
    scheduleMaintenance(services, log),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
