import {
  ZCompleteTaskResult,
  ZCreateTaskInput,
  ZIdInput,
  ZListTasksInput,
  ZOk,
  ZReorderTasksInput,
  ZTask,
  ZUpdateTaskInput,
} from '@lifeos/core/schemas';
import { tasksService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const tasksRouter = router({
  list: protectedProcedure
    .meta({
      description:
        "Tasks by project (manual order), status, label, or due view (overdue/today/week in the user's zone)",
    })
    .input(ZListTasksInput)
    .output(z.array(ZTask))
    .query(({ ctx, input }) => tasksService.listTasks(ctx, ctx.user.id, input)),
  create: protectedProcedure
    .meta({ description: 'Create a task at the end of its project; repeat by RRULE or N days after completion' })
    .input(ZCreateTaskInput)
    .output(ZTask)
    .mutation(({ ctx, input }) => tasksService.createTask(ctx, ctx.user.id, input)),
  update: protectedProcedure
    .meta({ description: 'Change a task (status done completes it, as tasks.complete)' })
    .input(ZUpdateTaskInput)
    .output(ZTask)
    .mutation(({ ctx, input }) => tasksService.updateTask(ctx, ctx.user.id, input)),
  complete: protectedProcedure
    .meta({ description: 'Complete a task; a repeating one stays as history and its next occurrence is created' })
    .input(ZIdInput)
    .output(ZCompleteTaskResult)
    .mutation(({ ctx, input }) => tasksService.completeTask(ctx, ctx.user.id, input.id)),
  reorder: protectedProcedure
    .meta({ description: "Put a project's tasks in the given order, in one transaction" })
    .input(ZReorderTasksInput)
    .output(z.array(ZTask))
    .mutation(({ ctx, input }) => tasksService.reorderTasks(ctx, ctx.user.id, input)),
  delete: protectedProcedure
    .meta({ description: 'Delete a task' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await tasksService.deleteTask(ctx, ctx.user.id, input.id);
      return { ok: true as const };
    }),
});
