import { z } from 'zod';
import { ZCalendarDate, ZId } from '../common/common.schemas.js';

export const PROJECT_STATUSES = ['active', 'on_hold', 'completed', 'archived'] as const;
export const ZProjectStatus = z.enum(PROJECT_STATUSES);
export type TProjectStatus = z.infer<typeof ZProjectStatus>;

export const PROJECT_NAME_MAX = 200;
export const PROJECT_DESCRIPTION_MAX = 10_000;
export const PROJECT_AREA_MAX = 60;

const ZProjectName = z
  .string()
  .trim()
  .min(1, { error: 'Give the project a name' })
  .max(PROJECT_NAME_MAX, { error: `A project name can be at most ${PROJECT_NAME_MAX} characters` });
/** A colour as #rrggbb. */
export const ZColor = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, { error: 'Expected a colour as #rrggbb' });

const projectFields = {
  name: ZProjectName,
  description: z.string().max(PROJECT_DESCRIPTION_MAX).nullable().optional(),
  status: ZProjectStatus.optional(),
  /** A life area (health, work, …): free text, the user's own. */
  area: z.string().trim().max(PROJECT_AREA_MAX).nullable().optional(),
  color: ZColor.nullable().optional(),
  targetDate: ZCalendarDate.nullable().optional(),
};

export const ZCreateProjectInput = z.object(projectFields).strict();
export type TCreateProjectInput = z.infer<typeof ZCreateProjectInput>;

export const ZUpdateProjectInput = z.object({ id: ZId, ...projectFields, name: ZProjectName.optional() }).strict();
export type TUpdateProjectInput = z.infer<typeof ZUpdateProjectInput>;

export const ZListProjectsInput = z.object({ status: ZProjectStatus.optional() }).strict().optional();
export type TListProjectsInput = z.infer<typeof ZListProjectsInput>;

/**
 * What happens to a project's tasks when it is deleted: deleted with it, or kept without a project. Required when
 * the project has tasks (BAD_REQUEST on `tasks` otherwise), so nothing is lost by accident.
 */
export const ZDeleteProjectTasks = z.enum(['delete', 'detach']);
export type TDeleteProjectTasks = z.infer<typeof ZDeleteProjectTasks>;
export const ZDeleteProjectInput = z.object({ id: ZId, tasks: ZDeleteProjectTasks.optional() }).strict();
export type TDeleteProjectInput = z.infer<typeof ZDeleteProjectInput>;

export const ZProgress = z.object({
  done: z.number().int(),
  total: z.number().int(),
  /** done / total, 0 for a project without tasks. */
  ratio: z.number(),
});
export type TProgress = z.infer<typeof ZProgress>;

export const ZProject = z.object({
  id: ZId,
  name: z.string(),
  description: z.string().nullable(),
  status: ZProjectStatus,
  area: z.string().nullable(),
  color: z.string().nullable(),
  targetDate: z.string().nullable(),
  completedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  progress: ZProgress,
});
export type TProject = z.infer<typeof ZProject>;
