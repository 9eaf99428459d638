/**
 * A job worker in a process of its own (a replica), for the tests that kill one mid-run: `script` (under
 * apps/api/test/jobs/) runs the real runner against `DATABASE_URL` and prints "ready" once it polls.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { DB, Kysely } from '@lifeos/db';
import { API_DIR } from '../bundle.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves at the worker's "ready"; rejects if it exits before (with what it wrote to stderr). */
  ready: Promise<void>;
}

export function startWorkerProcess(script: string, workerId: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/jobs/${script}`], {
    cwd: API_DIR,
    env: { PATH: process.env.PATH ?? '', WORKER_ID: workerId, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      if (String(chunk).includes('ready')) resolve();
    });
    child.on('exit', (code) =>
      reject(new Error(`worker ${workerId} exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  return { child, ready };
}

/** Kills whatever worker is still running (afterAll). */
export function killWorkers(children: readonly ChildProcess[]) {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Kills `workerId` with SIGKILL once `delivered()` has reached `half` and at a moment it holds leased jobs (it does
 * while there is work, bar the instant between finishing its jobs and its next claim): the kill -9 the replica tests
 * are about. Fails after 30 s.
 */
export async function killMidRun(
  db: Kysely<DB>,
  worker: WorkerProcess,
  workerId: string,
  delivered: () => number,
  half: number,
) {
  const started = Date.now();
  const holdsJobs = async () =>
    (
      await db
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'running')
        .where('lockedBy', '=', workerId)
        .limit(1)
        .execute()
    ).length > 0;
  while (delivered() < half || !(await holdsJobs())) {
    if (Date.now() - started > 30_000) throw new Error(`only ${delivered()} deliveries after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  worker.child.kill('SIGKILL');
}
