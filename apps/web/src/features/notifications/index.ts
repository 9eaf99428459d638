/** The notifications feature's public entry: the list of what was sent (shown on the settings page). */
export { NotificationList } from './notification-list';
