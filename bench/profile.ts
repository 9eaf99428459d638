/**
 * Where one procedure's time goes: starts the API in this process on an already seeded database (bench:seed),
 * fires one GET at it with autocannon from a worker thread and CPU-profiles the main thread (the server) while it
 * runs. Prints the throughput and the functions with the most self time, grouped by package; `--out` also writes
 * the .cpuprofile for Chrome DevTools / speedscope.
 *
 *   pnpm --filter @lifeos/bench profile -- --database-url postgres://…/lifeos_bench --procedure dashboard.today
 *   pnpm --filter @lifeos/bench profile -- --database-url … --procedure journal.list --input '{}' --out /tmp/p.cpuprofile
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { apiKeysService, systemClock } from '@lifeos/core/server';
import { createDatabase } from '@lifeos/db';
import autocannon from 'autocannon';
import superjson from 'superjson';
import { startServer } from './lib/api.js';
import { table } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    username: { type: 'string', default: 'bench' },
    procedure: { type: 'string', default: 'journal.get' },
    input: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
    out: { type: 'string' },
  },
});
if (!values['database-url'] && !values['data-dir']) {
  throw new Error('pass --database-url or --data-dir of a database seeded by bench:seed');
}

const database = values['database-url']
  ? createDatabase({ databaseUrl: values['database-url'] })
  : createDatabase({ dataDir: values['data-dir'] as string });
const user = await database.db
  .selectFrom('users')
  .select('id')
  .where('username', '=', values.username)
  .executeTakeFirstOrThrow();
const { key } = await apiKeysService.createApiKey({ db: database.db, clock: systemClock }, user.id, {
  name: 'profile',
  scope: 'read',
});
const { server, base } = await startServer(database);
// Dates in the input (JSON) are revived by superjson the way the client sends them: ISO strings → Date.
const input = values.input === undefined ? undefined : reviveDates(JSON.parse(values.input));
const url = `${base}/trpc/${values.procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`;
const headers = { authorization: `Bearer ${key}` };
const check = await fetch(url, { headers });
if (check.status !== 200) throw new Error(`${url} answered ${check.status}: ${await check.text()}`);
const connections = Number(values.connections);
await autocannon({ url, headers, connections, duration: 2, workers: 1 });

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const result = await autocannon({ url, headers, connections, duration: Number(values.duration), workers: 1 });
const { profile } = await session.post('Profiler.stop');
session.disconnect();
await server.shutdown();

if (values.out) writeFileSync(values.out, JSON.stringify(profile));

const total = profile.samples?.length ?? 0;
const selfSamples = new Map<number, number>();
for (const id of profile.samples ?? []) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const samples = selfSamples.get(node.id) ?? 0;
  if (!samples) continue;
  const { functionName, url: file, lineNumber } = node.callFrame;
  // (idle), (program), (garbage collector) have no script.
  const where = !file && functionName.startsWith('(') ? functionName : packageOf(file);
  const name = `${functionName || '(anonymous)'} ${where}${file ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + samples);
  byPackage.set(where, (byPackage.get(where) ?? 0) + samples);
}
const share = (samples: number) => `${((100 * samples) / total).toFixed(1)} %`;
const top = (map: Map<string, number>, count: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);

console.log(
  `${values.procedure}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
    `${result.non2xx + result.errors} failed (${connections} connections, ${values.duration} s)`,
);
console.log(
  `main-thread CPU per request: ${((Number(values.duration) * 1000 * (1 - (byPackage.get('(idle)') ?? 0) / total)) / result.requests.total).toFixed(2)} ms\n`,
);
console.log(
  table(
    ['where', 'self'],
    top(byPackage, 20).map(([name, samples]) => [name, share(samples)]),
    1,
  ),
);
console.log('');
console.log(
  table(
    ['function', 'self'],
    top(byFunction, Number(values.top)).map(([name, samples]) => [name, share(samples)]),
    1,
  ),
);

/** The package (or our workspace folder) a script belongs to, so the table reads as "who", not only "what". */
function packageOf(file: string): string {
  if (!file) return '(native)';
  const inModules = file.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const rest = file.slice(inModules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? file);
  }
  if (file.startsWith('node:')) return file;
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(file);
  return workspace ? `${workspace[1]}/${workspace[2]}` : file.replace(/^file:\/\//, '');
}

function reviveDates(value: unknown): unknown {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value);
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveDates(v)]));
  }
  return value;
}
