import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid (after a reboot or in a new container) that is no Node process does not hold the lock.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/**
 * Embedded PGlite belongs to one process: a second one opening the same directory (`pnpm user:create` while the
 * server runs, or two servers) would run its own copy in memory and overwrite the other's files. The process that
 * opens it first keeps `DATA_DIR/pglite.lock` (its pid) until it exits; any other stops with a clear message.
 * A lock left behind by a process that died is taken over. Returns the function that releases it.
 */
export function lockDataDir(dataDir: string, holder: string): () => void {
  const file = path.join(dataDir, 'pglite.lock');
  mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n${holder}\n`, { flag: 'wx', mode: 0o600 });
      const release = () => {
        process.off('exit', release);
        try {
          if (readFileSync(file, 'utf8').split('\n')[0] === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let content = '';
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      continue; // released in the meantime
    }
    const [pidText = '', other = 'another process'] = content.split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processIsAlive(pid)) {
      throw new DataDirLockedError(
        `The embedded database in ${dataDir} is in use by ${other} (pid ${pid}). Stop it first` +
          ` (or, if no such process runs, delete ${file}).`,
      );
    }
    rmSync(file, { force: true }); // left behind by a process that is gone
  }
  throw new DataDirLockedError(`Could not lock ${file}; try again.`);
}
