/**
 * The only module that reads process.env. Parses the environment with zod once at start; a bad variable stops
 * the server with one line naming it.
 */
import { createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthConfig, PasswordHasherOptions } from '@lifeos/core/server';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'expected a postgres:// or postgresql:// URL'),
  SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || Buffer.byteLength(v, 'utf8') >= 32, 'must be at least 32 bytes long'),
  APP_ORIGIN: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : undefined,
    )
    .refine(
      (origins) => origins === undefined || origins.every((o) => URL.canParse(o) && new URL(o).origin === o),
      'expected a comma-separated list of origins such as https://life.example.com (scheme, host and port only)',
    ),
  COOKIE_SECURE: bool.default(false),
  ALLOW_SIGNUP: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx): boolean | number | string => {
      if (v === undefined || v === '' || v === 'false') return false;
      if (v === 'true') return true;
      if (/^\d+$/.test(v)) return Number(v);
      if (v.split(',').every((part) => /^[0-9a-fA-F:./]+$/.test(part.trim()))) return v;
      ctx.addIssue({ code: 'custom', message: 'expected false, true, a hop count, or a list of proxy addresses' });
      return z.NEVER;
    }),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(19_456).default(19_456),
  ARGON2_TIME_COST: z.coerce.number().int().min(2).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  LOGIN_MAX_PER_PAIR: positiveInt(10),
  LOGIN_MAX_PER_IP: positiveInt(100),
  LOGIN_WINDOW_SECONDS: positiveInt(900),
  LOGIN_BACKOFF_AFTER: z.coerce.number().int().min(1).optional(),
  /** The name of LOGIN_BACKOFF_AFTER before the throttle became a backoff (it was a hard per-account limit). */
  LOGIN_MAX_PER_USERNAME: z.coerce.number().int().min(1).optional(),
  LOGIN_BACKOFF_MAX_SECONDS: positiveInt(900),
  CALENDAR_ALLOW_PRIVATE_URLS: bool.default(false),
  IMPORT_BODY_LIMIT_MB: z.coerce.number().int().min(1).max(4096).default(256),
  CALLER_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  DASHBOARD_CACHE_USERS: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Web Push (VAPID): both keys, or neither (the pair is then derived from the signing key). */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'expected the 65-byte P-256 public key, URL-safe base64')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'expected the 32-byte P-256 private key, URL-safe base64')
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'expected a mailto: or https:// contact')
    .optional(),
  /** Email notifications: `smtp://user:pass@host:587` or `smtps://…`; unset, email is off. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).max(320).optional(),
  /** The API key `pnpm mcp` (MCP over stdio) acts with; the server never reads it. */
  LIFEOS_API_KEY: z.string().max(200).optional(),
});

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  /** LIFEOS_API_KEY: the key of the stdio MCP server (`pnpm mcp`), if given in the environment. */
  mcpApiKey?: string;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Origins allowed to send cookie-authenticated requests (CSRF) and to read answers (CORS). */
  appOrigins: string[];
  cookieSecure: boolean;
  allowSignup: boolean;
  logLevel: string;
  trustProxy: boolean | number | string;
  auth: AuthConfig;
  argon2: PasswordHasherOptions;
  limits: {
    bodyBytes: number;
    maxBatchSize: number;
    requestTimeoutMs: number;
    statementTimeoutMs: number;
    /** POST /api/data/import only: a whole account's export document. */
    importBodyBytes: number;
  };
  /** How long a resolved API key or access token is reused without a database lookup (0: never). */
  callerCacheMs: number;
  /** For how many users the last dashboard is kept until their data or the date changes (0: computed every time). */
  dashboardCacheUsers: number;
  /** Calendar subscriptions: whether URLs may reach loopback/private addresses; the fetch's time and size limits. */
  calendarSubscriptions: { allowPrivateUrls: boolean; fetchTimeoutMs: number; maxBytes: number };
  /** Notification channels: Web Push's VAPID keys and contact; SMTP (null: no email). */
  notifications: {
    vapid: { publicKey: string; privateKey: string; subject: string };
    smtp: { url: string; from: string } | null;
  };
}

export class EnvError extends Error {}

function formatIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || '(environment)';
  return `Invalid environment variable ${name}: ${issue.message}`;
}

/**
 * The signing key: SECRET_KEY when set, otherwise one generated on first start and kept in DATA_DIR (mode 0600)
 * so that restarts keep sessions valid.
 */
function loadOrCreateSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'secret.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < 32)
    throw new EnvError(`Invalid secret key file ${file}: must hold at least 32 bytes`);
  return new TextEncoder().encode(secret);
}

