import { describe, expect, it } from 'vitest';
import { furMask, isFurOrange } from './stripe-mask';

describe('isFurOrange', () => {
  it('accepts tiger orange and rejects grass, sand, sky and grey', () => {
    expect(isFurOrange(217, 130, 43)).toBe(true);
    expect(isFurOrange(150, 115, 80)).toBe(true); // washed-out video fur
    expect(isFurOrange(79, 122, 58)).toBe(false); // grass
    expect(isFurOrange(200, 190, 160)).toBe(false); // pale sand
    expect(isFurOrange(90, 140, 210)).toBe(false); // sky/water
    expect(isFurOrange(128, 128, 128)).toBe(false);
  });
});

describe('furMask', () => {
  const w = 120;
  const h = 80;
  const image = (inside: [number, number, number], outside: [number, number, number]): Uint8Array => {
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++)
        rgb.set(x >= 40 && x < 100 && y >= 20 && y < 70 ? inside : outside, (y * w + x) * 3);
    }
    return rgb;
  };

  it('covers an orange body, including a black stripe across it, and not the grass around it', () => {
    const rgb = image([217, 130, 43], [79, 122, 58]);
    for (let y = 20; y < 70; y++) for (let x = 68; x < 72; x++) rgb.set([15, 15, 15], (y * w + x) * 3);
    const { mask, fallback, coverage } = furMask(rgb, w, h);
    expect(fallback).toBe(false);
    expect(mask[45 * w + 70]).toBe(255); // the stripe
    expect(mask[45 * w + 50]).toBe(255);
    expect(mask[5 * w + 5]).toBe(0);
    expect(mask[45 * w + 10]).toBe(0);
    expect(coverage).toBeGreaterThan(0.2);
    expect(coverage).toBeLessThan(0.6);
  });

  it('falls back to the whole frame when there is no colour cue (infrared, greyscale)', () => {
    const { mask, fallback, coverage } = furMask(image([200, 200, 200], [60, 60, 60]), w, h);
    expect(fallback).toBe(true);
    expect(coverage).toBe(1);
    expect(mask.every((v) => v === 255)).toBe(true);
  });
});
