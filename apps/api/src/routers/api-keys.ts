import { ZApiKey, ZCreateApiKeyInput, ZCreatedApiKey, ZIdInput, ZOk } from '@lifeos/core/schemas';
import { apiKeysService } from '@lifeos/core/server';
import { z } from 'zod';
import { forgetsCachedCallers, router, sessionProcedure } from '../trpc/init.js';

export const apiKeysRouter = router({
  list: sessionProcedure
    .meta({ description: 'API keys, by prefix, with last use' })
    .output(z.array(ZApiKey))
    .query(({ ctx }) => apiKeysService.listApiKeys(ctx, ctx.user.id)),
  create: sessionProcedure
    .meta({ description: 'Create an API key; the key itself is shown only in this answer' })
    .input(ZCreateApiKeyInput)
    .output(ZCreatedApiKey)
    .mutation(({ ctx, input }) => apiKeysService.createApiKey(ctx, ctx.user.id, input)),
  revoke: sessionProcedure
    .use(forgetsCachedCallers)
    .meta({ description: 'Revoke an API key at once' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await apiKeysService.revokeApiKey(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
});
