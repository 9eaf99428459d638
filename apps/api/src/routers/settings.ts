import { ZSettings, ZUpdateSettingsInput } from '@lifeos/core/schemas';
import { settingsService } from '@lifeos/core/server';
import { forgetsCachedCallers, protectedProcedure, router } from '../trpc/init.js';

export const settingsRouter = router({
  get: protectedProcedure
    .meta({ description: 'Profile and preferences' })
    .output(ZSettings)
    .query(({ ctx }) => settingsService.getSettings(ctx, ctx.user.id)),
  update: protectedProcedure
    .use(forgetsCachedCallers)
    .meta({ description: 'Change profile and preferences (only the fields given)' })
    .input(ZUpdateSettingsInput)
    .output(ZSettings)
    .mutation(({ ctx, input }) => settingsService.updateSettings(ctx, ctx.user.id, input)),
});
