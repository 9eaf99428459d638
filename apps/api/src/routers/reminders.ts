import { ZReminderPreferences, ZUpdateReminderPreferencesInput } from '@lifeos/core/schemas';
import { remindersService } from '@lifeos/core/server';
import { protectedProcedure, router } from '../trpc/init.js';

export const remindersRouter = router({
  preferences: protectedProcedure
    .meta({ description: 'When tasks are reminded, the daily agenda, quiet hours and the late window' })
    .output(ZReminderPreferences)
    .query(({ ctx }) => remindersService.getPreferences(ctx, ctx.user.id)),
  updatePreferences: protectedProcedure
    .meta({ description: 'Change the reminder preferences (only the fields given); moves queued reminders' })
    .input(ZUpdateReminderPreferencesInput)
    .output(ZReminderPreferences)
    .mutation(({ ctx, input }) => remindersService.updatePreferences(ctx, ctx.user.id, input)),
});
