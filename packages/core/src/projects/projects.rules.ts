/** Pure rules of projects. */
import type { TProgress } from './projects.schemas.js';

/** A project's progress: how many of its tasks are done, of how many. */
export function progress(done: number, total: number): TProgress {
  return { done, total, ratio: total === 0 ? 0 : done / total };
}
