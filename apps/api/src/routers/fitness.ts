import {
  ZArchiveExerciseInput,
  ZBodyWeight,
  ZCreateExerciseInput,
  ZCreateProgramInput,
  ZCsvImportReport,
  ZExercise,
  ZExerciseRecords,
  ZExportCsv,
  ZFinishSessionInput,
  ZFinishSessionResult,
  ZIdInput,
  ZImportCsvInput,
  ZListBodyWeightInput,
  ZListExercisesInput,
  ZListSessionsInput,
  ZLogBodyWeightInput,
  ZLogSetInput,
  ZNextDay,
  ZNextDayInput,
  ZOk,
  ZProgram,
  ZProgramSummary,
  ZRecordsForExercise,
  ZRecordsForExerciseInput,
  ZRelinkExerciseInput,
  ZRelinkExerciseResult,
  ZReorderProgramInput,
  ZSessionPage,
  ZStartSessionInput,
  ZUpdateExerciseInput,
  ZUpdateProgramInput,
  ZUpdateSetInput,
  ZWeeklyVolume,
  ZWeeklyVolumeInput,
  ZWorkoutSession,
} from '@lifeos/core/schemas';
import { fitnessService as fitness } from '@lifeos/core/server';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc/init.js';

const ok = { ok: true as const };

const exercisesRouter = router({
  list: protectedProcedure
    .meta({ description: 'The built-in exercise library and your own exercises, filtered by name, muscle, equipment' })
    .input(ZListExercisesInput.optional())
    .output(z.array(ZExercise))
    .query(({ ctx, input }) => fitness.listExercises(ctx, ctx.user.id, input)),
  create: protectedProcedure
    .meta({ description: 'Add an exercise of your own' })
    .input(ZCreateExerciseInput)
    .output(ZExercise)
    .mutation(({ ctx, input }) => fitness.createExercise(ctx, ctx.user.id, input)),
  update: protectedProcedure
    .meta({ description: 'Change one of your own exercises (built-in ones are read-only)' })
    .input(ZUpdateExerciseInput)
    .output(ZExercise)
    .mutation(({ ctx, input }) => fitness.updateExercise(ctx, ctx.user.id, input)),
  archive: protectedProcedure
    .meta({ description: 'Hide one of your exercises from the list, keeping its history (archived: false restores)' })
    .input(ZArchiveExerciseInput)
    .output(ZExercise)
    .mutation(({ ctx, input }) => fitness.archiveExercise(ctx, ctx.user.id, input)),
});

const programsRouter = router({
  list: protectedProcedure
    .meta({ description: 'Your programs' })
    .output(z.array(ZProgramSummary))
    .query(({ ctx }) => fitness.listPrograms(ctx, ctx.user.id)),
  get: protectedProcedure
    .meta({ description: 'A program: its days in order, each with its exercises and targets' })
    .input(ZIdInput)
    .output(ZProgram)
    .query(({ ctx, input }) => fitness.getProgram(ctx, ctx.user.id, input.id)),
  create: protectedProcedure
    .meta({ description: 'Create a program with its days and exercises (one transaction)' })
    .input(ZCreateProgramInput)
    .output(ZProgram)
    .mutation(({ ctx, input }) => fitness.createProgram(ctx, ctx.user.id, input)),
  update: protectedProcedure
    .meta({ description: 'Replace a program: days with an id are kept, missing days are deleted (one transaction)' })
    .input(ZUpdateProgramInput)
    .output(ZProgram)
    .mutation(({ ctx, input }) => fitness.updateProgram(ctx, ctx.user.id, input)),
  delete: protectedProcedure
    .meta({ description: 'Delete a program (its past sessions stay)' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await fitness.deleteProgram(ctx, ctx.user.id, input.id);
      return ok;
    }),
  reorder: protectedProcedure
    .meta({ description: 'Put every day and exercise of a program in a new order (one transaction)' })
    .input(ZReorderProgramInput)
    .output(ZProgram)
    .mutation(({ ctx, input }) => fitness.reorderProgram(ctx, ctx.user.id, input)),
  next: protectedProcedure
    .meta({ description: 'The program day that is due: the one after the last finished, cycling' })
    .input(ZNextDayInput.optional())
    .output(ZNextDay)
    .query(({ ctx, input }) => fitness.nextDay(ctx, ctx.user.id, input)),
});

