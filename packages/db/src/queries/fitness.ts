// The fitness queries, one file per part of the fitness service (fitness.<part>.ts beside this one), exported as one
// namespace (`fitnessQueries`). Every query is scoped by the caller's user id; built-in exercises (user_id null) are
// readable by everyone.
export * from './fitness.bodyweight.js';
export * from './fitness.csv.js';
export * from './fitness.exercises.js';
export * from './fitness.programs.js';
export * from './fitness.records.js';
export * from './fitness.sessions.js';
