import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalisedBox } from '../../electron/core/images/crop';
import { sampleFrame } from '../../electron/core/localisation/frame-sample';
import {
  burstsOf,
  localiseFrames,
  type FrameToLocalise,
  type LocalisedFrame,
} from '../../electron/core/localisation/localise-frames';
import { cameraFrame, FRAME_HEIGHT, type FrameSpec } from '../support/camera-frames';
import { boxIou, NEGATIVES_DIR } from '../support/localisation-dev-set';

const HOUR = 3_600_000;
const DEER = ['ANIMAL_DEER_001_59da8af2', 'ANIMAL_DEER_002_59f460e8'].map((name) =>
  join(NEGATIVES_DIR, 'images', 'deer', `${name}-23d2-11e8-a6a3-ec086b02610b.jpg`),
);
const HAS_DEER = DEER.every((file) => existsSync(file));
const STRIP = 20;

async function frame(spec: FrameSpec, capturedAt: number | null, camera = 'cam'): Promise<FrameToLocalise> {
  return { camera, capturedAt, sample: await sampleFrame(await cameraFrame({ strip: STRIP, ...spec })) };
}

function boxes(result: LocalisedFrame): NormalisedBox[] {
  return result.content === 'empty' ? [] : result.detections.map((d) => d.box);
}

const ANIMALS: NormalisedBox[] = [
  { x: 0.1, y: 0.3, w: 0.2, h: 0.18 },
  { x: 0.6, y: 0.55, w: 0.22, h: 0.2 },
  { x: 0.4, y: 0.1, w: 0.18, h: 0.2 },
];

