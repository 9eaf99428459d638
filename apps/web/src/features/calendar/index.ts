/**
 * The calendar feature's public entry: the one event form, for other features that make an event (the inbox
 * processes a capture into one). Everything else in this folder is the feature's own; the calendar page is
 * reached through the router.
 */
export { EventForm, type EventFormProps, type EventFormValues, newEventValues } from './event-form';
