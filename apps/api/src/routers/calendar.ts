import {
  ZAddSubscriptionInput,
  ZAgenda,
  ZAgendaInput,
  ZCreateEventInput,
  ZDeleteEventInput,
  ZEvent,
  ZExportIcs,
  ZFeed,
  ZIdInput,
  ZImportIcsInput,
  ZImportReport,
  ZListEventsInput,
  ZOccurrenceList,
  ZOk,
  ZSubscription,
  ZUpdateEventInput,
  ZUpdateFeedInput,
} from '@lifeos/core/schemas';
import { agendaService, calendarService, subscriptionsService } from '@lifeos/core/server';
import { z } from 'zod';
import { subscriptionDeps } from '../services.js';
import type { Context } from '../trpc/context.js';
import { protectedProcedure, router, sessionProcedure } from '../trpc/init.js';

/** Feed tokens are derived from the signing key; the URL names the app's first origin. */
const feedDeps = (ctx: Context) => ({
  ...ctx,
  feed: { secretKey: ctx.config.auth.secretKey, origin: ctx.config.appOrigins[0] ?? '' },
});

export const calendarRouter = router({
  events: router({
    list: protectedProcedure
      .meta({
        description:
          'Occurrences in [from, to) (at most 400 days), recurrences expanded, sorted by start; at most 2,000 occurrences and about 4 MB of them: when cut, `truncated` is true and the list is complete up to `completeUntil`',
      })
      .input(ZListEventsInput)
      .output(ZOccurrenceList)
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
  agenda: protectedProcedure
    .meta({
      description:
        'Occurrences, open tasks due (in the user’s time zone) and finished workouts in [from, to), sorted by day; at most 1,000 items: when cut, `truncated` is true and the agenda is complete up to `completeUntil`',
    })
    .input(ZAgendaInput)
    .output(ZAgenda)
    .query(({ ctx, input }) => agendaService.listAgenda(ctx, ctx.user.id, input)),
  importIcs: protectedProcedure
    .meta({ description: 'Import an .ics file (idempotent by UID); reports what was imported, updated and skipped' })
    .input(ZImportIcsInput)
    .output(ZImportReport)
    .mutation(({ ctx, input }) => calendarService.importIcs(ctx, ctx.user.id, input.ics)),
  exportIcs: protectedProcedure
    .meta({ description: 'Every event as an .ics file' })
    .output(ZExportIcs)
    .query(({ ctx }) => calendarService.exportIcs(ctx, ctx.user.id)),
  // The feed URL is a credential of its own that no API key may read or mint: it would outlive the key's
  // revocation. Managing it is for a signed-in browser session, like the keys and the password.
  feed: router({
    get: sessionProcedure
      .meta({ description: 'The secret subscription URL of the calendar (created on the first call)' })
      .output(ZFeed)
      .query(({ ctx }) => calendarService.getFeed(feedDeps(ctx), ctx.user.id)),
    rotate: sessionProcedure
      .meta({ description: 'A new subscription URL; the old one stops working at once' })
      .output(ZFeed)
      .mutation(({ ctx }) => calendarService.rotateFeed(feedDeps(ctx), ctx.user.id)),
    update: sessionProcedure
      .meta({ description: 'Choose whether the feed also lists open tasks’ due dates as all-day events' })
      .input(ZUpdateFeedInput)
      .output(ZFeed)
      .mutation(({ ctx, input }) => calendarService.updateFeed(feedDeps(ctx), ctx.user.id, input)),
  }),
  subscriptions: router({
    list: protectedProcedure
      .meta({ description: 'Subscribed external calendars with their last refresh and last error' })
      .output(z.array(ZSubscription))
      .query(({ ctx }) => subscriptionsService.listSubscriptions(ctx, ctx.user.id)),
    add: protectedProcedure
      .meta({
        description:
          'Subscribe to an .ics URL and fetch it once; refused for non-http(s) or private addresses, kept with its error when the fetch fails',
      })
      .input(ZAddSubscriptionInput)
      .output(ZSubscription)
      .mutation(({ ctx, input }) => subscriptionsService.addSubscription(subscriptionDeps(ctx), ctx.user.id, input)),
    refresh: protectedProcedure
      .meta({ description: 'Fetch a subscribed calendar now; a failure is recorded in lastError' })
      .input(ZIdInput)
      .output(ZSubscription)
      .mutation(({ ctx, input }) =>
        subscriptionsService.refreshSubscription(subscriptionDeps(ctx), ctx.user.id, input.id),
      ),
    remove: protectedProcedure
      .meta({ description: 'Unsubscribe; the calendar’s events are removed with it' })
      .input(ZIdInput)
      .output(ZOk)
      .mutation(async ({ ctx, input }) => {
        await subscriptionsService.removeSubscription(ctx, ctx.user.id, input.id);
        return { ok: true as const };
      }),
  }),
});
