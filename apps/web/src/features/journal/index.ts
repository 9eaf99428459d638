/**
 * The journal feature's public entry: what other features may use (the dashboard links into the journal's pages).
 * Everything else in this folder is the feature's own; its pages are reached through the router.
 */
export { entryPath } from './journal-links';
