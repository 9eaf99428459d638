import { z } from 'zod';
import { ZId, ZInstant } from '../common/common.schemas.js';

/** What a key may do: read only, or read and write. A session's caller always writes (auth.schemas' ZMe). */
export const ZApiKeyScope = z.enum(['read', 'write']);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

export const ZCreateApiKeyInput = z
  .object({
    name: z.string().trim().min(1, { error: 'Give the key a name' }).max(100),
    scope: ZApiKeyScope,
    expiresAt: ZInstant.optional(),
  })
  .strict();
export type TCreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>;

export const ZApiKey = z.object({
  id: ZId,
  name: z.string(),
  prefix: z.string(),
  scope: ZApiKeyScope,
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreatedApiKey = z.object({ key: z.string(), apiKey: ZApiKey });
