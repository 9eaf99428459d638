/**
 * The fitness service: what the router (one sub-router per part), the agenda and the dashboard call, exported as
 * `fitnessService` by server.ts. Each part holds the use cases of one sub-router; what they share is in
 * fitness.shared.ts.
 */
export * from './fitness.bodyweight.js';
export * from './fitness.csv.js';
export * from './fitness.exercises.js';
export * from './fitness.programs.js';
export * from './fitness.records.js';
export * from './fitness.sessions.js';
export type { FitnessDeps } from './fitness.shared.js';