describe('localising frames against their camera', () => {
  it('sets blanks aside and boxes the animals, from a background of the camera’s other frames', async () => {
    const frames = [
      ...(await Promise.all([0, 1, 2, 3, 4].map((shot) => frame({ shot }, shot * HOUR)))),
      ...(await Promise.all(ANIMALS.map((animal, k) => frame({ shot: 10 + k, animal }, (10 + k) * HOUR)))),
    ];
    const results = localiseFrames(frames);
    for (const r of results.slice(0, 5)) expect(r.content).toBe('empty');
    for (const [k, animal] of ANIMALS.entries()) {
      const r = results[5 + k]!;
      expect(r.content).toBe('animal');
      if (r.content !== 'animal') continue;
      expect(r.detections.every((d) => d.detector === 'background' && d.confidence === null)).toBe(true);
      expect(Math.max(...boxes(r).map((b) => boxIou(b, animal)))).toBeGreaterThan(0.6);
    }
    // The strip's changing "digits" are no animal, and no box reaches into the strip.
    for (const r of results) {
      expect(r.strip.top * FRAME_HEIGHT).toBeGreaterThanOrEqual(STRIP);
      for (const b of boxes(r)) {
        expect(b.y).toBeGreaterThanOrEqual(r.strip.top);
        expect(b.y + b.h).toBeLessThanOrEqual(1 - r.strip.bottom + 1e-9);
      }
    }
  });

  it('uses burst motion where a camera has too few frames for a background', async () => {
    const moving = [
      { x: 0.1, y: 0.4, w: 0.2, h: 0.2 },
      { x: 0.45, y: 0.4, w: 0.2, h: 0.2 },
      { x: 0.75, y: 0.4, w: 0.2, h: 0.2 },
    ];
    const frames = await Promise.all(moving.map((animal, k) => frame({ shot: k, animal }, k * 2000)));
    const results = localiseFrames(frames);
    for (const [k, animal] of moving.entries()) {
      const r = results[k]!;
      expect(r.content).toBe('animal');
      if (r.content !== 'animal') continue;
      expect(r.detections[0]!.detector).toBe('burst-motion');
      expect(Math.max(...boxes(r).map((b) => boxIou(b, animal)))).toBeGreaterThan(0.6);
    }
    // A burst where nothing moved (wind, a warm rock): empty, found by burst motion.
    const still = await Promise.all([0, 1, 2].map((k) => frame({ shot: 20 + k }, k * 2000)));
    expect(localiseFrames(still).map((r) => r.content)).toEqual(['empty', 'empty', 'empty']);
  });

  it('decides a lone pair of frames from different triggers by whose edges follow the change', async () => {
    // Colour and infrared: the blank is set aside, the animal's frame gets its box.
    for (const infrared of [false, true]) {
      const pair = [
        await frame({ shot: 30, infrared }, 0),
        await frame({ shot: 31, infrared, animal: ANIMALS[1] }, 5 * HOUR),
      ];
      const [blank, animal] = localiseFrames(pair);
      expect(blank!.content).toBe('empty');
      expect(animal!.content).toBe('animal');
      expect(animal!.content === 'animal' && animal!.detections[0]!.detector).toBe('background');
      expect(Math.max(...boxes(animal!).map((b) => boxIou(b, ANIMALS[1]!)))).toBeGreaterThan(0.6);
    }
    // An animal in each frame, at different places: each frame holds its own.
    const [first, second] = localiseFrames([
      await frame({ shot: 32, animal: ANIMALS[0] }, 0),
      await frame({ shot: 33, animal: ANIMALS[1] }, 5 * HOUR),
    ]);
    expect(boxes(first!).map((b) => boxIou(b, ANIMALS[0]!) > 0.6)).toEqual([true]);
    expect(boxes(second!).map((b) => boxIou(b, ANIMALS[1]!) > 0.6)).toEqual([true]);
    // Two frames that do not differ: an animal lying at the same place in both would be hidden, so both stay whole.
    const same = [await frame({ shot: 34 }, 0), await frame({ shot: 35 }, 5 * HOUR)];
    expect(localiseFrames(same).map((r) => r.content)).toEqual(['unknown', 'unknown']);
  });

  it.skipIf(!HAS_DEER)('decides a real pair: the deer at the left goes to its own frame', async () => {
    // Two real frames of one camera, a deer in each at another place: its legs at the left, then it in the middle.
    const [left, middle] = localiseFrames(
      await Promise.all(
        DEER.map(async (file, k) => ({
          camera: 'cam',
          capturedAt: k * HOUR,
          sample: await sampleFrame(file),
        })),
      ),
    );
    expect(left!.content).toBe('animal');
    expect(boxes(left!).every((b) => b.x + b.w < 0.3)).toBe(true);
    // The second frame's regions are not all clear-cut (shadows of the legs): it stays whole, never set aside.
    expect(middle!.content).not.toBe('empty');
  });

  it('keeps a frame whole (less the strip) with nothing to compare it with', async () => {
    const [alone] = localiseFrames([await frame({ shot: 1, animal: ANIMALS[0] }, 0)]);
    expect(alone!.content).toBe('unknown');
    const [detection] = boxes(alone!);
    expect(detection!.y * FRAME_HEIGHT).toBeGreaterThanOrEqual(STRIP);
    expect(detection!.x).toBe(0);
    expect(detection!.w).toBe(1);
    expect((1 - detection!.y - detection!.h) * FRAME_HEIGHT).toBeGreaterThanOrEqual(STRIP);
  });

  it('localises nothing without capture times: near-identical frames could hide a still animal', async () => {
    const frames = await Promise.all([0, 1, 2, 3, 4].map((shot) => frame({ shot }, null)));
    expect(new Set(localiseFrames(frames).map((r) => r.content))).toEqual(new Set(['unknown']));
  });

  it('never compares infrared frames with colour ones, nor another scene, nor another camera', async () => {
    const colour = await Promise.all([0, 1, 2, 3].map((shot) => frame({ shot }, shot * HOUR)));
    const night = await frame({ shot: 9, infrared: true }, 9 * HOUR);
    const otherScene = await frame({ shot: 10, scene: 5 }, 10 * HOUR);
    const otherCamera = await frame({ shot: 11 }, 11 * HOUR, 'cam-2');
    const results = localiseFrames([...colour, night, otherScene, otherCamera]);
    expect(night.sample.infrared).toBe(true);
    expect(colour[0]!.sample.infrared).toBe(false);
    expect(results.map((r) => r.content)).toEqual([
      'empty',
      'empty',
      'empty',
      'empty',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('tells bursts apart by capture time', () => {
    expect(burstsOf([0, 2000, 5000, 60_000, 62_000, null])).toEqual([0, 0, 0, 1, 1, 2]);
  });
});
