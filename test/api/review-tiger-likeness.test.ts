import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { createAppApi } from '../../electron/core/api-handlers';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { Engine } from '../../electron/core/engine';
import { TIGER_LIKE_THRESHOLD } from '../../electron/core/matching/tiger-likeness';
import { FileSecretStore } from '../../electron/core/secrets';
import { importThroughApi } from '../support/api-import';
import { plainAnimal } from '../support/plain-animal';
import { tempDir } from '../support/temp-dir';

/** review.queue: tiger-like encounters first; those whose stripes look nothing like a tiger's last, flagged. */
describe('review.queue by tiger-likeness', () => {
  const dir = tempDir('tigerid-likeness-');
  let engine: Engine;
  let api: AppApi;

  beforeAll(async () => {
    const folder = join(dir.path, 'sdcard');
    mkdirSync(folder);
    // Imported first, so by file order alone the plain animal would be reviewed first.
    writeFileSync(join(folder, 'a-plain.jpg'), await plainAnimal());
    for (const [i, name] of ['b', 'c'].entries())
      writeFileSync(join(folder, `${name}.jpg`), await syntheticTigerPhoto(i + 1, 0));
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      secrets: new FileSecretStore(join(dir.path, 's.json')),
    });
    api = createAppApi(engine, { TIGERID_REVIEWER: 'likeness-test' });
    await importThroughApi(api, { folder });
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('stores a tiger-likeness per detection and queues the plain animal last, flagged', async () => {
    const queue = await api['review.queue']({});
    expect(queue.items.map((i) => i.file.split('/').at(-1))).toEqual(['b.jpg', 'c.jpg', 'a-plain.jpg']);
    expect(queue.items.map((i) => i.encounter.looksLikeTiger)).toEqual([true, true, false]);
    const likeness = engine.core.db
      .prepare('SELECT m.path, d.tiger_likeness FROM detections d JOIN media m ON m.id = d.media_id')
      .all() as { path: string; tiger_likeness: number }[];
    for (const { path, tiger_likeness } of likeness) {
      if (path.endsWith('a-plain.jpg')) expect(tiger_likeness).toBeLessThan(TIGER_LIKE_THRESHOLD);
      else expect(tiger_likeness).toBeGreaterThanOrEqual(TIGER_LIKE_THRESHOLD);
    }
  });
});
