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

/** review.revisit: the can't-tell and not-a-match detections, by the decision in force, newest first. */
describe('review.revisit', () => {
  const dir = tempDir('tigerid-revisit-');
  let engine: Engine;
  let api: AppApi;
  let ids: number[] = [];

  beforeAll(async () => {
    const folder = join(dir.path, 'sdcard');
    mkdirSync(folder);
    for (const [i, name] of ['a', 'b', 'c'].entries())
      writeFileSync(join(folder, `${name}.jpg`), await syntheticTigerPhoto(i + 1, 0));
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      secrets: new FileSecretStore(join(dir.path, 's.json')),
    });
    api = createAppApi(engine, { TIGERID_REVIEWER: 'revisit-test' });
    await importThroughApi(api, { folder });
    ids = (await api['review.queue']({})).items.map((d) => d.detectionId);
    expect(ids).toHaveLength(3);
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  const listed = async (input: Parameters<AppApi['review.revisit']>[0] = {}) =>
    (await api['review.revisit'](input)).items.map((i) => [i.detectionId, i.verdict]);

  it('lists can’t tell and not a match, newest first, with what the review screen shows', async () => {
    const [a, b, c] = ids as [number, number, number];
    expect(await api['review.revisit']({})).toEqual({ total: 0, items: [] });
    await api['decisions.record']({ detectionId: a, verdict: 'cant-tell' });
    await api['decisions.record']({ detectionId: b, verdict: 'no-match' });
    await api['decisions.record']({ detectionId: c, verdict: 'new-individual' });
    expect(await listed()).toEqual([
      [b, 'no-match'],
      [a, 'cant-tell'],
    ]);
    const revisit = await api['review.revisit']({ verdicts: ['cant-tell'] });
    expect(revisit.total).toBe(1);
    expect(revisit.items[0]).toMatchObject({
      detectionId: a,
      verdict: 'cant-tell',
      reviewer: 'revisit-test',
      file: expect.stringMatching(/a\.jpg$/),
    });
    expect((await api['review.revisit']({ limit: 1 })).total).toBe(2);
  });

  it('drops a detection once a newer decision replaces the can’t tell, and brings it back on undo', async () => {
    const [a, , c] = ids as [number, number, number];
    const individual = (await api['individuals.list']({}))[0]!.individualId;
    const match = await api['decisions.record']({
      detectionId: a,
      verdict: 'match',
      individualId: individual,
    });
    expect((await listed()).map(([id]) => id)).not.toContain(a);
    await api['decisions.undo']({ decisionId: match.decisionId });
    expect(await listed()).toContainEqual([a, 'cant-tell']);
    // Can't tell again replaces the older one: listed once, as the newest.
    await api['decisions.record']({ detectionId: a, verdict: 'cant-tell' });
    expect((await listed())[0]).toEqual([a, 'cant-tell']);
    expect((await listed()).filter(([id]) => id === a)).toHaveLength(1);
    expect((await listed()).map(([id]) => id)).not.toContain(c);
  });

  it('rejects an unknown verdict naming the allowed ones', async () => {
    const bad = await dispatch(api, 'review.revisit', { verdicts: ['match'] }, silentLogger);
    expect(!bad.ok && bad.error.type).toBe('InvalidArgument');
    expect(!bad.ok && bad.error.message).toMatch(/verdicts.*cant-tell.*no-match/s);
  });
});
