import { ZDashboardToday, ZWeekFacts, ZWeekFactsInput } from '@lifeos/core/schemas';
import { dashboardService } from '@lifeos/core/server';
import { protectedProcedure, router } from '../trpc/init.js';
import { checkedOnce } from '../trpc/kept-output.js';

export const dashboardRouter = router({
  today: protectedProcedure
    .meta({
      description:
        "The day at a glance in one round trip: journal and streaks, today's agenda, inbox, active projects, this " +
        "week's training and records, mood and body-weight trends, on this day, and one correlation",
    })
    // Kept answers (DashboardCache) are validated and serialized once.
    .output(checkedOnce(ZDashboardToday))
    .query(({ ctx }) => dashboardService.today(ctx, ctx.user.id)),
  weekFacts: protectedProcedure
    .meta({ description: 'Facts of a week for the weekly review: tasks done, workouts and volume, days written, mood' })
    .input(ZWeekFactsInput)
    .output(ZWeekFacts)
    .query(({ ctx, input }) => dashboardService.weekFacts(ctx, ctx.user.id, input)),
});
