import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../electron/core/images/raw-image';
import { detectAnimals, wholeFrameDetection, type Detection } from '../../electron/core/inference/detector';
import {
  bundledManifestPath,
  loadManifest,
  type DetectorEntry,
  type Manifest,
} from '../../electron/core/inference/manifest';
import { OnnxEngine } from '../../electron/core/inference/onnx-engine';
import { constantDetectorModel, constantYolov9DetectorModel } from '../support/onnx/test-models';
import {
  DETECTOR_ROWS,
  DETECTOR_SIZE,
  sha256,
  tempDir,
  testManifest,
  testStore,
  writeBytes,
} from './support';

/** 128×64: letterboxed into 64×64 at scale 0.5, 16 px down. */
const FRAME: RawImage = { data: Buffer.alloc(128 * 64 * 3, 90), width: 128, height: 64, channels: 3 };

function expectDetections(actual: Detection[], tag: string) {
  // Boxes are exact (powers of two); confidences are float32 products.
  expect(actual.map((d) => d.box)).toEqual([
    { x: 16 / 128, y: 16 / 64, w: 32 / 128, h: 32 / 64 }, // A (B suppressed by NMS, P is a person)
    { x: 110 / 128, y: 0, w: 18 / 128, h: 18 / 64 }, // E, clipped at the top and the right
    { x: 88 / 128, y: 32 / 64, w: 16 / 128, h: 16 / 64 }, // C (D is below the threshold)
  ]);
  const confidences = actual.map((d) => d.confidence ?? NaN);
  [0.81, 0.45, 0.3].forEach((c, i) => expect(confidences[i]).toBeCloseTo(c, 6));
  expect(new Set(actual.map((d) => d.detector))).toEqual(new Set([tag]));
  expect(actual.every((d) => d.label === 'animal')).toBe(true);
}

describe('detectAnimals', () => {
  let temp: ReturnType<typeof tempDir>;
  let engine: OnnxEngine;
  beforeEach(() => {
    temp = tempDir();
    engine = new OnnxEngine({ intraOpThreads: 1 });
  });
  afterEach(async () => {
    await engine.close();
    temp.cleanup();
  });

  it('decodes MegaDetector v5 rows: threshold, per-class NMS, animals only, letterbox mapped back', async () => {
    const bytes = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'md.onnx', bytes), 'test-detector');
    const detections = await detectAnimals(engine, store, FRAME);
    expectDetections(detections, `test-detector@${sha256(bytes).slice(0, 12)}`);
  });

  it('decodes the YOLOv9 layout [1, 4+classes, N] to the same animals', async () => {
    const base = testManifest();
    const manifest: Manifest = {
      ...base,
      models: base.models.map((m) =>
        m.task === 'detect' ? { ...m, output: { ...m.output, format: 'yolov9-md' as const } } : m,
      ),
    };
    const bytes = constantYolov9DetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
    const { store } = testStore(join(temp.dir, 'models'), manifest);
    await store.importFile(writeBytes(temp.dir, 'md6.onnx', bytes), 'test-detector');
    expectDetections(
      await detectAnimals(engine, store, FRAME),
      `test-detector@${sha256(bytes).slice(0, 12)}`,
    );
  });

  it('runs the shipped MegaDetector v6 entry on its layout [1,7,N] and maps boxes back onto a portrait frame', async () => {
    const shipped = loadManifest(bundledManifestPath()).models.find((m) => m.id === 'megadetector-v6-c');
    if (shipped?.task !== 'detect') throw new Error('models.json has no megadetector-v6-c detector');
    // The real entry's input and output spec; the published md5 and size belong to the real file, not this fixture.
    const v6: DetectorEntry = { ...shipped, md5: undefined, size: null };
    // 720×1280 into 640×640: scale 0.5, 140 px of padding left and right, so input (x,y) = original (x/2 + 140, y/2).
    const portrait: RawImage = {
      data: Buffer.alloc(720 * 1280 * 3, 90),
      width: 720,
      height: 1280,
      channels: 3,
    };
    const bytes = constantYolov9DetectorModel(640, [
      [240, 320, 100, 200, 1, 0.9, 0.05, 0.05], // an animal at original (100..300, 440..840)
      [245, 320, 100, 200, 1, 0.7, 0.05, 0.05], // the same animal, weaker: suppressed by NMS
      [140, 100, 40, 40, 1, 0.5, 0.1, 0.1], // an animal reaching into the left padding: clipped at x = 0
      [400, 500, 60, 60, 1, 0.05, 0.1, 0.95], // a vehicle: not an animal
      [500, 300, 20, 20, 1, 0.15, 0.1, 0.1], // below the 0.2 threshold
    ]);
    const { store } = testStore(join(temp.dir, 'models'), { version: 1, models: [v6] });
    await store.importFile(writeBytes(temp.dir, 'md6.onnx', bytes), 'megadetector-v6-c');
    const detections = await detectAnimals(engine, store, portrait);
    expect(detections.map((d) => d.box)).toEqual([
      { x: 100 / 720, y: 440 / 1280, w: 200 / 720, h: 400 / 1280 },
      { x: 0, y: 160 / 1280, w: 40 / 720, h: 80 / 1280 },
    ]);
    expect(detections.map((d) => d.confidence)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.5, 6)]);
    expect(detections[0]?.detector).toBe(`megadetector-v6-c@${sha256(bytes).slice(0, 12)}`);
  });

  it('returns the whole frame, with no confidence, when no detector is installed', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    expect(await detectAnimals(engine, store, FRAME)).toEqual([
      { box: { x: 0, y: 0, w: 1, h: 1 }, confidence: null, detector: 'whole-frame', label: 'animal' },
    ]);
    expect(wholeFrameDetection()).toEqual({
      box: { x: 0, y: 0, w: 1, h: 1 },
      confidence: null,
      detector: 'whole-frame',
      label: 'animal',
    });
    await expect(detectAnimals(engine, store, FRAME, { modelId: 'test-detector' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
    });
  });

  it('fails loudly (never the whole frame) when the installed detector file was altered', async () => {
    const bytes = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const { path } = await store.importFile(writeBytes(temp.dir, 'md.onnx', bytes), 'test-detector');
    const altered = readFileSync(path);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    writeFileSync(path, altered);
    await expect(detectAnimals(engine, store, FRAME)).rejects.toMatchObject({
      code: 'MODEL_CORRUPT',
      message: expect.stringContaining(`expected ${sha256(bytes)}`),
    });
  });
});
