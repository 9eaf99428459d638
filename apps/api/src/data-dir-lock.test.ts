import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('lockDataDir (embedded PGlite belongs to one process)', () => {
  /** A Node process that lives until killed, or one that has already exited. */
  function nodeProcess(alive: boolean) {
    const child = spawn(process.execPath, ['-e', alive ? 'setTimeout(() => {}, 60000)' : '']);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return { pid: child.pid as number, exited, kill: () => child.kill('SIGKILL') };
  }

  it('creates DATA_DIR/pglite.lock with its pid and removes it on release', () => {
    const dataDir = tempDir();
    const release = lockDataDir(dataDir, 'test');
    const file = path.join(dataDir, 'pglite.lock');
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\ntest\n`);
    release();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses while another live process holds it, naming the holder and the pid', async () => {
    const dataDir = tempDir();
    const other = nodeProcess(true);
    try {
      writeFileSync(path.join(dataDir, 'pglite.lock'), `${other.pid}\nthe Life OS server\n`);
      expect(() => lockDataDir(dataDir, 'test')).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dataDir, 'test')).toThrow(
        `The embedded database in ${dataDir} is in use by the Life OS server (pid ${other.pid}).`,
      );
    } finally {
      other.kill();
      await other.exited;
    }
  });

  it('takes over a lock left behind by a process that is gone', async () => {
    const dataDir = tempDir();
    const gone = nodeProcess(false);
    await gone.exited;
    writeFileSync(path.join(dataDir, 'pglite.lock'), `${gone.pid}\nthe Life OS server\n`);
    const release = lockDataDir(dataDir, 'test');
    expect(readFileSync(path.join(dataDir, 'pglite.lock'), 'utf8')).toBe(`${process.pid}\ntest\n`);
    release();
  });

  it('takes over a lock with its own pid (a restarted container is pid 1 again) or garbage in it', () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'pglite.lock'), `${process.pid}\nthe Life OS server\n`);
    lockDataDir(dataDir, 'test')();
    writeFileSync(path.join(dataDir, 'pglite.lock'), 'not a pid');
    lockDataDir(dataDir, 'test')();
  });
});