/**
 * The VAPID key pair of Web Push when VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY are not set: derived from the signing key
 * (HKDF, a label of its own), so it survives restarts as the signing key does (SECRET_KEY, or the one generated
 * into DATA_DIR on first start), and every replica given the same SECRET_KEY has the same pair — browsers'
 * subscriptions are bound to the public key, so one replica with a pair of its own would have its pushes refused.
 */
export function vapidKeysFrom(secret: Uint8Array): { publicKey: string; privateKey: string } {
  // A P-256 private key is a number below the curve's order: a derived value at or above it (odds ~2^-32) is
  // refused by setPrivateKey, and the next label is tried.
  for (let round = 0; round < 8; round++) {
    const d = Buffer.from(hkdfSync('sha256', secret, 'lifeos', `web-push vapid p-256 ${round}`, 32));
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(d);
      return { publicKey: ecdh.getPublicKey('base64url'), privateKey: d.toString('base64url') };
    } catch {}
  }
  throw new EnvError('Could not derive the VAPID keys from the signing key');
}

/**
 * The checkout's root: this module is apps/api/src/env.ts, or bundled into apps/api/dist/*.js — three levels down
 * either way. A relative DATA_DIR is taken from here, not from the working directory, because pnpm runs each
 * package's scripts in that package's directory: `pnpm start` (root), `pnpm dev` and `pnpm user:create`
 * (apps/api) must all find the same ./data.
 */
const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  // An empty value (`PORT=` in an env file, `-e PORT=`) counts as unset, so it gets the default rather than a
  // surprise such as port 0 (any free port).
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = ZEnv.safeParse(present);
  if (!parsed.success) throw new EnvError(parsed.error.issues.map(formatIssue).join('\n'));
  const env = parsed.data;
  const dataDir = path.resolve(ROOT_DIR, env.DATA_DIR);
  const secretKey = env.SECRET_KEY ? new TextEncoder().encode(env.SECRET_KEY) : loadOrCreateSecret(dataDir);
  if ((env.VAPID_PUBLIC_KEY === undefined) !== (env.VAPID_PRIVATE_KEY === undefined)) {
    throw new EnvError('Invalid environment variable VAPID_PUBLIC_KEY: set both VAPID keys or neither');
  }
  const vapidKeys =
    env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
      ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY }
      : vapidKeysFrom(secretKey);
  const appOrigins = env.APP_ORIGIN ?? [`http://localhost:${env.PORT}`, `http://127.0.0.1:${env.PORT}`];
  const httpsOrigin = appOrigins.find((o) => o.startsWith('https://'));
  return {
    nodeEnv: env.NODE_ENV,
    ...(env.LIFEOS_API_KEY ? { mcpApiKey: env.LIFEOS_API_KEY } : {}),
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    appOrigins,
    cookieSecure: env.COOKIE_SECURE,
    allowSignup: env.ALLOW_SIGNUP,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    auth: {
      secretKey,
      issuer: 'lifeos',
      audience: 'lifeos-api',
      accessTtlSeconds: 15 * 60,
      refreshTtlSeconds: 7 * 24 * 60 * 60,
      refreshGraceSeconds: 10,
      throttle: {
        windowSeconds: env.LOGIN_WINDOW_SECONDS,
        maxPerPair: env.LOGIN_MAX_PER_PAIR,
        maxPerIp: env.LOGIN_MAX_PER_IP,
        backoffAfter: env.LOGIN_BACKOFF_AFTER ?? env.LOGIN_MAX_PER_USERNAME ?? 20,
        backoffMaxSeconds: env.LOGIN_BACKOFF_MAX_SECONDS,
      },
    },
    argon2: {
      memoryCost: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
      // One core is always left to the event loop and the database: with every core hashing, a few logins a
      // second made every other request wait (bench/login-cost: a cheap read's p99 4.5× its idle p99 on 2 cores).
      concurrency: Math.max(1, os.availableParallelism() - 1),
    },
    limits: {
      bodyBytes: 1024 * 1024,
      maxBatchSize: 20,
      requestTimeoutMs: 30_000,
      statementTimeoutMs: 15_000,
      importBodyBytes: env.IMPORT_BODY_LIMIT_MB * 1024 * 1024,
    },
    callerCacheMs: env.CALLER_CACHE_MS,
    dashboardCacheUsers: env.DASHBOARD_CACHE_USERS,
    calendarSubscriptions: {
      allowPrivateUrls: env.CALENDAR_ALLOW_PRIVATE_URLS,
      fetchTimeoutMs: 10_000,
      maxBytes: 5 * 1024 * 1024,
    },
    notifications: {
      vapid: { ...vapidKeys, subject: env.VAPID_SUBJECT ?? httpsOrigin ?? 'mailto:lifeos@localhost' },
      smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Life OS <lifeos@localhost>' } : null,
    },
  };
}
