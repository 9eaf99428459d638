import {
  ZCreateWebhookEndpointInput,
  ZIdInput,
  ZOk,
  ZUpdateWebhookEndpointInput,
  ZWebhookDeliveriesInput,
  ZWebhookDelivery,
  ZWebhookDeliveryIdInput,
  ZWebhookEndpoint,
  ZWebhookEndpointWithSecret,
} from '@lifeos/core/schemas';
import { webhooksService } from '@lifeos/core/server';
import { z } from 'zod';
import { webhookDeps } from '../services.js';
import { router, sessionProcedure } from '../trpc/init.js';

// Session only, as API keys: an endpoint receives the account's events and its secret is a credential.
export const webhooksRouter = router({
  list: sessionProcedure
    .meta({ description: 'Webhook endpoints (without their secrets)' })
    .output(z.array(ZWebhookEndpoint))
    .query(({ ctx }) => webhooksService.listEndpoints(ctx, ctx.user.id)),
  create: sessionProcedure
    .meta({ description: 'Add a webhook endpoint; its signing secret is shown only in this answer' })
    .input(ZCreateWebhookEndpointInput)
    .output(ZWebhookEndpointWithSecret)
    .mutation(({ ctx, input }) => webhooksService.createEndpoint(webhookDeps(ctx), ctx.user.id, input)),
  update: sessionProcedure
    .meta({ description: "Change a webhook endpoint's URL, events or description, or turn it on or off" })
    .input(ZUpdateWebhookEndpointInput)
    .output(ZWebhookEndpoint)
    .mutation(({ ctx, input }) => webhooksService.updateEndpoint(webhookDeps(ctx), ctx.user.id, input)),
  delete: sessionProcedure
    .meta({ description: 'Delete a webhook endpoint and its delivery log' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await webhooksService.deleteEndpoint(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
  rotateSecret: sessionProcedure
    .meta({ description: 'A new signing secret, shown once; the old one keeps signing beside it for 24 hours' })
    .input(ZIdInput)
    .output(ZWebhookEndpointWithSecret)
    .mutation(({ ctx, input }) => webhooksService.rotateSecret(ctx, ctx.user.id, input.id)),
  deliveries: sessionProcedure
    .meta({ description: "An endpoint's delivery log, newest first" })
    .input(ZWebhookDeliveriesInput)
    .output(z.array(ZWebhookDelivery))
    .query(({ ctx, input }) => webhooksService.listDeliveries(ctx, ctx.user.id, input)),
  replay: sessionProcedure
    .meta({ description: 'Send a failed delivery again, with the same webhook-id' })
    .input(ZWebhookDeliveryIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await webhooksService.replayDelivery(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
});
