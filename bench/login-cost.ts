/**
 * What a password costs at the configured argon2id parameters (ARGON2_MEMORY_KIB, ARGON2_TIME_COST,
 * ARGON2_PARALLELISM, read the same way the server reads them): hash (sign-up, password change) and verify
 * (login, including an unknown user checked against the dummy hash), p50/p99, and how many logins a second the
 * server's bounded hashing pool sustains.
 *   pnpm --filter @lifeos/bench login-cost [-- --runs 50]
 */
import { parseArgs } from 'node:util';
import { createPasswordHasher } from '@lifeos/core/server';
import { loadConfig } from '../apps/api/src/env.js';
import { machine, ms, summarize, table } from './stats.js';

const { values } = parseArgs({
  // `pnpm --filter @lifeos/bench <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { runs: { type: 'string', default: '50' } },
});
const runs = Number(values.runs);

// The server's own parsing of the ARGON2_* variables (a SECRET_KEY is only there to satisfy loadConfig).
const config = loadConfig({ ...process.env, SECRET_KEY: 'x'.repeat(32) });
const hasher = createPasswordHasher(config.argon2);
const password = 'correct horse battery staple';

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

const stored = await hasher.hash(password);
const rows = [
  ['hash (sign-up, password change)', await time(() => hasher.hash(password))],
  ['verify, right password (login)', await time(() => hasher.verify(stored, password))],
  ['verify, wrong password', await time(() => hasher.verify(stored, 'wrong password!!'))],
  ['verify, unknown user (dummy hash)', await time(() => hasher.verify(null, password))],
] as const;

// Throughput: many logins at once go through the hasher's concurrency limit (config.argon2.concurrency).
const burst = runs * 2;
const burstStarted = performance.now();
await Promise.all(Array.from({ length: burst }, () => hasher.verify(stored, password)));
const burstSeconds = (performance.now() - burstStarted) / 1000;

console.log(`Login cost — ${machine()}`);
console.log(
  `argon2id m=${config.argon2.memoryCost} KiB, t=${config.argon2.timeCost}, p=${config.argon2.parallelism}, ` +
    `hashing concurrency ${config.argon2.concurrency}, ${runs} runs each\n`,
);
console.log(
  table(
    ['operation', 'p50 ms', 'p99 ms', 'mean ms', 'max ms'],
    rows.map(([name, samples]) => {
      const s = summarize([...samples]);
      return [name, ms(s.p50), ms(s.p99), ms(s.mean), ms(s.max)];
    }),
  ),
);
console.log(`\n${burst} concurrent verifies: ${(burst / burstSeconds).toFixed(1)} logins/s at most`);
