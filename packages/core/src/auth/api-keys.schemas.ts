import { z } from 'zod';
import { ZId, ZInstant } from '../common/common.schemas.js';

/** What a key may do: read only, or read and write. A session's caller always writes (auth.schemas' ZMe). */
export const ZApiKeyScope = z.enum(['read', 'write']);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

/**
 * The modules a key's permissions name: the tRPC routers' first segment, and what the MCP tools and the HTTP routes
 * say they touch. `dashboard` and `search` read across modules; `data` is the whole account (export and import).
 */
export const API_KEY_MODULES = [
  'journal',
  'fitness',
  'calendar',
  'projects',
  'tasks',
  'captures',
  'dashboard',
  'search',
  'settings',
  'data',
] as const;
export const ZApiKeyModule = z.enum(API_KEY_MODULES);
export type TApiKeyModule = z.infer<typeof ZApiKeyModule>;

/** One module's access for a key: none, read, or read and write. */
export const ZApiKeyModuleAccess = z.enum(['none', 'read', 'write']);
export type TApiKeyModuleAccess = z.infer<typeof ZApiKeyModuleAccess>;

/** Per-module access overriding the key's scope; a module left out gets the scope. */
export const ZApiKeyModules = z.partialRecord(ZApiKeyModule, ZApiKeyModuleAccess);
export type TApiKeyModules = z.infer<typeof ZApiKeyModules>;

export const ZCreateApiKeyInput = z
  .object({
    name: z.string().trim().min(1, { error: 'Give the key a name' }).max(100),
    scope: ZApiKeyScope,
    /** Per-module access beside the scope, e.g. `{ journal: 'none', tasks: 'write' }` on a read key. */
    modules: ZApiKeyModules.optional(),
    /** False: journal content (text, lists, excerpts, snippets) is never returned to this key. Default true. */
    journalText: z.boolean().optional(),
    expiresAt: ZInstant.optional(),
  })
  .strict();
export type TCreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>;

export const ZApiKey = z.object({
  id: ZId,
  name: z.string(),
  prefix: z.string(),
  scope: ZApiKeyScope,
  modules: ZApiKeyModules,
  journalText: z.boolean(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

export const ZCreatedApiKey = z.object({ key: z.string(), apiKey: ZApiKey });
