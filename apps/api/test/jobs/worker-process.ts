/**
 * A job worker in a process of its own (a replica), for the tests that kill one mid-run: `script` (under
 * apps/api/test/jobs/) runs the real runner against `DATABASE_URL` and prints "ready" once it polls.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
