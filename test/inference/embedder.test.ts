import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../electron/core/images/raw-image';
import { embed } from '../../electron/core/inference/embedder';
import { OnnxEngine } from '../../electron/core/inference/onnx-engine';
import { batchFoldingEmbedderModel, linearEmbedderModel } from '../support/onnx/test-models';
import { EMBED_MATRIX, sha256, tempDir, testManifest, testStore, writeBytes } from './support';

function uniform(width: number, height: number, colour: [number, number, number]): RawImage {
  return {
    data: Buffer.from(Array.from({ length: width * height }, () => colour).flat()),
    width,
    height,
    channels: 3,
  };
}

function unit(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/**
 * By hand, with mean 0.5 and std (0.25, 0.5, 1) on pixels/255, the matrix giving [r, g, b, r+g+b]:
 * (255,0,51) → r=(1-.5)/.25=2, g=(0-.5)/.5=-1, b=(.2-.5)/1=-.3 → [2,-1,-.3,.7]
 * (51,102,255) → r=-1.2, g=-.2, b=.5 → [-1.2,-.2,.5,-.9]
 * red alternating 0/255 columns, green 255, blue 0 → mean r=.5 → [0,1,-.5,.5]
 */
const STRIPED: RawImage = {
  data: Buffer.from(Array.from({ length: 16 }, (_, i) => [i % 2 === 0 ? 0 : 255, 255, 0]).flat()),
  width: 4,
  height: 4,
  channels: 3,
};
const CROPS = [uniform(4, 4, [255, 0, 51]), uniform(8, 8, [51, 102, 255]), STRIPED];
const EXPECTED = [unit([2, -1, -0.3, 0.7]), unit([-1.2, -0.2, 0.5, -0.9]), unit([0, 1, -0.5, 0.5])];

describe('embed', () => {
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

  it('returns L2-normalised embeddings equal to the hand-computed ones, tagged with model id and file hash', async () => {
    const bytes = linearEmbedderModel(4, 4, EMBED_MATRIX);
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'e.onnx', bytes), 'test-embedder');
    // Three crops at the CPU batch size of 2: two runs, [2,4] then [1,4].
    const results = await embed(engine, store, 'test-embedder', CROPS);
    expect(results).toHaveLength(3);
    results.forEach((r, i) => {
      expect(r.modelId).toBe('test-embedder');
      expect(r.modelSha256).toBe(sha256(bytes));
      expect(r.vector).toBeInstanceOf(Float32Array);
      expect(r.vector.length).toBe(4);
      const expected = EXPECTED[i] ?? [];
      expected.forEach((v, j) => expect(r.vector[j]).toBeCloseTo(v, 6));
    });
    expect(await embed(engine, store, 'test-embedder', [])).toEqual([]);
    const single = await embed(engine, store, 'test-embedder', CROPS, { batchSize: 1 });
    expect(single.map((r) => Array.from(r.vector))).toEqual(results.map((r) => Array.from(r.vector)));
  });

  it('refuses a model whose embedding dimension differs from the manifest when it loads', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(
      writeBytes(temp.dir, 'e.onnx', linearEmbedderModel(4, 4, EMBED_MATRIX)),
      'test-embedder',
    );
    // Someone edits the manifest to promise 5 dimensions for the same installed file.
    const { store: edited } = testStore(
      join(temp.dir, 'models'),
      testManifest({ embedder: { sha256: null, dim: 5 } }),
    );
    await expect(embed(engine, edited, 'test-embedder', CROPS)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('has size 4 in dimension 1, expected 5'),
    });
  });

  it('raises INFERENCE_FAILED, never pads, when the output shape is wrong at run time', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(
      writeBytes(temp.dir, 'e.onnx', batchFoldingEmbedderModel(4, 4, EMBED_MATRIX)),
      'test-embedder',
    );
    await expect(embed(engine, store, 'test-embedder', CROPS.slice(0, 2))).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
      message: 'Model "test-embedder" returned [1,8] for 2 crops; the manifest expects [2,4]',
    });
  });

  it('refuses a detector id and a missing model', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await expect(embed(engine, store, 'test-embedder', CROPS)).rejects.toMatchObject({
      code: 'MODEL_MISSING',
    });
    await expect(embed(engine, store, 'nope', CROPS)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a zero embedding instead of normalising it', async () => {
    const zero = linearEmbedderModel(4, 4, [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'z.onnx', zero), 'test-embedder');
    await expect(embed(engine, store, 'test-embedder', CROPS.slice(0, 1))).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
      message: 'Model "test-embedder" returned an embedding with norm 0',
    });
  });
});
