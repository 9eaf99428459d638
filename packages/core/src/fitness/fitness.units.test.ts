import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromKg, KG_PER_LB, kgToLb, lbToKg, roundTo, toKg } from './fitness.units.js';

describe('weight units', () => {
  it('225 lb → kg (as stored) → lb is exactly 225 at display precision', () => {
    const stored = lbToKg(225);
    expect(stored).toBe(102.0583);
    expect(kgToLb(stored)).toBe(225);
    expect(fromKg(toKg(225, 'lb'), 'lb')).toBe(225);
  });

  it('every pound value a person can enter (0.1 lb steps up to 2000 lb) round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (tenths) => {
        const lb = tenths / 10;
        expect(kgToLb(lbToKg(lb))).toBe(lb);
      }),
      { numRuns: 5000 },
    );
  });

  it('kilograms stay kilograms; the pound is 0.45359237 kg exactly', () => {
    expect(KG_PER_LB).toBe(0.45359237);
    expect(toKg(102.5, 'kg')).toBe(102.5);
    expect(fromKg(102.5, 'kg')).toBe(102.5);
    expect(lbToKg(1)).toBe(0.4536);
    expect(kgToLb(100)).toBe(220.46);
  });

  it('rounds half away from zero without binary artefacts', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(2.5, 0)).toBe(3);
  });
});
