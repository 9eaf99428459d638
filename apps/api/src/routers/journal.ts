import {
  ZGetJournalEntryInput,
  ZIdInput,
  ZJournalEntry,
  ZJournalHeatmap,
  ZJournalHeatmapInput,
  ZJournalListPage,
  ZJournalSearchResult,
  ZJournalStreaks,
  ZListJournalEntriesInput,
  ZOk,
  ZSearchJournalInput,
  ZUpsertJournalEntryInput,
} from '@lifeos/core/schemas';
import { journalService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const journalRouter = router({
  get: protectedProcedure
    .meta({ description: 'One entry by type and local date (a weekly review by any day of its week); null if none' })
    .input(ZGetJournalEntryInput)
    .output(ZJournalEntry.nullable())
    .query(({ ctx, input }) => journalService.getEntry(ctx, ctx.user.id, input)),
  upsert: protectedProcedure
    .meta({ description: 'Create or replace the entry of a type and date (idempotent; autosave-friendly)' })
    .input(ZUpsertJournalEntryInput)
    .output(ZJournalEntry)
    .mutation(({ ctx, input }) => journalService.upsertEntry(ctx, ctx.user.id, input)),
  delete: protectedProcedure
    .meta({ description: 'Delete an entry by id' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await journalService.deleteEntry(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
  list: protectedProcedure
    .meta({ description: 'Entries newest first, optionally by type and date range; cursor pagination' })
    .input(ZListJournalEntriesInput)
    .output(ZJournalListPage)
    .query(({ ctx, input }) => journalService.listEntries(ctx, ctx.user.id, input)),
  search: protectedProcedure
    .meta({ description: 'Full-text search over every entry, ranked, with plain-text snippets and match ranges' })
    .input(ZSearchJournalInput)
    .output(z.array(ZJournalSearchResult))
    .query(({ ctx, input }) => journalService.searchEntries(ctx, ctx.user.id, input)),
  streaks: protectedProcedure
    .meta({ description: "Current and longest streak per entry type, in the user's time zone" })
    .output(ZJournalStreaks)
    .query(({ ctx }) => journalService.getStreaks(ctx, ctx.user.id)),
  heatmap: protectedProcedure
    .meta({ description: 'Entries and words per day of a year, for a calendar heatmap' })
    .input(ZJournalHeatmapInput)
    .output(ZJournalHeatmap)
    .query(({ ctx, input }) => journalService.getHeatmap(ctx, ctx.user.id, input)),
});
