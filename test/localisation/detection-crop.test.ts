import { afterAll, describe, expect, it } from 'vitest';
import { detectionCrop } from '../../electron/core/analysis/analyse-media';
import { getSetting } from '../../electron/core/settings';
import { tempCore } from '../support/temp-core';

describe('the crop the matchers describe', () => {
  const core = tempCore();
  afterAll(() => core.cleanup());
  const image = { data: Buffer.alloc(200 * 100 * 3), width: 200, height: 100, channels: 3 as const };
  const box = { x: 0.25, y: 0.2, w: 0.5, h: 0.5 };

  it('pads a box that localisation found, like a detector box, but not a whole frame', () => {
    const padding = getSetting(core, 'detection.cropPadding');
    expect(padding).toBeGreaterThan(0);
    const padded = detectionCrop(core, image, { box, detector: 'background' });
    expect(padded.width).toBe(Math.round(100 * (1 + 2 * padding)));
    expect(detectionCrop(core, image, { box, detector: 'burst-motion' }).width).toBe(padded.width);
    const whole = detectionCrop(core, image, {
      box: { x: 0, y: 0.1, w: 1, h: 0.8 },
      detector: 'whole-frame',
    });
    expect([whole.width, whole.height]).toEqual([200, 80]);
  });
});
