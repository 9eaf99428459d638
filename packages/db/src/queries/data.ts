/*
 * Export and import of one user's whole data, exported as one namespace (`dataQueries`) from its parts: the
 * export's cursors and queries (data.export.ts), the natural keys a merge matches against (data.keys.ts), the
 * import's writes (data.import.ts) and what its transaction needs around them (data.import-run.ts). Reads go
 * through server-side cursors inside the caller's transaction; writes are multi-row INSERTs. Every statement filters
 * by user_id, which leads an index on each table.
 */
export * from './data.export.js';
export * from './data.import.js';
export * from './data.import-run.js';
export * from './data.keys.js';
