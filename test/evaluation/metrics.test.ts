import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision } from '../../electron/core/evaluation/metrics';
import { bestSeparatingThreshold } from '../../electron/core/identification/calibrate';

describe('evaluation metrics', () => {
  it('average precision follows the definition on a worked example', () => {
    // Relevant at ranks 1, 3 and 6 of 3 relevant items: (1/1 + 2/3 + 3/6) / 3.
    expect(averagePrecision([true, false, true, false, false, true], 3)).toBeCloseTo(
      (1 + 2 / 3 + 0.5) / 3,
      12,
    );
    // A relevant item never retrieved counts as precision 0.
    expect(averagePrecision([false, true], 2)).toBeCloseTo(0.25, 12);
    expect(averagePrecision([], 0)).toBe(0);
  });

  it('AUROC is the probability a positive outscores a negative, ties counting half', () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.1], [0.9])).toBe(0);
    // pairs: (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.2) = 1, (0.9 vs both) = 2 → 3.5 / 4.
    expect(auroc([0.5, 0.9], [0.5, 0.2])).toBeCloseTo(0.875, 12);
    expect(auroc([], [1])).toBeNaN();
  });

  it('the new-individual threshold sits in the middle of the gap that best separates the scores', () => {
    const result = bestSeparatingThreshold([0.8, 0.9, 0.7], [0.1, 0.3, 0.2]);
    expect(result.threshold).toBeCloseTo(0.5, 12);
    expect(result.knownBelow).toBe(0);
    expect(result.unknownAbove).toBe(0);
    const overlapping = bestSeparatingThreshold([0.6, 0.9, 0.2], [0.1, 0.3, 0.7]);
    expect(overlapping.knownBelow + overlapping.unknownAbove).toBeGreaterThan(0);
    expect(() => bestSeparatingThreshold([], [0.1])).toThrowError(RangeError);
  });
});
