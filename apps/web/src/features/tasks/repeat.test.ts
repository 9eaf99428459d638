import { describe, expect, it } from 'vitest';
import { describeRepeat, type RepeatChoice, repeatFromForm, repeatLabel, repeatToForm, weekdayOf } from './repeat';

const form = (repeat: RepeatChoice, repeatDays = '1', customRrule = '') => ({ repeat, repeatDays, customRrule });

describe('repeat mapping', () => {
  it('maps each choice to what the API accepts', () => {
    expect(repeatFromForm(form('none'), '2026-03-13')).toEqual({ rrule: null, repeatAfterDays: null });
    expect(repeatFromForm(form('daily'), null).rrule).toBe('FREQ=DAILY');
    expect(repeatFromForm(form('weekdays'), null).rrule).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
    expect(repeatFromForm(form('weekly'), null).rrule).toBe('FREQ=WEEKLY');
    expect(repeatFromForm(form('biweekly'), null).rrule).toBe('FREQ=WEEKLY;INTERVAL=2');
    expect(repeatFromForm(form('monthly'), null).rrule).toBe('FREQ=MONTHLY');
    // 2026-03-13 is a Friday, 2026-03-16 a Monday.
    expect(repeatFromForm(form('monthlyLast'), '2026-03-13').rrule).toBe('FREQ=MONTHLY;BYDAY=-1FR');
    expect(repeatFromForm(form('monthlyLast'), '2026-03-16').rrule).toBe('FREQ=MONTHLY;BYDAY=-1MO');
    expect(repeatFromForm(form('monthlyLast'), null).rrule).toBe('FREQ=MONTHLY;BYDAY=-1FR');
    expect(repeatFromForm(form('monthlyLast'), null, 'FREQ=MONTHLY;BYDAY=-1TU').rrule).toBe('FREQ=MONTHLY;BYDAY=-1TU');
    expect(repeatFromForm(form('afterDays', '3'), null)).toEqual({ rrule: null, repeatAfterDays: 3 });
    expect(repeatFromForm(form('custom', '1', 'FREQ=YEARLY'), null)).toEqual({
      rrule: 'FREQ=YEARLY',
      repeatAfterDays: null,
    });
  });

  it('reads a task back into the choice', () => {
    expect(repeatToForm({ rrule: null, repeatAfterDays: null }).repeat).toBe('none');
    expect(repeatToForm({ rrule: null, repeatAfterDays: 3 })).toMatchObject({ repeat: 'afterDays', repeatDays: '3' });
    expect(repeatToForm({ rrule: 'FREQ=DAILY', repeatAfterDays: null }).repeat).toBe('daily');
    expect(repeatToForm({ rrule: 'RRULE:freq=weekly;byday=MO,TU,WE,TH,FR', repeatAfterDays: null }).repeat).toBe(
      'weekdays',
    );
    expect(repeatToForm({ rrule: 'FREQ=WEEKLY;INTERVAL=1', repeatAfterDays: null }).repeat).toBe('weekly');
    expect(repeatToForm({ rrule: 'INTERVAL=2;FREQ=WEEKLY', repeatAfterDays: null }).repeat).toBe('biweekly');
    expect(repeatToForm({ rrule: 'FREQ=MONTHLY', repeatAfterDays: null }).repeat).toBe('monthly');
    expect(repeatToForm({ rrule: 'FREQ=MONTHLY;BYDAY=-1FR', repeatAfterDays: null }).repeat).toBe('monthlyLast');
    expect(repeatToForm({ rrule: 'FREQ=YEARLY;BYMONTH=3', repeatAfterDays: null })).toMatchObject({
      repeat: 'custom',
      customRrule: 'FREQ=YEARLY;BYMONTH=3',
    });
  });

  it('round-trips every preset', () => {
    for (const choice of ['none', 'daily', 'weekdays', 'weekly', 'biweekly', 'monthly', 'monthlyLast'] as const) {
      expect(repeatToForm(repeatFromForm(form(choice), '2026-03-13')).repeat).toBe(choice);
    }
    expect(repeatToForm(repeatFromForm(form('afterDays', '14'), null))).toMatchObject({
      repeat: 'afterDays',
      repeatDays: '14',
    });
  });

  it('says what it means in plain words', () => {
    expect(weekdayOf('2026-03-13')).toBe('FR');
    expect(repeatLabel('monthlyLast', '2026-03-16')).toBe('Monthly on the last Monday');
    expect(describeRepeat({ rrule: null, repeatAfterDays: null }, null)).toBe('This task does not repeat.');
    expect(describeRepeat({ rrule: null, repeatAfterDays: 3 }, null)).toContain(
      '3 days after the day you completed it',
    );
    expect(describeRepeat({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', repeatAfterDays: null }, null)).toContain(
      'next weekday',
    );
    expect(describeRepeat({ rrule: 'FREQ=MONTHLY', repeatAfterDays: null }, '2026-03-13')).toContain('on the 13th');
    expect(describeRepeat({ rrule: 'FREQ=MONTHLY;BYDAY=-1FR', repeatAfterDays: null }, null)).toContain('last Friday');
  });
});
