/**
 * Backs up everything in your Life OS account (see the README, "Scripts: the typed client"):
 *   LIFEOS_URL=http://localhost:3000 LIFEOS_API_KEY=lifeos_… pnpm --filter @lifeos/client exec tsx examples/backup.ts [--zip] [directory]
 * Writes lifeos-backup-YYYY-MM-DD.json (Settings → Your data → Import restores it) and, with --zip, also
 * lifeos-backup-YYYY-MM-DD.zip (the same JSON plus the journal as Markdown, calendar.ics, workouts and tasks as CSV).
 * A read-only key is enough. Run it from cron for a nightly backup.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fetchExport } from '../src/index.js';

const args = process.argv.slice(2);
const withZip = args.includes('--zip');
const directory = args.find((arg) => !arg.startsWith('--')) ?? '.';
const apiKey = process.env.LIFEOS_API_KEY;
if (!apiKey) {
  console.error('Set LIFEOS_API_KEY to a key from Settings → API keys (read scope is enough).');
  process.exit(1);
}
const options = { baseUrl: process.env.LIFEOS_URL ?? 'http://localhost:3000', apiKey };
const date = new Date().toISOString().slice(0, 10);

await mkdir(directory, { recursive: true });
for (const format of withZip ? (['json', 'zip'] as const) : (['json'] as const)) {
  const file = path.join(directory, `lifeos-backup-${date}.${format}`);
  // Written beside the target and renamed at the end, so a cut-off download never looks like a finished backup.
  const partial = `${file}.partial`;
  try {
    const response = await fetchExport(options, format);
    if (!response.body) throw new Error('Life OS sent an empty answer');
    // Streamed to disk as it arrives: a large account never sits in memory whole.
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), createWriteStream(partial));
    await rename(partial, file);
    console.log(`Saved ${file} (${((await stat(file)).size / 1024).toFixed(0)} KiB)`);
  } catch (error) {
    await rm(partial, { force: true });
    console.error(`Backup failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
