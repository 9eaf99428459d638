/**
 * The data feature's public entry: the settings page shows the export and import section. Everything else in this
 * folder is the feature's own.
 */
export { DataSection } from './data-section';
