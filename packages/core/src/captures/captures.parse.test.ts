import { describe, expect, it } from 'vitest';
import { parseQuickAdd } from './captures.parse.js';
import { ZCreateCaptureInput, ZProcessCaptureInput } from './captures.schemas.js';

const projects = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Home renovation', status: 'active' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Work', status: 'archived' },
  { id: '00000000-0000-4000-8000-000000000003', name: 'work', status: 'active' },
];
// Tuesday 2026-03-10, 11:00 in New York (EDT since 2026-03-08).
const ny = { now: new Date('2026-03-10T15:00:00Z'), timezone: 'America/New_York', projects };

describe('parseQuickAdd', () => {
  it('reads "tomorrow 9am" in the user zone, and keeps the rest as the title', () => {
    const parsed = parseQuickAdd('call the dentist tomorrow 9am', ny);
    expect(parsed).toMatchObject({
      title: 'call the dentist',
      dueDate: '2026-03-11',
      dueTime: '09:00',
      dateText: 'tomorrow 9am',
      labels: [],
      priority: null,
      project: null,
      newProjectName: null,
    });
    expect(parsed.dueAt).toEqual(new Date('2026-03-11T13:00:00Z'));
  });

  it('reads "next friday" as a date without a time', () => {
    const parsed = parseQuickAdd('next friday', ny);
    expect(parsed).toMatchObject({ title: '', dueTime: null, dueAt: null });
    expect(parsed.dueDate).toMatch(/^2026-03-(13|20)$/);
    expect(parseQuickAdd('pay rent friday', ny)).toMatchObject({ title: 'pay rent', dueDate: '2026-03-13' });
    expect(parseQuickAdd('report due march 30', ny)).toMatchObject({ title: 'report', dueDate: '2026-03-30' });
  });

  it('takes #labels, +project, !priority out of the title', () => {
    const parsed = parseQuickAdd('buy paint #shopping #DIY +home-renovation !3 saturday', ny);
    expect(parsed).toMatchObject({
      title: 'buy paint',
      labels: ['shopping', 'diy'],
      priority: 3,
      project: { id: projects[0]?.id, name: 'Home renovation' },
      newProjectName: null,
      dueDate: '2026-03-14',
    });
    expect(parseQuickAdd('x !high', ny).priority).toBe(3);
    expect(parseQuickAdd('x !low', ny).priority).toBe(1);
    expect(parseQuickAdd('x !2', ny).priority).toBe(2);
  });

  it('matches a project case-insensitively, preferring one that is not archived, or proposes a new one', () => {
    expect(parseQuickAdd('report +WORK', ny).project?.id).toBe(projects[2]?.id);
    expect(parseQuickAdd('plan +Garden', ny)).toMatchObject({ project: null, newProjectName: 'Garden' });
    expect(parseQuickAdd('plan +"Big trip"', ny)).toMatchObject({ title: 'plan', newProjectName: 'Big trip' });
  });

  it('leaves text without tokens or dates alone (no false dates in "buy 2 apples", no label in "C#")', () => {
    expect(parseQuickAdd('buy 2 apples', ny)).toMatchObject({ title: 'buy 2 apples', dueDate: null, labels: [] });
    expect(parseQuickAdd('learn C# properly', ny)).toMatchObject({ title: 'learn C# properly', labels: [] });
    expect(parseQuickAdd('email a+b@example.com', ny).newProjectName).toBeNull();
  });

  it("uses the user's date, not UTC's: just after local midnight across the spring DST change (Berlin)", () => {
    // 2026-03-28T23:30Z is 00:30 on Sunday 2026-03-29 in Berlin; clocks go forward at 02:00 that night.
    const berlin = { now: new Date('2026-03-28T23:30:00Z'), timezone: 'Europe/Berlin', projects: [] };
    expect(parseQuickAdd('x today', berlin).dueDate).toBe('2026-03-29');
    const tomorrow = parseQuickAdd('x tomorrow 9am', berlin);
    expect(tomorrow).toMatchObject({ dueDate: '2026-03-30', dueTime: '09:00' });
    expect(tomorrow.dueAt).toEqual(new Date('2026-03-30T07:00:00Z')); // CEST, UTC+2
    const sameDay = parseQuickAdd('x today 9am', berlin);
    expect(sameDay.dueAt).toEqual(new Date('2026-03-29T07:00:00Z'));
  });

  it('late in the evening west of UTC, "tomorrow" is the local tomorrow (across the autumn change)', () => {
    // 2026-11-01T03:30Z is 23:30 on Saturday 2026-10-31 in New York; EDT ends at 02:00 on 2026-11-01.
    const late = { now: new Date('2026-11-01T03:30:00Z'), timezone: 'America/New_York', projects: [] };
    const parsed = parseQuickAdd('x tomorrow 9am', late);
    expect(parsed).toMatchObject({ dueDate: '2026-11-01', dueTime: '09:00' });
    expect(parsed.dueAt).toEqual(new Date('2026-11-01T14:00:00Z')); // EST, UTC-5
  });
});

describe('capture schemas', () => {
  it('refuses blank text and non-web links, keeps what was typed', () => {
    expect(ZCreateCaptureInput.safeParse({ text: '   ' }).success).toBe(false);
    expect(ZCreateCaptureInput.safeParse({ text: 'x', url: 'javascript:alert(1)' }).success).toBe(false);
    expect(ZCreateCaptureInput.parse({ text: '  two  spaces\n' }).text).toBe('  two  spaces');
  });

  it('process takes one kind of target, checked by its own schema', () => {
    const id = '00000000-0000-4000-8000-000000000009';
    expect(ZProcessCaptureInput.safeParse({ id, into: { kind: 'task' } }).success).toBe(true);
    expect(ZProcessCaptureInput.safeParse({ id, into: { kind: 'journal', date: '2026-03-10' } }).success).toBe(true);
    expect(ZProcessCaptureInput.safeParse({ id, into: { kind: 'event', title: 'x' } }).success).toBe(false);
    expect(
      ZProcessCaptureInput.safeParse({ id, into: { kind: 'task', projectId: id, newProjectName: 'x' } }).success,
    ).toBe(false);
    expect(ZProcessCaptureInput.safeParse({ id, into: { kind: 'note' } }).success).toBe(false);
  });
});
