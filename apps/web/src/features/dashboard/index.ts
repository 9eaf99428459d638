/**
 * The dashboard feature's public entry: what other features may use (the weekly review shows the week's facts from
 * `dashboard.weekFacts`). Everything else in this folder is the feature's own; the router reaches the page and its
 * prefetch directly.
 */
export { WeekFactsPanel } from './week-facts-panel';
