import {
  ZCreateEventInput,
  ZDeleteEventInput,
  ZEvent,
  ZExportIcs,
  ZFeed,
  ZIdInput,
  ZImportIcsInput,
  ZImportReport,
  ZListEventsInput,
  ZOccurrence,
  ZOk,
  ZUpdateEventInput,
} from '@lifeos/core/schemas';
import { calendarService } from '@lifeos/core/server';
import { z } from 'zod';
import type { Context } from '../trpc/context.js';
import { protectedProcedure, router } from '../trpc/init.js';

/** Feed tokens are derived from the signing key; the URL names the app's first origin. */
const feedDeps = (ctx: Context) => ({
  ...ctx,
  feed: { secretKey: ctx.config.auth.secretKey, origin: ctx.config.appOrigins[0] ?? '' },
});

export const calendarRouter = router({
  events: router({
    list: protectedProcedure
      .meta({ description: 'Occurrences in [from, to) (at most 400 days), recurrences expanded, sorted by start' })
      .input(ZListEventsInput)
      .output(z.array(ZOccurrence))
      .query(({ ctx, input }) => calendarService.listOccurrences(ctx, ctx.user.id, input)),
    get: protectedProcedure
      .meta({ description: 'One stored event: a single event, a series, or a detached occurrence' })
      .input(ZIdInput)
      .output(ZEvent)
      .query(({ ctx, input }) => calendarService.getEvent(ctx, ctx.user.id, input.id)),
    create: protectedProcedure
      .meta({ description: 'Create an event, optionally recurring' })
      .input(ZCreateEventInput)
      .output(ZEvent)
      .mutation(({ ctx, input }) => calendarService.createEvent(ctx, ctx.user.id, input)),
    update: protectedProcedure
      .meta({ description: 'Edit an event: the series (default), one occurrence, or this and following' })
      .input(ZUpdateEventInput)
      .output(ZEvent)
      .mutation(({ ctx, input }) => calendarService.updateEvent(ctx, ctx.user.id, input)),
    delete: protectedProcedure
      .meta({ description: 'Delete an event: the series (default), one occurrence, or this and following' })
      .input(ZDeleteEventInput)
      .output(ZOk)
      .mutation(async ({ ctx, input }) => {
        await calendarService.deleteEvent(ctx, ctx.user.id, input);
        return { ok: true as const };
      }),
  }),
  importIcs: protectedProcedure
    .meta({ description: 'Import an .ics file (idempotent by UID); reports what was imported, updated and skipped' })
    .input(ZImportIcsInput)
    .output(ZImportReport)
    .mutation(({ ctx, input }) => calendarService.importIcs(ctx, ctx.user.id, input.ics)),
  exportIcs: protectedProcedure
    .meta({ description: 'Every event as an .ics file' })
    .output(ZExportIcs)
    .query(({ ctx }) => calendarService.exportIcs(ctx, ctx.user.id)),
  feed: router({
    get: protectedProcedure
      .meta({ description: 'The secret subscription URL of the calendar (created on the first call)' })
      .output(ZFeed)
      .query(({ ctx }) => calendarService.getFeed(feedDeps(ctx), ctx.user.id)),
    rotate: protectedProcedure
      .meta({ description: 'A new subscription URL; the old one stops working at once' })
      .output(ZFeed)
      .mutation(({ ctx }) => calendarService.rotateFeed(feedDeps(ctx), ctx.user.id)),
  }),
});
