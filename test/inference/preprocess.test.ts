import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../electron/core/images/raw-image';
import type { ModelInputSpec } from '../../electron/core/inference/manifest';
import { prepareInput, resizeForModel, stackBatch } from '../../electron/core/inference/preprocess';

function spec(overrides: Partial<ModelInputSpec>): ModelInputSpec {
  return {
    width: 2,
    height: 2,
    resize: 'stretch',
    interpolation: 'bilinear',
    padValue: 114,
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.5, 1],
    layout: 'NCHW',
    scale: 1 / 255,
    ...overrides,
  };
}

function rgb(width: number, height: number, pixels: number[][]): RawImage {
  return { data: Buffer.from(pixels.flat()), width, height, channels: 3 };
}

function uniform(width: number, height: number, colour: [number, number, number]): RawImage {
  return rgb(
    width,
    height,
    Array.from({ length: width * height }, () => colour),
  );
}

const FOUR_PIXELS = rgb(2, 2, [
  [255, 0, 51],
  [0, 255, 102],
  [51, 102, 255],
  [255, 255, 0],
]);

function expectClose(actual: ArrayLike<number>, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 6));
}

describe('preprocess', () => {
  it('scales, subtracts mean and divides by std per channel, in NCHW', async () => {
    // R: 1,0,.2,1 → (x-.5)/.25; G: 0,1,.4,1 → (x-.5)/.5; B: .2,.4,1,0 → (x-.5)/1.
    const { data, mapping } = await prepareInput(FOUR_PIXELS, spec({}));
    expectClose(data, [2, -2, -1.2, 2, -1, 1, -0.2, 1, -0.3, -0.1, 0.5, -0.5]);
    expect(mapping).toEqual({
      scaleX: 1,
      scaleY: 1,
      offsetX: 0,
      offsetY: 0,
      sourceWidth: 2,
      sourceHeight: 2,
    });
  });

  it('writes NHWC when the manifest says so, and stacks a batch', async () => {
    const s = spec({ layout: 'NHWC' });
    const one = await prepareInput(FOUR_PIXELS, s);
    expectClose(one.data, [2, -1, -0.3, -2, 1, -0.1, -1.2, -0.2, 0.5, 2, 1, -0.5]);
    const batch = stackBatch([one, one], s);
    expect(batch.dims).toEqual([2, 2, 2, 3]);
    expect(Array.from(batch.data.subarray(12))).toEqual(Array.from(one.data));
  });

  it('letterboxes a wide image into the middle rows with grey 114 padding', async () => {
    const image = rgb(4, 2, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
      [13, 14, 15],
      [16, 17, 18],
      [19, 20, 21],
      [22, 23, 24],
    ]);
    const { rgb: out, mapping } = await resizeForModel(
      image,
      spec({ width: 4, height: 4, resize: 'letterbox' }),
    );
    const pad = Array.from({ length: 12 }, () => 114);
    expect(Array.from(out)).toEqual([...pad, ...image.data, ...pad]);
    expect(mapping).toEqual({
      scaleX: 1,
      scaleY: 1,
      offsetX: 0,
      offsetY: 1,
      sourceWidth: 4,
      sourceHeight: 2,
    });
  });

  it('letterboxes with downscaling and returns the scale and offset that map boxes back', async () => {
    const { rgb: out, mapping } = await resizeForModel(
      uniform(8, 4, [10, 20, 30]),
      spec({ width: 4, height: 4, resize: 'letterbox', padValue: 0 }),
    );
    const row = (c: number[]) => Array.from({ length: 4 }, () => c).flat();
    expect(Array.from(out)).toEqual([
      ...row([0, 0, 0]),
      ...row([10, 20, 30]),
      ...row([10, 20, 30]),
      ...row([0, 0, 0]),
    ]);
    expect(mapping).toEqual({
      scaleX: 0.5,
      scaleY: 0.5,
      offsetX: 0,
      offsetY: 1,
      sourceWidth: 8,
      sourceHeight: 4,
    });
  });

  it('stretches to the exact input size', async () => {
    const { rgb: out, mapping } = await resizeForModel(
      uniform(6, 3, [200, 100, 50]),
      spec({ width: 3, height: 2 }),
    );
    expect(Array.from(out)).toEqual(Array.from({ length: 6 }, () => [200, 100, 50]).flat());
    expect(mapping).toMatchObject({ scaleX: 0.5, scaleY: 2 / 3, offsetX: 0, offsetY: 0 });
  });

  it('center-crops the middle of a wide image', async () => {
    const image = rgb(4, 2, [
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
      [4, 4, 4],
      [5, 5, 5],
      [6, 6, 6],
      [7, 7, 7],
      [8, 8, 8],
    ]);
    const { rgb: out, mapping } = await resizeForModel(image, spec({ resize: 'center-crop' }));
    expect(Array.from(out)).toEqual([2, 2, 2, 3, 3, 3, 6, 6, 6, 7, 7, 7]);
    expect(mapping).toEqual({
      scaleX: 1,
      scaleY: 1,
      offsetX: -1,
      offsetY: 0,
      sourceWidth: 4,
      sourceHeight: 2,
    });
  });

  it('repeats a grey channel into RGB and drops alpha', async () => {
    const grey: RawImage = { data: Buffer.from([0, 51, 102, 255]), width: 2, height: 2, channels: 1 };
    expect(Array.from((await resizeForModel(grey, spec({}))).rgb)).toEqual([
      0, 0, 0, 51, 51, 51, 102, 102, 102, 255, 255, 255,
    ]);
    const rgba: RawImage = {
      data: Buffer.from([1, 2, 3, 0, 4, 5, 6, 255]),
      width: 2,
      height: 1,
      channels: 4,
    };
    expect(Array.from((await resizeForModel(rgba, spec({ width: 2, height: 1 }))).rgb)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('rejects a buffer that does not match the stated size', async () => {
    const bad: RawImage = { data: Buffer.alloc(5), width: 2, height: 2, channels: 3 };
    await expect(prepareInput(bad, spec({}))).rejects.toThrow(
      new RangeError('Expected 12 bytes for image.data (2x2x3) but received 5'),
    );
  });
});
