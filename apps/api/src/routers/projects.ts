import {
  ZCreateProjectInput,
  ZDeleteProjectInput,
  ZIdInput,
  ZListProjectsInput,
  ZOk,
  ZProject,
  ZUpdateProjectInput,
} from '@lifeos/core/schemas';
import { projectsService } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

export const projectsRouter = router({
  list: protectedProcedure
    .meta({ description: 'Projects, newest first, optionally by status, each with its progress (done/total tasks)' })
    .input(ZListProjectsInput)
    .output(z.array(ZProject))
    .query(({ ctx, input }) => projectsService.listProjects(ctx, ctx.user.id, input)),
  get: protectedProcedure
    .meta({ description: 'One project with its progress' })
    .input(ZIdInput)
    .output(ZProject)
    .query(({ ctx, input }) => projectsService.getProject(ctx, ctx.user.id, input.id)),
  create: protectedProcedure
    .meta({ description: 'Create a project (status, life area, colour, target date)' })
    .input(ZCreateProjectInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => projectsService.createProject(ctx, ctx.user.id, input)),
  update: protectedProcedure
    .meta({ description: 'Change a project; status completed sets completedAt' })
    .input(ZUpdateProjectInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => projectsService.updateProject(ctx, ctx.user.id, input)),
  archive: protectedProcedure
    .meta({ description: 'Archive a project (status archived)' })
    .input(ZIdInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => projectsService.archiveProject(ctx, ctx.user.id, input.id)),
  delete: protectedProcedure
    .meta({ description: "Delete a project; with tasks, say what happens to them: tasks 'delete' or 'detach'" })
    .input(ZDeleteProjectInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await projectsService.deleteProject(ctx, ctx.user.id, input);
      return { ok: true as const };
    }),
});
