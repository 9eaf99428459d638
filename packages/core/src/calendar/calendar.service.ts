/**
 * The calendar service: events and their occurrences (calendar.events.ts), .ics import and export (calendar.ics.ts)
 * the subscription feed (calendar.feed.ts) and the calendar as CalDAV objects (calendar.objects.ts), exported as `calendarService` by server.ts; what the parts share is
 * in calendar.shared.ts. The agenda and subscriptions are services of their own (calendar.agenda.ts,
 * subscriptions.service.ts).
 */
export * from './calendar.events.js';
export * from './calendar.feed.js';
export * from './calendar.ics.js';
export * from './calendar.objects.js';
