/**
 * The README's `curl` line for every REST path, run as written by a real `curl` (through bash, with the variables
 * the README uses) against a real server: each exits 0 (`-f`: the answer was 2xx) with a JSON answer, and together
 * they cover every REST operation, so a path renamed or an example gone stale fails here.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_OPERATIONS, REST_PREFIX } from '../src/rest/rest-operations.js';
import { setupOwner, startTestServer, type TestServer } from './harness.js';

const run = promisify(execFile);

/** The `curl` lines of the README's "REST and OpenAPI" section's first shell block. */
function readmeCurlLines(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## REST and OpenAPI/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('curl '));
}

/** The operation a curl line calls: POST when it sends a body, the path with the README's ids as `{id}`. */
function operationOf(line: string) {
  const url = /"\$LIFEOS_URL(\/api\/v1[^"?]*)/.exec(line)?.[1] ?? '';
  const path = url.slice(REST_PREFIX.length).replace(/\$[A-Z_]+/g, '{id}');
  const method = line.includes('--json') ? 'POST' : 'GET';
  return REST_OPERATIONS.find((op) => op.method === method && op.path === path);
}

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  const owner = await setupOwner(server);
  const key = (await owner.client.apiKeys.create.mutate({ name: 'curl', scope: 'write' })).key;
  const task = await owner.client.tasks.create.mutate({ title: 'Water the plants' });
  const exercise = await owner.client.fitness.exercises.create.mutate({
    name: 'Bench press',
    category: 'strength',
    primaryMuscles: ['chest'],
    equipment: 'barbell',
  });
  const workout = await owner.client.fitness.sessions.start.mutate({ name: 'Earlier' });
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LIFEOS_URL: server.url,
    LIFEOS_KEY: key,
    TASK_ID: task.id,
    EXERCISE_ID: exercise.id,
    WORKOUT_ID: workout.id,
  };
});
afterAll(() => server.close());

describe("the README's curl examples", () => {
  const lines = readmeCurlLines();

  it('cover every REST operation', () => {
    expect(lines.length).toBeGreaterThan(0);
    const covered = lines.map((line) => operationOf(line)?.id);
    expect(covered, 'a curl line names no REST operation').not.toContain(undefined);
    expect([...new Set(covered)].sort()).toEqual(REST_OPERATIONS.map((op) => op.id).sort());
  });

  it('each runs with curl and gets a JSON answer', async () => {
    for (const line of lines) {
      const { stdout } = await run('bash', ['-c', line], { env, timeout: 20_000 }).catch((error: unknown) => {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        throw new Error(`${line}\n→ exit ${failed.code}: ${failed.stderr} ${failed.stdout}`);
      });
      expect(() => JSON.parse(stdout), line).not.toThrow();
    }
    const db = server.database.db;
    const task = await db
      .selectFrom('tasks')
      .select('status')
      .where('id', '=', env.TASK_ID as string)
      .executeTakeFirst();
    expect(task?.status).toBe('done');
    const capture = await db.selectFrom('captures').select('text').executeTakeFirst();
    expect(capture?.text).toBe('Call the dentist');
    const sets = await db
      .selectFrom('workoutSets')
      .select('reps')
      .where('sessionId', '=', env.WORKOUT_ID as string);
    expect(await sets.execute()).toEqual([{ reps: 5 }]);
  });
});
