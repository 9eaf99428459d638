import { describe, expect, it } from 'vitest';
import { progress } from './projects.rules.js';

describe('progress', () => {
  it('is done over total, and 0 for an empty project', () => {
    expect(progress(0, 0)).toEqual({ done: 0, total: 0, ratio: 0 });
    expect(progress(1, 4)).toEqual({ done: 1, total: 4, ratio: 0.25 });
    expect(progress(3, 3).ratio).toBe(1);
  });
});
