import {
  ZChannel,
  ZChannelIdInput,
  ZChannels,
  ZNotificationList,
  ZOk,
  ZPushSubscriptionInput,
  ZSetEmailInput,
} from '@lifeos/core/schemas';
import { notificationsService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const notificationsRouter = router({
  channels: protectedProcedure
    .meta({ description: 'Where notifications go: this user’s devices (Web Push) and email, with their status' })
    .output(ZChannels)
    .query(({ ctx }) => notificationsService.listChannels(ctx, ctx.user.id)),
  subscribePush: protectedProcedure
    .meta({ description: 'Store this device’s Web Push subscription' })
    .input(ZPushSubscriptionInput)
    .output(ZChannel)
    .mutation(({ ctx, input }) => notificationsService.subscribePush(ctx, ctx.user.id, input)),
  setEmail: protectedProcedure
    .meta({ description: 'Turn email notifications on (to the account’s address or another) or off' })
    .input(ZSetEmailInput)
    .output(ZChannels)
    .mutation(({ ctx, input }) => notificationsService.setEmail(ctx, ctx.user.id, input)),
  removeChannel: protectedProcedure
    .meta({ description: 'Remove a device or the email channel' })
    .input(ZChannelIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await notificationsService.removeChannel(ctx, ctx.user.id, input.channelId);
      return { ok: true as const };
    }),
  sendTest: protectedProcedure
    .meta({ description: 'Send a test notification to one channel' })
    .input(ZChannelIdInput)
    .output(z.object({ notificationId: z.number().int() }))
    .mutation(({ ctx, input }) => notificationsService.sendTest(ctx, ctx.user.id, input.channelId)),
  list: protectedProcedure
    .meta({ description: 'What was sent in the last 30 days, with its delivery on each channel' })
    .output(ZNotificationList)
    .query(({ ctx }) => notificationsService.listNotifications(ctx, ctx.user.id)),
});
