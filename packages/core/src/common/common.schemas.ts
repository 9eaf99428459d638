import { z } from 'zod';

export const ZId = z.uuid({ error: 'Expected an id (a UUID)' });
export const ZIdInput = z.object({ id: ZId }).strict();
export type TIdInput = z.infer<typeof ZIdInput>;

export const ZOk = z.object({ ok: z.literal(true) });
