import { describe, expect, it } from 'vitest';
import { brzycki1rm, E1RM_MAX_REPS, epley1rm, nextDayId, proposeWeight } from './fitness.rules.js';

describe('estimated 1RM', () => {
  it('Epley: w · (1 + r/30); a single is its own max', () => {
    expect(epley1rm(100, 1)).toBe(100);
    expect(epley1rm(100, 5)).toBe(116.67);
    expect(epley1rm(100, 10)).toBe(133.33);
    expect(epley1rm(60, 3)).toBe(66);
  });

  it('Brzycki: w · 36 / (37 − r)', () => {
    expect(brzycki1rm(100, 1)).toBe(100);
    expect(brzycki1rm(100, 5)).toBe(112.5);
    expect(brzycki1rm(100, 10)).toBe(133.33);
  });

  it('gives nothing for sets that cannot estimate a max', () => {
    for (const [w, r] of [
      [0, 5],
      [100, 0],
      [100, E1RM_MAX_REPS + 1],
      [100, 2.5],
      [Number.NaN, 5],
    ] as const) {
      expect(epley1rm(w, r)).toBeNull();
      expect(brzycki1rm(w, r)).toBeNull();
    }
    expect(epley1rm(100, E1RM_MAX_REPS)).toBe(140);
  });
});

describe('progression rule', () => {
  const rule = { targetWeightKg: 60, repMax: 8, incrementKg: 2.5 };

  it('adds the increment when every working set reached the top of the rep range', () => {
    const lastWorkingSets = [
      { reps: 8, weightKg: 80 },
      { reps: 9, weightKg: 80 },
      { reps: 8, weightKg: 80 },
    ];
    expect(proposeWeight({ ...rule, lastWorkingSets })).toBe(82.5);
  });

  it('repeats the weight when any working set fell short', () => {
    const lastWorkingSets = [
      { reps: 8, weightKg: 80 },
      { reps: 7, weightKg: 80 },
    ];
    expect(proposeWeight({ ...rule, lastWorkingSets })).toBe(80);
    expect(proposeWeight({ ...rule, lastWorkingSets: [{ reps: null, weightKg: 80 }] })).toBe(80);
  });

  it('starts from the heaviest working weight of the last session', () => {
    const lastWorkingSets = [
      { reps: 8, weightKg: 70 },
      { reps: 8, weightKg: 75 },
    ];
    expect(proposeWeight({ ...rule, lastWorkingSets })).toBe(77.5);
  });

  it("uses the program's target without history, and keeps the weight without a rep range", () => {
    expect(proposeWeight({ ...rule, lastWorkingSets: [] })).toBe(60);
    expect(proposeWeight({ ...rule, targetWeightKg: null, lastWorkingSets: [] })).toBeNull();
    expect(proposeWeight({ ...rule, lastWorkingSets: [{ reps: 10, weightKg: null }] })).toBe(60);
    expect(proposeWeight({ ...rule, repMax: null, lastWorkingSets: [{ reps: 20, weightKg: 50 }] })).toBe(50);
  });

  it('adds a pound-sized increment without float noise', () => {
    expect(proposeWeight({ ...rule, incrementKg: 2.268, lastWorkingSets: [{ reps: 8, weightKg: 102.0583 }] })).toBe(
      104.3263,
    );
  });
});

describe('next program day', () => {
  const days = ['a', 'b', 'c'];
  it('is the day after the last one trained, cycling', () => {
    expect(nextDayId(days, 'a')).toBe('b');
    expect(nextDayId(days, 'b')).toBe('c');
    expect(nextDayId(days, 'c')).toBe('a');
  });
  it('is the first day when never trained or the last day is gone', () => {
    expect(nextDayId(days, null)).toBe('a');
    expect(nextDayId(days, 'deleted')).toBe('a');
    expect(nextDayId([], null)).toBeNull();
    expect(nextDayId(['only'], 'only')).toBe('only');
  });
});
