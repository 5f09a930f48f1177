import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { Engine } from '../../electron/core/engine';
import { undoDecision } from '../../electron/core/gallery/decisions';
import {
  encounterDetections,
  encounterOfDetection,
  listEncounters,
} from '../../electron/core/gallery/encounters';
import { decideEncounter } from '../../electron/core/identification/decide';
import { importAndAnalyse } from '../../electron/core/importing/import-and-analyse';
import { FileSecretStore } from '../../electron/core/secrets';
import { setSetting } from '../../electron/core/settings';
import { tempDir } from '../support/temp-dir';

/**
 * A burst of 5 frames of one tiger (2 s apart), the same tiger 10 minutes later, and a frame of another station at
 * the burst's time. Capture times are set as the camera's EXIF would give them.
 */
describe('encounters', () => {
  const dir = tempDir('tigerid-encounters-');
  let engine: Engine;
  const detectionOf = new Map<string, number>();
  const t0 = Date.parse('2026-03-01T23:10:00Z');

  beforeAll(async () => {
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      secrets: new FileSecretStore(join(dir.path, 's.json')),
    });
    const frames: [station: string, file: string, seconds: number, individual: number, view: number][] = [
      ['C12', 'burst-1.jpg', 0, 1, 0],
      ['C12', 'burst-2.jpg', 2, 1, 1],
      ['C12', 'burst-3.jpg', 4, 1, 2],
      ['C12', 'burst-4.jpg', 6, 1, 3],
      ['C12', 'burst-5.jpg', 8, 1, 4],
      ['C12', 'later.jpg', 600, 1, 5],
      ['C13', 'other.jpg', 3, 2, 0],
    ];
    const services = await engine.services();
    for (const station of ['C12', 'C13']) {
      const folder = join(dir.path, station);
      mkdirSync(folder);
      for (const [s, file, , individual, view] of frames) {
        if (s === station) writeFileSync(join(folder, file), await syntheticTigerPhoto(individual, view));
      }
      await importAndAnalyse(engine.core, services, { folder, station });
    }
    const rows = engine.core.db
      .prepare('SELECT d.id, m.file_name FROM detections d JOIN media m ON m.id = d.media_id')
      .all() as { id: number; file_name: string }[];
    for (const row of rows) detectionOf.set(row.file_name, row.id);
    const setTime = engine.core.db.prepare('UPDATE media SET captured_at = ? WHERE file_name = ?');
    for (const [, file, seconds] of frames) setTime.run(new Date(t0 + seconds * 1000).toISOString(), file);
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  const id = (file: string) => detectionOf.get(file) as number;

  it('groups the frames of one station within the gap, and nothing across stations', () => {
    const groups = listEncounters(engine.core).map(encounterDetections);
    expect(groups).toContainEqual(
      ['burst-1.jpg', 'burst-2.jpg', 'burst-3.jpg', 'burst-4.jpg', 'burst-5.jpg'].map(id),
    );
    expect(groups).toContainEqual([id('later.jpg')]);
    expect(groups).toContainEqual([id('other.jpg')]);
    expect(groups).toHaveLength(3);
    expect(encounterDetections(encounterOfDetection(engine.core, id('burst-3.jpg')))).toHaveLength(5);
  });

  it('follows the gap setting', () => {
    setSetting(engine.core, 'encounters.gapSeconds', 1);
    expect(encounterDetections(encounterOfDetection(engine.core, id('burst-3.jpg')))).toEqual([
      id('burst-3.jpg'),
    ]);
    setSetting(engine.core, 'encounters.gapSeconds', 3600);
    expect(encounterDetections(encounterOfDetection(engine.core, id('burst-3.jpg')))).toHaveLength(6);
    setSetting(engine.core, 'encounters.gapSeconds', 60);
  });

  it('decides a burst of 5 as one, and one undo restores all 5', async () => {
    const core = engine.core;
    const decisions = decideEncounter(core, await engine.services(), await engine.index(), {
      detectionId: id('burst-3.jpg'),
      verdict: 'new-individual',
      newName: 'Sita',
      reviewer: 'tester',
    });
    expect(decisions).toHaveLength(5);
    const assigned = () =>
      core.db
        .prepare('SELECT detection_id, individual_id FROM current_assignments ORDER BY detection_id')
        .all() as { detection_id: number; individual_id: number }[];
    const individual = decisions[0]?.individualId;
    expect(assigned()).toEqual(
      ['burst-1.jpg', 'burst-2.jpg', 'burst-3.jpg', 'burst-4.jpg', 'burst-5.jpg']
        .map((f) => ({ detection_id: id(f), individual_id: individual }))
        .sort((a, b) => a.detection_id - b.detection_id),
    );
    // The frame 10 minutes later and the other station's frame are their own encounters: still undecided.
    expect(assigned().map((a) => a.detection_id)).not.toContain(id('later.jpg'));

    undoDecision(core, decisions[3]?.id as number, 'tester');
    expect(assigned()).toEqual([]);
    const retired = core.db
      .prepare('SELECT retired_at FROM individuals WHERE id = ?')
      .pluck()
      .get(individual);
    expect(retired).not.toBeNull();
    const open = core.db.prepare('SELECT COUNT(*) FROM decisions WHERE undone_at IS NULL').pluck().get();
    expect(open).toBe(0);
  });

  it('leaves frames already decided on their own to their own decision', async () => {
    const core = engine.core;
    const services = await engine.services();
    const [alone] = decideEncounter(core, services, await engine.index(), {
      detectionId: id('burst-1.jpg'),
      verdict: 'cant-tell',
      reviewer: 'tester',
    });
    expect(alone).toBeDefined();
    undoDecision(core, alone?.id as number, 'tester');
    setSetting(core, 'encounters.gapSeconds', 1);
    const [single] = decideEncounter(core, services, await engine.index(), {
      detectionId: id('burst-2.jpg'),
      verdict: 'cant-tell',
      reviewer: 'tester',
    });
    setSetting(core, 'encounters.gapSeconds', 60);
    const batch = decideEncounter(core, services, await engine.index(), {
      detectionId: id('burst-4.jpg'),
      verdict: 'cant-tell',
      reviewer: 'tester',
    });
    expect(batch.map((d) => d.detectionId).sort()).toEqual(
      ['burst-1.jpg', 'burst-3.jpg', 'burst-4.jpg', 'burst-5.jpg'].map(id).sort(),
    );
    expect(single?.detectionId).toBe(id('burst-2.jpg'));
  });
});

