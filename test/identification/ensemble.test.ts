import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysePending } from '../../electron/core/analysis/analyse-media';
import { loadAnalysisServices } from '../../electron/core/analysis/load-services';
import { recordDecision } from '../../electron/core/gallery/decisions';
import { GalleryIndex, modelKey } from '../../electron/core/identification/gallery-index';
import { identifyImageFile } from '../../electron/core/identification/identify-image';
import { importFolder } from '../../electron/core/importing/import-folder';
import { EMBED_MATRIX, sha256, testManifest, writeBytes } from '../inference/support';
import { linearEmbedderModel } from '../support/onnx/test-models';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

/**
 * The ensemble path end to end: an installed (generated) re-identification model joins the built-in stripe
 * matcher; every detection gets an embedding tagged with the model file's hash, and identification reports and
 * fuses both models' scores with their weights.
 */
describe('identification with an installed embedder', () => {
  const core = tempCore();
  const files = tempDir('tigerid-ensemble-');
  const model = linearEmbedderModel(4, 4, EMBED_MATRIX);
  let services: Awaited<ReturnType<typeof loadAnalysisServices>>;

  beforeAll(async () => {
    services = await loadAnalysisServices(core, { manifest: testManifest() });
    await services.store.importFile(writeBytes(files.path, 'embedder.onnx', model), 'test-embedder');
    await services.close();
    services = await loadAnalysisServices(core, { manifest: testManifest() });
    const folder = join(files.path, 'sdcard');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.jpg'), await syntheticTigerPhoto(1, 0));
    writeFileSync(join(folder, 'b.jpg'), await syntheticTigerPhoto(2, 0));
    writeFileSync(join(folder, 'query.jpg'), await syntheticTigerPhoto(1, 4));
    await importFolder(core, { folder: join(folder) });
    await analysePending(core, services);
  });
  afterAll(async () => {
    await services.close();
    core.cleanup();
    files.cleanup();
  });

  it('stores one embedding per detection for each model, tagged with the model file hash', () => {
    expect(services.embedders.map((e) => [e.modelId, e.modelHash, e.weight])).toEqual([
      ['test-embedder', sha256(model), 0.5],
    ]);
    const rows = core.db
      .prepare(
        "SELECT model_hash, dim, COUNT(*) AS n FROM embeddings WHERE model_id = 'test-embedder' GROUP BY model_hash",
      )
      .all();
    expect(rows).toEqual([{ model_hash: sha256(model), dim: 4, n: 3 }]);
  });

  it('reports and fuses both models, and never compares embeddings of another model file', async () => {
    const [a, b] = core.db
      .prepare(
        "SELECT d.id FROM detections d JOIN media m ON m.id = d.media_id WHERE m.file_name IN ('a.jpg', 'b.jpg') ORDER BY m.file_name",
      )
      .pluck()
      .all() as number[];
    recordDecision(core, { detectionId: a!, verdict: 'new-individual', newName: 'Sita', reviewer: 'test' });
    recordDecision(core, { detectionId: b!, verdict: 'new-individual', newName: 'Raja', reviewer: 'test' });
    // A vector from another file of the same model id must be ignored, not compared.
    core.db
      .prepare(
        "INSERT INTO embeddings (detection_id, model_id, model_hash, dim, vector, created_at) VALUES (?, 'test-embedder', 'other-file', 4, ?, 'now')",
      )
      .run(b, Buffer.from(new Float32Array([1, 0, 0, 0]).buffer));
    const index = new GalleryIndex(core, services);
    const [animal] = await identifyImageFile(core, services, index, join(files.path, 'sdcard', 'query.jpg'));
    const top = animal!.candidates[0]!;
    expect(top.name).toBe('Sita');
    expect(Object.keys(top.scores).sort()).toEqual(['builtin-stripes', 'test-embedder']);
    // One detection per individual here, so the fused score is the weighted mean of its two model scores.
    expect(top.score).toBeCloseTo(
      (1 * top.scores['builtin-stripes']! + 0.5 * top.scores['test-embedder']!) / 1.5,
      12,
    );
    expect(animal!.modelVersions['test-embedder']).toBe(sha256(model));
    expect(index.vectors.get(modelKey('test-embedder', 'other-file'))).toBeUndefined();
    expect(index.vectors.get(modelKey('test-embedder', sha256(model)))?.size).toBe(2);
  });
});
