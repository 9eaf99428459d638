/**
 * The settings feature's public entry: the shell shows the time zone offer above every page. Everything else in this
 * folder is the settings page's own, reached through the router.
 */
export { TimeZonePrompt } from './time-zone-prompt';
