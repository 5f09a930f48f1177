import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { probeModelBytes } from '../../electron/core/inference/execution-provider';
import { constantDetectorModel, identityModel, linearEmbedderModel } from '../support/onnx/test-models';
import { DETECTOR_ROWS, EMBED_MATRIX } from './support';

describe('ONNX test-model builder', () => {
  it('builds the exact probe model the engine ships for CUDA detection', () => {
    expect(Buffer.from(probeModelBytes()).equals(Buffer.from(identityModel()))).toBe(true);
  });

  it('builds a detector whose output is its rows, with MegaDetector v5 shapes', async () => {
    const session = await ort.InferenceSession.create(constantDetectorModel(64, DETECTOR_ROWS));
    try {
      expect(session.inputMetadata).toEqual([
        { name: 'images', isTensor: true, type: 'float32', shape: [1, 3, 64, 64] },
      ]);
      const out = await session.run({
        images: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.3), [1, 3, 64, 64]),
      });
      expect(out.output?.dims).toEqual([1, DETECTOR_ROWS.length, 8]);
      expect(Array.from(out.output?.data as Float32Array)).toEqual(
        Array.from(Float32Array.from(DETECTOR_ROWS.flat())),
      );
    } finally {
      await session.release();
    }
  });

  it('builds an embedder computing channel means × matrix for a dynamic batch', async () => {
    const session = await ort.InferenceSession.create(linearEmbedderModel(2, 2, EMBED_MATRIX));
    try {
      // Image 0: channel c holds c+1 everywhere; image 1: channel values 0, 2, 4, 6 in channel 0, zeros elsewhere.
      const data = Float32Array.from([
        1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 0, 2, 4, 6, 0, 0, 0, 0, 0, 0, 0, 0,
      ]);
      const out = await session.run({ input: new ort.Tensor('float32', data, [2, 3, 2, 2]) });
      expect(out.embedding?.dims).toEqual([2, 4]);
      expect(Array.from(out.embedding?.data as Float32Array)).toEqual([1, 2, 3, 6, 3, 0, 0, 3]);
    } finally {
      await session.release();
    }
  });
});
