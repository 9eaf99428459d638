import {
  ZCapture,
  ZCreateCaptureInput,
  ZIdInput,
  ZListCapturesInput,
  ZOk,
  ZParseCaptureInput,
  ZParsedCapture,
  ZProcessCaptureInput,
  ZProcessCaptureResult,
} from '@lifeos/core/schemas';
import { capturesService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const capturesRouter = router({
  create: protectedProcedure
    .meta({ description: 'Capture a thought or a link into the inbox (one insert)' })
    .input(ZCreateCaptureInput)
    .output(ZCapture)
    .mutation(({ ctx, input }) => capturesService.createCapture(ctx, ctx.user.id, input)),
  list: protectedProcedure
    .meta({ description: 'Captures by status (default: the inbox), oldest first' })
    .input(ZListCapturesInput)
    .output(z.array(ZCapture))
    .query(({ ctx, input }) => capturesService.listCaptures(ctx, ctx.user.id, input)),
  process: protectedProcedure
    .meta({ description: 'Turn a capture into a task, an event or a journal note, in one transaction' })
    .input(ZProcessCaptureInput)
    .output(ZProcessCaptureResult)
    .mutation(({ ctx, input }) => capturesService.processCapture(ctx, ctx.user.id, input)),
  parse: protectedProcedure
    .meta({
      description: 'Quick-add: the due date, #labels, +project, !priority and title a text proposes (saves nothing)',
    })
    .input(ZParseCaptureInput)
    .output(ZParsedCapture)
    .query(({ ctx, input }) => capturesService.parseCapture(ctx, ctx.user.id, input)),
  archive: protectedProcedure
    .meta({ description: 'Archive a capture without processing it' })
    .input(ZIdInput)
    .output(ZCapture)
    .mutation(({ ctx, input }) => capturesService.archiveCapture(ctx, ctx.user.id, input.id)),
  delete: protectedProcedure
    .meta({ description: 'Delete a capture' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await capturesService.deleteCapture(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
});
