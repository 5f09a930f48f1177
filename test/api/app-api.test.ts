import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { createAppApi } from '../../electron/core/api-handlers';
import { dispatch } from '../../electron/core/dispatch';
import { Engine } from '../../electron/core/engine';
import { silentLogger } from '../../electron/core/log';
import { FileSecretStore } from '../../electron/core/secrets';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { importThroughApi } from '../support/api-import';
import { tempDir } from '../support/temp-dir';

/** The AppApi called directly, as the third door does: import, review candidates, decide, undo. */
describe('AppApi over a real engine', () => {
  const dir = tempDir('tigerid-api-');
  let engine: Engine;
  let api: AppApi;

  beforeAll(async () => {
    const folder = join(dir.path, 'sdcard');
    mkdirSync(folder);
    // Names sort so the queue shows tiger 1, tiger 2, then the second photo of tiger 1.
    writeFileSync(join(folder, 'a.jpg'), await syntheticTigerPhoto(1, 0));
    writeFileSync(join(folder, 'b.jpg'), await syntheticTigerPhoto(2, 0));
    writeFileSync(join(folder, 'c.jpg'), await syntheticTigerPhoto(1, 3));
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      secrets: new FileSecretStore(join(dir.path, 's.json')),
    });
    api = createAppApi(engine, { TIGERID_REVIEWER: 'api-test' });
    await importThroughApi(api, { folder });
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('finished the import in the background and queued every animal for review', async () => {
    const [job] = await api['imports.list']({});
    expect(job).toMatchObject({ state: 'done', imported: 3, detections: 3, failed: [] });
    const queue = await api['review.queue']({});
    expect(queue.total).toBe(3);
  });

  it('proposes the right individual, and the decision keeps the scores that were shown', async () => {
    const [first, second, third] = (await api['review.queue']({})).items;
    await api['decisions.record']({
      detectionId: first!.detectionId,
      verdict: 'new-individual',
      newName: 'Sita',
    });
    await api['decisions.record']({
      detectionId: second!.detectionId,
      verdict: 'new-individual',
      newName: 'Raja',
    });
    const shown = await api['review.candidates']({ detectionId: third!.detectionId });
    expect(shown.candidates[0]?.name).toBe('Sita');
    const decision = await api['decisions.record']({
      detectionId: third!.detectionId,
      verdict: 'match',
      individualId: shown.candidates[0]!.individualId,
    });
    expect(decision).toMatchObject({ verdict: 'match', individualCode: 'T-0001', reviewer: 'api-test' });
    const stored = engine.core.db
      .prepare('SELECT scores FROM decisions WHERE id = ?')
      .pluck()
      .get(decision.decisionId);
    expect(JSON.parse(stored as string).fused).toBe(shown.candidates[0]!.score);
    const sita = await api['individuals.get']({ individual: 'Sita' });
    expect(sita.sightings.map((s) => s.detectionId).sort()).toEqual(
      [first!.detectionId, third!.detectionId].sort(),
    );

    await api['decisions.undo']({ decisionId: decision.decisionId });
    expect((await api['individuals.get']({ individual: 'Sita' })).sightingCount).toBe(1);
    expect((await api['review.queue']({})).items.map((i) => i.detectionId)).toEqual([third!.detectionId]);
  });

  it('answers misuse through the dispatcher with a field-naming message, never a crash', async () => {
    const bad = await dispatch(api, 'decisions.record', { detectionId: -1, verdict: 'maybe' }, silentLogger);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.type).toBe('InvalidArgument');
      expect(bad.error.message).toMatch(/detectionId/);
      expect(bad.error.message).toMatch(/verdict/);
    }
    const unknown = await dispatch(api, 'individuals.lst', {}, silentLogger);
    expect(!unknown.ok && unknown.error.message).toMatch(/did you mean "individuals.list"/);
    const missing = await dispatch(api, 'individuals.get', { individual: 'T-0099' }, silentLogger);
    expect(!missing.ok && missing.error).toMatchObject({ type: 'EngineError', code: 'NOT_FOUND' });
  });
});
