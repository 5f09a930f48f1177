import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { workingImage } from '../../electron/core/inference/alike/alike-extractor';
import { ALIKE_INPUT, ALIKE_STRIDE } from '../../electron/core/inference/alike/alike-network';
import { installedLocalFeatures } from '../../electron/core/inference/installed-models';
import { loadManifest } from '../../electron/core/inference/manifest';
import { ModelStore } from '../../electron/core/inference/model-store';
import { OnnxEngine } from '../../electron/core/inference/onnx-engine';
import { ALIKE_WEIGHTS_DIR } from '../support/shared-data';

const ROUNDS = 8;

/**
 * ALIKE per crop as the app runs it (installed model through the engine: resize, pad, network, keypoints and
 * descriptor sampling) against a bare `session.run` of the same ONNX file on the same padded tensor, per model
 * size, in one process: the ratio is what the app adds around the network.
 */
export async function benchAlikeOverhead(): Promise<unknown> {
  if (!existsSync(join(ALIKE_WEIGHTS_DIR, 'alike-t.pth')))
    return { skipped: `${ALIKE_WEIGHTS_DIR} is absent` };
  const { data, info } = await sharp(await syntheticTigerPhoto(1, 0, 800, 520))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const crop = { data, width: info.width, height: info.height, channels: 3 as const };
  const results: Record<string, unknown> = {};
  for (const size of ['t', 's', 'n', 'l']) {
    const dir = mkdtempSync(join(tmpdir(), 'tigerid-bench-alike-'));
    const store = new ModelStore({ modelsDir: dir, manifest: loadManifest() });
    const engine = new OnnxEngine();
    try {
      await store.importFile(join(ALIKE_WEIGHTS_DIR, `alike-${size}.pth`), `alike-${size}`);
      const local = await installedLocalFeatures(engine, store);
      if (local === null) throw new Error(`alike-${size} did not install`);
      const entry = store.entry(`alike-${size}`);
      if (entry.task !== 'local-features') throw new Error('not a local-features entry');
      const { side } = entry.extraction;
      const image = await workingImage(crop, side);
      const h = Math.ceil(image.height / ALIKE_STRIDE) * ALIKE_STRIDE;
      const w = Math.ceil(image.width / ALIKE_STRIDE) * ALIKE_STRIDE;
      const tensor = new ort.Tensor('float32', new Float32Array(3 * h * w).fill(0.5), [1, 3, h, w]);
      const session = await ort.InferenceSession.create(readFileSync(store.modelPath(entry)));
      await session.run({ [ALIKE_INPUT]: tensor });
      await local.describe(crop);
      // Interleaved, so drift on a shared machine hits both alike.
      let bare = 0;
      let app = 0;
      let found = 0;
      for (let r = 0; r < ROUNDS; r += 1) {
        let start = performance.now();
        await session.run({ [ALIKE_INPUT]: tensor });
        bare += performance.now() - start;
        start = performance.now();
        found = (await local.describe(crop)).scores.length;
        app += performance.now() - start;
      }
      await session.release();
      results[`alike-${size}`] = {
        workingImage: `${image.width}x${image.height}`,
        keypoints: found,
        bareSessionRunMs: +(bare / ROUNDS).toFixed(1),
        appPerCropMs: +(app / ROUNDS).toFixed(1),
        ratio: +(app / bare).toFixed(3),
      };
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
