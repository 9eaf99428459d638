import { ZSearchAllInput, ZSearchResult } from '@lifeos/core/schemas';
import { searchService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const searchRouter = router({
  all: protectedProcedure
    .meta({
      description:
        'Search journal entries, tasks, projects, captures and your own events at once: ranked, with plain-text ' +
        'snippets, match ranges and the web route of each result. Words are prefix-matched; "quotes", -word and ' +
        'or use web-search syntax',
    })
    .input(ZSearchAllInput)
    .output(z.array(ZSearchResult))
    .query(({ ctx, input }) => searchService.searchAll(ctx, ctx.user.id, input)),
});