const sessionsRouter = router({
  start: protectedProcedure
    .meta({ description: 'Start a workout, empty or pre-filled from a program day with proposed weights' })
    .input(ZStartSessionInput)
    .output(ZWorkoutSession)
    .mutation(({ ctx, input }) => fitness.startSession(ctx, ctx.user.id, input)),
  get: protectedProcedure
    .meta({ description: 'A workout with its sets' })
    .input(ZIdInput)
    .output(ZWorkoutSession)
    .query(({ ctx, input }) => fitness.getSession(ctx, ctx.user.id, input.id)),
  list: protectedProcedure
    .meta({ description: 'Workouts, newest first, a page at a time' })
    .input(ZListSessionsInput.optional())
    .output(ZSessionPage)
    .query(({ ctx, input }) => fitness.listSessions(ctx, ctx.user.id, input)),
  logSet: protectedProcedure
    .meta({ description: 'Log a set (reps and weight, or duration and distance); answers the workout' })
    .input(ZLogSetInput)
    .output(ZWorkoutSession)
    .mutation(({ ctx, input }) => fitness.logSet(ctx, ctx.user.id, input)),
  updateSet: protectedProcedure
    .meta({ description: 'Change a set; a planned set becomes logged; answers the workout' })
    .input(ZUpdateSetInput)
    .output(ZWorkoutSession)
    .mutation(({ ctx, input }) => fitness.updateSet(ctx, ctx.user.id, input)),
  deleteSet: protectedProcedure
    .meta({ description: 'Remove a set; answers the workout' })
    .input(ZIdInput)
    .output(ZWorkoutSession)
    .mutation(({ ctx, input }) => fitness.deleteSet(ctx, ctx.user.id, input.id)),
  relinkExercise: protectedProcedure
    .meta({
      description:
        'Link an imported exercise name (as the file wrote it) to another exercise, in this workout or everywhere ' +
        '(also for later imports); answers the workout and how many sets changed',
    })
    .input(ZRelinkExerciseInput)
    .output(ZRelinkExerciseResult)
    .mutation(({ ctx, input }) => fitness.relinkExercise(ctx, ctx.user.id, input)),
  finish: protectedProcedure
    .meta({ description: 'Finish a workout; answers it with the records it set' })
    .input(ZFinishSessionInput)
    .output(ZFinishSessionResult)
    .mutation(({ ctx, input }) => fitness.finishSession(ctx, ctx.user.id, input)),
  delete: protectedProcedure
    .meta({ description: 'Delete a workout and its sets' })
    .input(ZIdInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await fitness.deleteSession(ctx, ctx.user.id, input.id);
      return ok;
    }),
});

const recordsRouter = router({
  list: protectedProcedure
    .meta({ description: 'Per exercise: heaviest weight, best estimated 1RM (Epley), best set and session volume' })
    .output(z.array(ZExerciseRecords))
    .query(({ ctx }) => fitness.listRecords(ctx, ctx.user.id)),
  forExercise: protectedProcedure
    .meta({ description: "One exercise's records and its per-session history (for charts)" })
    .input(ZRecordsForExerciseInput)
    .output(ZRecordsForExercise)
    .query(({ ctx, input }) => fitness.recordsForExercise(ctx, ctx.user.id, input.exerciseId)),
});

const statsRouter = router({
  weeklyVolume: protectedProcedure
    .meta({ description: 'Working sets and volume (kg × reps) per primary muscle per week' })
    .input(ZWeeklyVolumeInput)
    .output(ZWeeklyVolume)
    .query(({ ctx, input }) => fitness.weeklyVolume(ctx, ctx.user.id, input.weeks)),
});

const bodyweightRouter = router({
  log: protectedProcedure
    .meta({ description: "Record a day's body weight (replaces that day's earlier entry)" })
    .input(ZLogBodyWeightInput)
    .output(ZBodyWeight)
    .mutation(({ ctx, input }) => fitness.logBodyWeight(ctx, ctx.user.id, input)),
  list: protectedProcedure
    .meta({ description: 'Body weight entries, newest first' })
    .input(ZListBodyWeightInput.optional())
    .output(z.array(ZBodyWeight))
    .query(({ ctx, input }) => fitness.listBodyWeights(ctx, ctx.user.id, input)),
});

const importRouter = router({
  csv: protectedProcedure
    .meta({
      description:
        'Import a Strong or Hevy CSV export as finished workouts (one transaction; a workout already imported is ' +
        'skipped; dryRun writes nothing); reports what was imported, created and skipped',
    })
    .input(ZImportCsvInput)
    .output(ZCsvImportReport)
    .mutation(({ ctx, input }) => fitness.importCsv(ctx, ctx.user.id, input)),
});

const exportRouter = router({
  csv: protectedProcedure
    .meta({ description: 'Your finished workouts as a CSV in the Strong shape (weights in kg, distances in km)' })
    .output(ZExportCsv)
    .query(({ ctx }) => fitness.exportCsv(ctx, ctx.user.id)),
});

export const fitnessRouter = router({
  exercises: exercisesRouter,
  programs: programsRouter,
  sessions: sessionsRouter,
  records: recordsRouter,
  stats: statsRouter,
  bodyweight: bodyweightRouter,
  import: importRouter,
  export: exportRouter,
});
