import { ZDataExport, ZDataImportInput, ZDataImportReport } from '@lifeos/core/schemas';
import { dataExport, dataImport } from '@lifeos/core/server';
import { forgetsCachedCallers, protectedProcedure, router } from '../trpc/init.js';

/**
 * The whole account as one versioned JSON document, and its restore. Limited by the normal tRPC body size (1 MiB):
 * larger accounts use the streaming HTTP routes (GET /api/data/export, POST /api/data/import).
 */
export const dataRouter = router({
  export: protectedProcedure
    .meta({ description: 'Everything the user owns as one versioned JSON document (no secrets)' })
    .output(ZDataExport)
    .query(({ ctx }) => dataExport.exportDocument(ctx, ctx.user.id)),
  import: protectedProcedure
    .use(forgetsCachedCallers)
    .meta({
      description:
        'Restore an export: merge (add what is new) or replace (delete, then restore); dryRun previews the counts',
    })
    .input(ZDataImportInput)
    .output(ZDataImportReport)
    .mutation(({ ctx, input }) =>
      dataImport.importDocument(ctx, ctx.user.id, input.data, { mode: input.mode, dryRun: input.dryRun }),
    ),
});
