import { describe, expect, it } from 'vitest';
import { cropRaw } from '../../electron/core/images/crop';
import type { RawImage } from '../../electron/core/images/raw-image';

/** A 10×8 image whose pixel (x, y) holds [x, y, 7]. */
function coordinateImage(width = 10, height = 8): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

function corners(image: RawImage): number[][] {
  const at = (x: number, y: number) => [
    ...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 2),
  ];
  return [at(0, 0), at(image.width - 1, image.height - 1)];
}

describe('cropRaw', () => {
  it('cuts the box out of the decoded pixels', () => {
    const crop = cropRaw(coordinateImage(), { x: 0.2, y: 0.25, w: 0.5, h: 0.5 });
    expect([crop.width, crop.height, crop.channels]).toEqual([5, 4, 3]);
    expect(corners(crop)).toEqual([
      [2, 2],
      [6, 5],
    ]);
  });

  it('pads by a fraction of the box on every side', () => {
    const crop = cropRaw(coordinateImage(), { x: 0.3, y: 0.25, w: 0.4, h: 0.5 }, 0.25);
    // 0.25 × 4 px = 1 px more left and right, 0.25 × 4 px = 1 px more top and bottom.
    expect([crop.width, crop.height]).toEqual([6, 6]);
    expect(corners(crop)).toEqual([
      [2, 1],
      [7, 6],
    ]);
  });

  it('clips padding at the image edges', () => {
    const crop = cropRaw(coordinateImage(), { x: 0, y: 0, w: 1, h: 1 }, 0.5);
    expect([crop.width, crop.height]).toEqual([10, 8]);
  });

  it('refuses boxes that miss the image or are malformed', () => {
    const image = coordinateImage();
    expect(() => cropRaw(image, { x: 1.2, y: 0, w: 0.1, h: 0.1 })).toThrow(RangeError);
    expect(() => cropRaw(image, { x: 0, y: 0, w: 0, h: 0.5 })).toThrow(
      new RangeError('Expected positive box.w and box.h but received 0 and 0.5'),
    );
    expect(() => cropRaw(image, { x: Number.NaN, y: 0, w: 0.5, h: 0.5 })).toThrow(
      new TypeError('Expected finite number for box.x but received NaN'),
    );
    expect(() => cropRaw(image, { x: 0, y: 0, w: 0.5, h: 0.5 }, -1)).toThrow(RangeError);
  });
});
