/**
 * The bundle in dist/ (as `pnpm start` and the Docker image run it) for the tests that spawn the real server or CLI:
 * built from the sources under test on first use in a run, and only when an input changed since the last build
 * (build.mjs --if-stale), so the tests that never spawn a process do not wait for it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let built: Promise<unknown> | undefined;

export function ensureBundle(): Promise<unknown> {
  built ??= promisify(execFile)(process.execPath, ['build.mjs', '--if-stale'], { cwd: API_DIR });
  return built;
}
