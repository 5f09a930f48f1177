import { describe, expect, it } from 'vitest';
import { labelStep, monthLabel, monthOf, monthlySightings } from '../../renderer/src/lib/timeline';
import {
  clampView,
  IDENTITY,
  MAX_SCALE,
  panBy,
  viewTransform,
  wheelFactor,
  zoomAt,
} from '../../renderer/src/lib/zoom';

describe('monthlySightings', () => {
  it('counts per month and fills the empty months between', () => {
    const t = monthlySightings([
      '2024-01-05T10:00:00',
      '2024-01-20 22:10',
      '2024-04-01T00:00:00Z',
      null,
      'garbage',
    ]);
    expect(t.months.map((m) => [m.key, m.count])).toEqual([
      ['2024-01', 2],
      ['2024-02', 0],
      ['2024-03', 0],
      ['2024-04', 1],
    ]);
    expect(t.undated).toBe(2);
    expect(t.max).toBe(2);
  });

  it('reads the month as written (camera local time), across a year boundary', () => {
    expect(monthOf('2023-12-31T23:59:59-05:00')).toEqual({ year: 2023, month: 12 });
    expect(monthOf('2023:12:31 23:59:59')).toEqual({ year: 2023, month: 12 });
    const t = monthlySightings(['2023-11-02', '2024-02-10']);
    expect(t.months.map((m) => m.key)).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });

  it('handles no capture times at all', () => {
    expect(monthlySightings([null, null])).toEqual({ months: [], undated: 2, max: 0 });
    expect(monthlySightings([])).toEqual({ months: [], undated: 0, max: 0 });
  });

  it('labels months and thins the axis labels', () => {
    expect(monthLabel({ year: 2024, month: 3 })).toBe('Mar 2024');
    expect(monthLabel({ year: 2024, month: 3 }, false)).toBe('Mar');
    expect(labelStep(8)).toBe(1);
    expect(labelStep(20)).toBe(2);
    expect(labelStep(30)).toBe(3);
    expect(labelStep(100)).toBe(12);
  });
});

describe('zoom and pan', () => {
  it('zooms about the pointer, keeping that point still', () => {
    const v = zoomAt(IDENTITY, 2, 0.25, 0.75);
    expect(v.scale).toBe(2);
    // Content point under the pointer before: 0.25; after: (0.25 - x) / scale must still be 0.25.
    expect((0.25 - v.x) / v.scale).toBeCloseTo(0.25);
    expect((0.75 - v.y) / v.scale).toBeCloseTo(0.75);
  });

  it('never zooms out past the whole image or in past the maximum', () => {
    expect(zoomAt(IDENTITY, 0.5, 0.5, 0.5)).toEqual(IDENTITY);
    expect(zoomAt({ scale: 6, x: -1, y: -1 }, 4, 0.5, 0.5).scale).toBe(MAX_SCALE);
  });

  it('pans within the image and back to the edge when zooming out', () => {
    const zoomed = { scale: 2, x: -0.5, y: -0.5 };
    expect(panBy(zoomed, 0.2, -0.1)).toEqual({ scale: 2, x: -0.3, y: -0.6 });
    expect(panBy(zoomed, 5, -5)).toEqual({ scale: 2, x: 0, y: -1 });
    expect(panBy(IDENTITY, 0.3, 0.3)).toEqual(IDENTITY);
    expect(clampView({ scale: 1, x: -0.4, y: 0.2 })).toEqual(IDENTITY);
  });

  it('turns wheel deltas into zoom factors: up zooms in, down zooms out, lines and pages scaled', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(48));
    expect(wheelFactor(100000)).toBe(wheelFactor(200));
  });

  it('writes the CSS transform', () => {
    expect(viewTransform({ scale: 2, x: -0.5, y: 0 })).toBe('translate(-50.000%, 0.000%) scale(2.0000)');
  });
});
