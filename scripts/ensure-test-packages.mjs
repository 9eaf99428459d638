// What `pnpm test` needs from Debian beside Node: Chromium for the browser tests (scripts/ensure-chromium.mjs), the
// two calendar implementations the oracle tests compare Life OS with (apps/api/test/ics-oracle*.test.ts:
// recurring-ical-events on icalendar, and libical through GObject introspection), and the CalDAV clients the
// CalDAV tests sync with (python3-caldav, vdirsyncer; apps/api/test/caldav-*.test.ts). Installs what is missing when we
// are allowed to (root with apt-get), and otherwise says exactly what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ORACLE_PACKAGES = [
  'python3-recurring-ical-events',
  'python3-icalendar',
  'python3-x-wr-timezone',
  'python3-gi',
  'gir1.2-ical-3.0',
  'python3-caldav',
  'vdirsyncer',
];

execFileSync(process.execPath, [new URL('./ensure-chromium.mjs', import.meta.url).pathname], { stdio: 'inherit' });

// dpkg's own status line ("Status: install ok installed"), read without a format string.
const installed = (name) =>
  spawnSync('dpkg', ['-s', name], { encoding: 'utf8' }).stdout?.includes('Status: install ok installed') ?? false;
const missing = ORACLE_PACKAGES.filter((name) => !installed(name));
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(
      `The calendar oracle tests need Debian's ${missing.join(' ')}: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`Installing the calendar references for the oracle tests (apt-get install -y ${missing.join(' ')})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    install();
  }
}
