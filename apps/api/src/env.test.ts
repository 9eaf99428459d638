import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvError, loadConfig } from './env.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const KEY = 'k'.repeat(32);
const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeos-env-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The EnvError's lines for an environment, or a failure if it loads. */
function errorLines(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig({ DATA_DIR: tempDir(), ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).message.split('\n');
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has working defaults for everything but the secret', () => {
    const config = loadConfig({ SECRET_KEY: KEY });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: 'localhost',
      dataDir: path.join(REPO_ROOT, 'data'),
      databaseUrl: undefined,
      appOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      cookieSecure: false,
      allowSignup: false,
      logLevel: 'info',
      trustProxy: false,
      argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
      auth: {
        accessTtlSeconds: 900,
        refreshTtlSeconds: 7 * 24 * 3600,
        throttle: { windowSeconds: 900, maxPerPair: 10, maxPerIp: 100, backoffAfter: 20, backoffMaxSeconds: 900 },
      },
    });
    expect(new TextDecoder().decode(config.auth.secretKey)).toBe(KEY);
  });

  it('reads every variable', () => {
    const dataDir = tempDir();
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgresql://lifeos:pw@db:5432/lifeos',
      SECRET_KEY: KEY,
      APP_ORIGIN: 'https://life.example.com, http://localhost:5173',
      COOKIE_SECURE: 'true',
      ALLOW_SIGNUP: '1',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '2',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '2',
      LOGIN_MAX_PER_PAIR: '7',
      LOGIN_MAX_PER_IP: '300',
      LOGIN_WINDOW_SECONDS: '60',
      LOGIN_BACKOFF_AFTER: '30',
      LOGIN_BACKOFF_MAX_SECONDS: '3600',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '0.0.0.0',
      dataDir,
      databaseUrl: 'postgresql://lifeos:pw@db:5432/lifeos',
      appOrigins: ['https://life.example.com', 'http://localhost:5173'],
      cookieSecure: true,
      allowSignup: true,
      logLevel: 'warn',
      trustProxy: 2,
      argon2: { memoryCost: 65_536, timeCost: 3, parallelism: 2 },
      auth: {
        throttle: { windowSeconds: 60, maxPerPair: 7, maxPerIp: 300, backoffAfter: 30, backoffMaxSeconds: 3600 },
      },
    });
  });

  it('reads LOGIN_MAX_PER_USERNAME, the old name, as LOGIN_BACKOFF_AFTER when the new name is absent', () => {
    const base = { SECRET_KEY: KEY, DATA_DIR: tempDir() };
    expect(loadConfig({ ...base, LOGIN_MAX_PER_USERNAME: '12' }).auth.throttle.backoffAfter).toBe(12);
    expect(
      loadConfig({ ...base, LOGIN_MAX_PER_USERNAME: '12', LOGIN_BACKOFF_AFTER: '40' }).auth.throttle.backoffAfter,
    ).toBe(40);
  });

  it('takes a relative DATA_DIR from the root of the checkout, whatever the working directory', () => {
    // pnpm runs `start` in the root but `dev` and `user:create` in apps/api: all must find the same ./data.
    const before = process.cwd();
    try {
      const fromHere = loadConfig({ SECRET_KEY: KEY, DATA_DIR: 'some/dir' }).dataDir;
      process.chdir(os.tmpdir());
      expect(loadConfig({ SECRET_KEY: KEY, DATA_DIR: 'some/dir' }).dataDir).toBe(fromHere);
      expect(loadConfig({ SECRET_KEY: KEY }).dataDir).toBe(path.join(REPO_ROOT, 'data'));
      expect(fromHere).toBe(path.join(REPO_ROOT, 'some/dir'));
      expect(loadConfig({ SECRET_KEY: KEY, DATA_DIR: '/var/lib/lifeos' }).dataDir).toBe('/var/lib/lifeos');
    } finally {
      process.chdir(before);
    }
  });

  it('TRUST_PROXY takes false, true, a hop count or proxy addresses', () => {
    const trust = (value: string) => loadConfig({ SECRET_KEY: KEY, TRUST_PROXY: value }).trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(1);
    expect(trust('10.0.0.1, 172.16.0.0/12, ::1')).toBe('10.0.0.1, 172.16.0.0/12, ::1');
    expect(errorLines({ SECRET_KEY: KEY, TRUST_PROXY: 'everyone' })).toEqual([
      expect.stringMatching(/^Invalid environment variable TRUST_PROXY: /),
    ]);
  });

  it('treats an empty value as unset (a blank line in an env file keeps the default)', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      SECRET_KEY: KEY,
      PORT: '',
      HOST: '',
      DATABASE_URL: '',
      APP_ORIGIN: '',
      COOKIE_SECURE: '',
      LOG_LEVEL: '',
      TRUST_PROXY: '',
      ARGON2_MEMORY_KIB: '',
    });
    expect(config).toMatchObject({
      port: 3000,
      host: 'localhost',
      databaseUrl: undefined,
      appOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      cookieSecure: false,
      logLevel: 'info',
      trustProxy: false,
      argon2: { memoryCost: 19_456 },
    });
  });

  describe('a bad variable is one line naming it', () => {
    it.each([
      ['PORT', 'not-a-port'],
      ['PORT', '70000'],
      ['PORT', '80.5'],
      ['SECRET_KEY', 'too short'],
      ['DATABASE_URL', 'mysql://root@localhost/lifeos'],
      ['DATABASE_URL', 'localhost:5432'],
      ['APP_ORIGIN', 'https://life.example.com/app'],
      ['APP_ORIGIN', 'life.example.com'],
      ['APP_ORIGIN', 'https://ok.example.com,not an origin'],
      ['NODE_ENV', 'staging'],
      ['COOKIE_SECURE', 'maybe'],
      ['ALLOW_SIGNUP', 'sometimes'],
      ['LOG_LEVEL', 'verbose'],
      ['ARGON2_MEMORY_KIB', '1024'],
      ['ARGON2_TIME_COST', '1'],
      ['LOGIN_MAX_PER_IP', '0'],
      ['LOGIN_MAX_PER_PAIR', '-1'],
      ['LOGIN_BACKOFF_AFTER', '0'],
      ['LOGIN_BACKOFF_MAX_SECONDS', 'a while'],
      ['LOGIN_WINDOW_SECONDS', 'forever'],
    ])('%s=%j', (name, value) => {
      const lines = errorLines({ SECRET_KEY: KEY, [name]: value });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid environment variable ${name}: \\S`));
    });

    it('the secret key message says how long it must be, and never shows the value', () => {
      const [line] = errorLines({ SECRET_KEY: 'my-secret-value' });
      expect(line).toBe('Invalid environment variable SECRET_KEY: must be at least 32 bytes long');
      expect(line).not.toContain('my-secret-value');
    });

    it('several bad variables give one line each', () => {
      const lines = errorLines({ PORT: 'x', SECRET_KEY: 'short', APP_ORIGIN: 'nope', DATABASE_URL: 'nope' });
      expect(lines.map((line) => line.split(':')[0])).toEqual(
        expect.arrayContaining([
          'Invalid environment variable PORT',
          'Invalid environment variable SECRET_KEY',
          'Invalid environment variable APP_ORIGIN',
          'Invalid environment variable DATABASE_URL',
        ]),
      );
      expect(lines).toHaveLength(4);
    });
  });

  describe('SECRET_KEY unset', () => {
    it('generates a key once into DATA_DIR/secret.key (mode 0600) and reuses it', () => {
      const dataDir = path.join(tempDir(), 'not-yet-created');
      const first = loadConfig({ DATA_DIR: dataDir });
      const file = path.join(dataDir, 'secret.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(Buffer.byteLength(readFileSync(file, 'utf8'))).toBeGreaterThanOrEqual(32);
      expect(first.auth.secretKey.byteLength).toBeGreaterThanOrEqual(32);

      const second = loadConfig({ DATA_DIR: dataDir });
      expect(Buffer.from(second.auth.secretKey).equals(Buffer.from(first.auth.secretKey))).toBe(true);

      const other = loadConfig({ DATA_DIR: tempDir() });
      expect(Buffer.from(other.auth.secretKey).equals(Buffer.from(first.auth.secretKey))).toBe(false);
    });

    it('SECRET_KEY, when set, wins and writes no file', () => {
      const dataDir = tempDir();
      const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY });
      expect(new TextDecoder().decode(config.auth.secretKey)).toBe(KEY);
      expect(() => statSync(path.join(dataDir, 'secret.key'))).toThrow();
    });

    it('refuses a key file that was truncated', () => {
      const dataDir = tempDir();
      writeFileSync(path.join(dataDir, 'secret.key'), 'short', { mode: 0o600 });
      expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(/secret key file .*secret\.key: must hold at least 32/);
    });
  });
});

describe('Web Push keys', () => {
  it('derives one VAPID pair from the signing key (same SECRET_KEY, same pair), written nowhere', () => {
    const dir = tempDir();
    const one = loadConfig({ SECRET_KEY: KEY, DATA_DIR: dir }).notifications.vapid;
    const two = loadConfig({ SECRET_KEY: KEY, DATA_DIR: tempDir() }).notifications.vapid;
    expect(two).toEqual(one);
    expect(Buffer.from(one.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(one.privateKey, 'base64url')).toHaveLength(32);
    expect(loadConfig({ SECRET_KEY: 'x'.repeat(32), DATA_DIR: dir }).notifications.vapid.publicKey).not.toBe(
      one.publicKey,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes both keys from the environment, or refuses one alone', () => {
    const keys = loadConfig({ SECRET_KEY: KEY, DATA_DIR: tempDir() }).notifications.vapid;
    const given = loadConfig({
      SECRET_KEY: 'y'.repeat(32),
      DATA_DIR: tempDir(),
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:me@example.com',
    }).notifications.vapid;
    expect(given).toEqual({ ...keys, subject: 'mailto:me@example.com' });
    expect(errorLines({ SECRET_KEY: KEY, VAPID_PUBLIC_KEY: keys.publicKey })[0]).toMatch(/VAPID/);
  });

  it('turns email on with SMTP_URL only', () => {
    expect(loadConfig({ SECRET_KEY: KEY, DATA_DIR: tempDir() }).notifications.smtp).toBeNull();
    expect(
      loadConfig({ SECRET_KEY: KEY, DATA_DIR: tempDir(), SMTP_URL: 'smtp://mail.example.com:587' }).notifications.smtp,
    ).toEqual({ url: 'smtp://mail.example.com:587', from: 'Life OS <lifeos@localhost>' });
    expect(errorLines({ SECRET_KEY: KEY, SMTP_URL: 'http://mail.example.com' })[0]).toMatch(/SMTP_URL/);
  });
});
