import { z } from 'zod';
import { ZId, ZTimezone } from '../common/common.schemas.js';
import { ZApiKeyScope } from './api-keys.schemas.js';

/** OWASP ASVS 6.2: at least 12 characters, up to 256 (never truncated), no composition rules. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const ZPassword = z
  .string()
  .min(PASSWORD_MIN, { error: `Password must be at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX, { error: `Password must be at most ${PASSWORD_MAX} characters` });

export const ZUsername = z
  .string()
  .trim()
  .min(3, { error: 'Username must be at least 3 characters' })
  .max(32, { error: 'Username must be at most 32 characters' })
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, {
    error: 'Username may contain letters, digits, ".", "_" and "-", and must start with a letter or digit',
  });

export const ZEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ error: 'Enter a valid email address' }))
  .transform((email) => email.toLowerCase());

export const ZDisplayName = z.string().trim().min(1, { error: 'Display name cannot be empty' }).max(100);

export const ZSetupInput = z
  .object({
    username: ZUsername,
    email: ZEmail,
    password: ZPassword,
    displayName: ZDisplayName.optional(),
    /** The browser's time zone, so days and streaks follow the person's clock from the first one (else UTC). */
    timezone: ZTimezone.optional(),
  })
  .strict();
export type TSetupInput = z.infer<typeof ZSetupInput>;

export const ZLoginInput = z
  .object({
    identifier: z.string().trim().min(1, { error: 'Enter your username or email' }).max(254),
    password: z.string().min(1, { error: 'Enter your password' }).max(PASSWORD_MAX),
  })
  .strict();
export type TLoginInput = z.infer<typeof ZLoginInput>;

export const ZChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX),
    newPassword: ZPassword,
  })
  .strict();
export type TChangePasswordInput = z.infer<typeof ZChangePasswordInput>;

export const ZUser = z.object({
  id: ZId,
  username: z.string(),
  email: z.string(),
  displayName: z.string(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZSetupStatus = z.object({ needsSetup: z.boolean(), signupOpen: z.boolean() });

export const ZAuthResult = z.object({ user: ZUser });

export const ZMe = ZUser.extend({
  authMethod: z.enum(['session', 'apiKey']),
  scope: ZApiKeyScope,
});
export type TMe = z.infer<typeof ZMe>;

export const ZSession = z.object({
  id: ZId,
  createdAt: z.date(),
  lastUsedAt: z.date(),
  expiresAt: z.date(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
export type TSession = z.infer<typeof ZSession>;
