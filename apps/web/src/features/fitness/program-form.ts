/**
 * The program editor's form: the API's program input with weights in the user's unit and the exercise's name
 * for display. Validation converts it to the API's shape and runs the core schema, so the browser and the API
 * agree on every rule.
 */
import {
  type TCreateProgramInput,
  type TProgram,
  type TUpdateProgramInput,
  toKg,
  type WeightUnit,
  ZCreateProgramInput,
  ZUpdateProgramInput,
} from '@lifeos/core/schemas';
import { z } from 'zod';
import { displayWeight } from '../../lib/units';

export interface ProgramExerciseForm {
  exerciseId: string;
  exerciseName: string;
  supersetGroup: number | null;
  targetSets: number | null;
  repMin: number | null;
  repMax: number | null;
  /** In the user's unit. */
  targetWeight: number | null;
  targetRpe: number | null;
  targetRir: number | null;
  restSeconds: number | null;
  /** In the user's unit. */
  increment: number | null;
}

export interface ProgramForm {
  id?: string | undefined;
  name: string;
  notes: string;
  days: { id?: string | undefined; name: string; exercises: ProgramExerciseForm[] }[];
}

export const emptyExercise = (exerciseId: string, exerciseName: string, unit: WeightUnit): ProgramExerciseForm => ({
  exerciseId,
  exerciseName,
  supersetGroup: null,
  targetSets: 3,
  repMin: 8,
  repMax: 12,
  targetWeight: null,
  targetRpe: null,
  targetRir: null,
  restSeconds: 90,
  increment: unit === 'kg' ? 2.5 : 5,
});

export function programToForm(program: TProgram | undefined, unit: WeightUnit): ProgramForm {
  if (!program) return { name: '', notes: '', days: [{ name: 'Day A', exercises: [] }] };
  return {
    id: program.id,
    name: program.name,
    notes: program.notes ?? '',
    days: program.days.map((d) => ({
      id: d.id,
      name: d.name,
      exercises: d.exercises.map((e) => ({
        exerciseId: e.exerciseId,
        exerciseName: e.exerciseName,
        supersetGroup: e.supersetGroup,
        targetSets: e.targetSets,
        repMin: e.repMin,
        repMax: e.repMax,
        targetWeight: displayWeight(e.targetWeightKg, unit),
        targetRpe: e.targetRpe,
        targetRir: e.targetRir,
        restSeconds: e.restSeconds,
        increment: displayWeight(e.incrementKg, unit),
      })),
    })),
  };
}

const kgOrNull = (value: number | null, unit: WeightUnit) =>
  value === null || Number.isNaN(value) ? value : toKg(value, unit);

/** The form's values as the API's input (weights in kg). */
export function formToInput(form: ProgramForm, unit: WeightUnit): TCreateProgramInput | TUpdateProgramInput {
  const body = {
    name: form.name,
    notes: form.notes.trim() === '' ? null : form.notes,
    days: form.days.map((d) => ({
      ...(d.id ? { id: d.id } : {}),
      name: d.name,
      exercises: d.exercises.map((e) => ({
        exerciseId: e.exerciseId,
        supersetGroup: e.supersetGroup,
        targetSets: e.targetSets as number,
        repMin: e.repMin,
        repMax: e.repMax,
        targetWeightKg: kgOrNull(e.targetWeight, unit),
        targetRpe: e.targetRpe,
        targetRir: e.targetRir,
        restSeconds: e.restSeconds,
        ...(e.increment === null ? {} : { incrementKg: kgOrNull(e.increment, unit) as number }),
      })),
    })),
  };
  return form.id ? { id: form.id, ...body } : body;
}

/** The core schema, applied to the converted form; error paths name the API's fields (targetWeightKg). */
export function programFormSchema(
  unit: WeightUnit,
  editing: boolean,
): z.ZodType<TCreateProgramInput | TUpdateProgramInput, ProgramForm> {
  const schema = z.preprocess(
    (raw) => formToInput(raw as ProgramForm, unit),
    editing ? ZUpdateProgramInput : ZCreateProgramInput,
  );
  return schema as unknown as z.ZodType<TCreateProgramInput | TUpdateProgramInput, ProgramForm>;
}
