import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedDetector, installedEmbedders } from '../../electron/core/inference/installed-models';
import { OnnxEngine } from '../../electron/core/inference/onnx-engine';
import { constantDetectorModel, linearEmbedderModel } from '../support/onnx/test-models';
import {
  DETECTOR_ROWS,
  DETECTOR_SIZE,
  EMBED_MATRIX,
  sha256,
  tempDir,
  testManifest,
  testStore,
  writeBytes,
} from './support';

describe('installed models as analysis services', () => {
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

  it('uses the whole frame and no embedders when nothing is installed', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const detector = await installedDetector(engine, store);
    expect(detector.id).toBe('whole-frame');
    const frame = { data: Buffer.alloc(12), width: 2, height: 2, channels: 3 as const };
    expect(await detector.detect(frame)).toEqual([
      { box: { x: 0, y: 0, w: 1, h: 1 }, confidence: null, detector: 'whole-frame', label: 'animal' },
    ]);
    expect(await installedEmbedders(engine, store)).toEqual([]);
  });

  it('wraps the installed detector and embedder with their versions', async () => {
    const det = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
    const emb = linearEmbedderModel(4, 4, EMBED_MATRIX);
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'd.onnx', det), 'test-detector');
    await store.importFile(writeBytes(temp.dir, 'e.onnx', emb), 'test-embedder');
    const detector = await installedDetector(engine, store);
    expect(detector.id).toBe(`test-detector@${sha256(det).slice(0, 12)}`);
    const frame = { data: Buffer.alloc(128 * 64 * 3, 7), width: 128, height: 64, channels: 3 as const };
    expect(await detector.detect(frame)).toHaveLength(3);
    const [embedder, ...others] = await installedEmbedders(engine, store);
    expect(others).toEqual([]);
    expect(embedder).toMatchObject({ modelId: 'test-embedder', modelHash: sha256(emb), weight: 0.5 });
    const crop = {
      data: Buffer.from(Array.from({ length: 16 }, () => [255, 0, 51]).flat()),
      width: 4,
      height: 4,
      channels: 3 as const,
    };
    const vector = await embedder?.embed(crop);
    const norm = Math.hypot(2, -1, -0.3, 0.7);
    [2 / norm, -1 / norm, -0.3 / norm, 0.7 / norm].forEach((v, i) => expect(vector?.[i]).toBeCloseTo(v, 6));
  });
});