describe('flank by hand', () => {
  it('sets the flank on the whole encounter, and restores it', async () => {
    const { tempCore, insertDetection } = await import('../support/temp-core');
    const { setFlank, restoreFlanks } = await import('../../electron/core/gallery/flank');
    const core = tempCore();
    try {
      const station = core.db
        .prepare("INSERT INTO stations (name, created_at) VALUES ('S1', '2026-01-01')")
        .run();
      const ids = ['a', 'b', 'c'].map((key, i) => {
        const detection = insertDetection(core, key);
        core.db
          .prepare(
            'UPDATE media SET station_id = ?, captured_at = ? WHERE id = (SELECT media_id FROM detections WHERE id = ?)',
          )
          .run(station.lastInsertRowid, `2026-03-01T10:00:0${i * 2}Z`, detection);
        return detection;
      });
      const flanks = () => core.db.prepare('SELECT flank FROM detections ORDER BY id').pluck().all();
      const changes = setFlank(core, { detectionId: ids[1] as number, flank: 'left' });
      expect(flanks()).toEqual(['left', 'left', 'left']);
      expect(changes).toHaveLength(3);
      restoreFlanks(core, changes);
      expect(flanks()).toEqual(['unknown', 'unknown', 'unknown']);
      setFlank(core, { detectionId: ids[0] as number, flank: 'right', encounter: false });
      expect(flanks()).toEqual(['right', 'unknown', 'unknown']);
      expect(() => setFlank(core, { detectionId: 999, flank: 'left' })).toThrow(/No detection 999/);
    } finally {
      core.cleanup();
    }
  });
});
