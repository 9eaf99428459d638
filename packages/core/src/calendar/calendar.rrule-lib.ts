/**
 * rrule.js, kept as the test oracle of calendar.rrule-engine.ts only: it cannot be bounded (a rule that never matches walks
 * every period to the year 9999), so no production walk uses it.
 *
 * rrule ships CommonJS for Node ("main") and ESM for bundlers ("module"). Node's ESM loader cannot see its named
 * exports, so take them from whichever shape arrived.
 */
import * as rruleModule from 'rrule';

type RRuleModule = typeof import('rrule');
const loaded = rruleModule as RRuleModule & { default?: RRuleModule };

export const RRule: RRuleModule['RRule'] = loaded.RRule ?? (loaded.default as RRuleModule).RRule;
export type RRule = import('rrule').RRule;
export type RRuleOptions = import('rrule').Options;
