import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { Engine } from '../../electron/core/engine';
import { isEngineError } from '../../electron/core/errors';
import { CARD_STRIP, FRAME_HEIGHT, writeCard } from '../support/camera-frames';
import { runCli } from '../support/run-cli';
import { engineWithCard } from '../support/api-import';
import { tempDir } from '../support/temp-dir';

const STRIP = CARD_STRIP;

/** The AppApi after an import with no detector installed: empties set aside, listed, one pulled back. */
describe('empty frames through the AppApi', () => {
  const dir = tempDir('tigerid-empties-');
  let engine: Engine;
  let api: AppApi;

  beforeAll(async () => {
    ({ engine, api } = await engineWithCard(dir.path, writeCard, 'api-test'));
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('sets the blank frames aside and boxes the animals, recording how each box was found', async () => {
    const [job] = await api['imports.list']({});
    expect(job).toMatchObject({ state: 'done', imported: 9, emptyFrames: 6, failed: [] });
    const rows = engine.core.db
      .prepare(
        `SELECT m.file_name AS file, m.content, d.detector, d.box_y AS y, d.box_h AS h
           FROM media m LEFT JOIN detections d ON d.media_id = m.id ORDER BY m.file_name`,
      )
      .all() as {
      file: string;
      content: string;
      detector: string | null;
      y: number | null;
      h: number | null;
    }[];
    for (const r of rows.filter((r) => r.file.startsWith('blank')))
      expect(r).toMatchObject({ content: 'empty', detector: null });
    const animals = rows.filter((r) => r.file.startsWith('animal'));
    expect(new Set(animals.map((r) => r.file))).toEqual(
      new Set(['animal-0.jpg', 'animal-1.jpg', 'animal-2.jpg']),
    );
    for (const r of animals) {
      expect(r).toMatchObject({ content: 'animal', detector: 'background' });
      expect(r.y!).toBeGreaterThanOrEqual(STRIP / FRAME_HEIGHT);
    }
    expect((await api['review.queue']({})).total).toBe(animals.length);
  });

  it('lists the empties and pulls one back as a whole frame (less the strip) into Review', async () => {
    const listed = await api['frames.empty']({});
    expect(listed.total).toBe(6);
    expect(listed.items.map((f) => f.file.split('/').at(-1)).sort()).toEqual(
      [0, 1, 2, 3, 4, 5].map((k) => `blank-${k}.jpg`),
    );
    expect(listed.items[0]).toMatchObject({ station: 'Ridge' });
    const before = (await api['review.queue']({})).total;
    const target = listed.items[0]!.mediaId;
    expect(await api['frames.restore']({ mediaId: target })).toEqual({ mediaId: target, detections: 1 });
    const detection = engine.core.db
      .prepare('SELECT detector, confidence, box_x, box_y, box_w, box_h FROM detections WHERE media_id = ?')
      .get(target) as {
      detector: string;
      confidence: null;
      box_x: number;
      box_y: number;
      box_w: number;
      box_h: number;
    };
    expect(detection).toMatchObject({ detector: 'whole-frame', confidence: null, box_x: 0, box_w: 1 });
    expect(detection.box_y * FRAME_HEIGHT).toBeGreaterThanOrEqual(STRIP);
    expect((detection.box_y + detection.box_h) * FRAME_HEIGHT).toBeLessThanOrEqual(FRAME_HEIGHT - STRIP);
    expect((await api['review.queue']({})).total).toBe(before + 1);
    expect((await api['frames.empty']({})).total).toBe(5);
    const content = engine.core.db.prepare('SELECT content FROM media WHERE id = ?').pluck().get(target);
    expect(content).toBe('unknown');
  });

  it('refuses to pull back a frame that is not set aside, or that does not exist', async () => {
    const animal = engine.core.db
      .prepare("SELECT id FROM media WHERE content = 'animal' LIMIT 1")
      .pluck()
      .get() as number;
    const refused = await api['frames.restore']({ mediaId: animal }).catch((e: unknown) => e);
    expect(isEngineError(refused, 'CONFLICT')).toBe(true);
    const missing = await api['frames.restore']({ mediaId: 99_999 }).catch((e: unknown) => e);
    expect(isEngineError(missing, 'NOT_FOUND')).toBe(true);
  });
});

describe('tigerid import', () => {
  const dir = tempDir('tigerid-empties-cli-');
  afterAll(() => dir.cleanup());

  it('prints how many empty frames were set aside', async () => {
    await writeCard(join(dir.path, 'card'));
    const result = await runCli([
      'import',
      join(dir.path, 'card'),
      '--station',
      'Ridge',
      '--data',
      join(dir.path, 'data'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Analysed 9 image\(s\): 3 animal detection\(s\); 6 empty frames set aside \(only the background\)\./,
    );
  });
});
