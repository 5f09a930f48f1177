import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { parseCsv } from '../../electron/core/csv';
import { Engine } from '../../electron/core/engine';
import { exportCamtrapDp } from '../../electron/core/reports/camtrap-dp/export';
import { validateCamtrapDp } from '../../electron/core/reports/camtrap-dp/validate';
import { groupBy } from '../../electron/core/group-by';
import { engineWithCard } from '../support/api-import';
import { writeCard } from '../support/camera-frames';
import { tempDir } from '../support/temp-dir';

function readTable(dir: string, file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'), file);
  return rows.map((r) => Object.fromEntries(header!.fields.map((name, i) => [name, r.fields[i] ?? ''])));
}

/**
 * What the exports say about frames that are not tiger sightings, on a real imported card (3 animal frames, 6
 * blanks set aside by localisation): blank, animal with the species a reviewer named, unknown, and tigers only as
 * sightings. Every package is checked against the Camtrap DP schemas shipped in the standard folder.
 */
describe('Camtrap DP and CSV exports of empty frames and other species', () => {
  const dir = tempDir('tigerid-export-content-');
  let engine: Engine;
  let api: AppApi;
  const media = new Map<string, number>();
  const detectionOn = (tag: string) =>
    engine.core.db
      .prepare('SELECT id FROM detections WHERE media_id = ? ORDER BY id LIMIT 1')
      .pluck()
      .get(media.get(tag)) as number;
  let leopardMark = 0;

  /** Exports, validates, and returns the media-level observations by file tag, and the package's taxa. */
  const exported = async (name: string) => {
    const out = join(dir.path, name);
    const summary = await exportCamtrapDp(engine.core, out, { utcOffset: '+05:30' });
    expect(await validateCamtrapDp(out)).toEqual({ valid: true, errors: [] });
    const fileOf = new Map(
      readTable(out, 'media.csv').map((m) => [m.mediaID, m.fileName!.replace('.jpg', '')]),
    );
    const byTag = groupBy(
      readTable(out, 'observations.csv').filter((o) => o.observationLevel === 'media'),
      (o) => fileOf.get(o.mediaID!)!,
    );
    const descriptor = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')) as {
      taxonomic: { scientificName: string }[];
    };
    return { byTag, summary, taxa: descriptor.taxonomic.map((t) => t.scientificName).sort() };
  };

  beforeAll(async () => {
    ({ engine, api } = await engineWithCard(dir.path, writeCard, 'Asha'));
    await api['stations.update']({ name: 'Ridge', latitude: 29.53, longitude: 78.77 });
    for (const r of engine.core.db.prepare('SELECT id, file_name FROM media').all() as {
      id: number;
      file_name: string;
    }[])
      media.set(r.file_name.replace('.jpg', ''), r.id);

    // A tiger, a leopard, an animal not named, a frame a reviewer found empty, one pulled back and left undecided.
    await api['decisions.record']({ detectionId: detectionOn('animal-0'), verdict: 'new-individual' });
    leopardMark = (
      await api['detections.markNotTiger']({
        detectionId: detectionOn('animal-1'),
        species: 'Panthera pardus',
      })
    ).markId;
    await api['frames.markEmpty']({ mediaId: media.get('animal-2')! });
    await api['frames.restore']({ mediaId: media.get('blank-0')! });
    await api['frames.restore']({ mediaId: media.get('blank-2')! });
    await api['detections.markNotTiger']({ detectionId: detectionOn('blank-2') });
  }, 120_000);
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('writes blank, animal (tiger or the species named) and unknown rows that validate', async () => {
    const { byTag, taxa } = await exported('package');
    const kind = (tag: string) =>
      (byTag.get(tag) ?? []).map((o) => [
        o.observationType,
        o.scientificName,
        o.classificationMethod,
        o.classifiedBy,
      ]);
    expect(kind('animal-0')).toEqual([['animal', 'Panthera tigris', 'human', 'Asha']]);
    expect(byTag.get('animal-0')![0]!.individualID).toMatch(/^T-\d+/);
    expect(kind('animal-1')).toEqual([['animal', 'Panthera pardus', 'human', 'Asha']]);
    expect(byTag.get('animal-1')![0]).toMatchObject({ count: '1', observationComments: 'Not a tiger.' });
    expect(Number(byTag.get('animal-1')![0]!.bboxWidth)).toBeGreaterThan(0);
    expect(kind('animal-2')).toEqual([['blank', '', 'human', 'Asha']]);
    expect(kind('blank-0')).toEqual([['unknown', '', '', '']]);
    expect(kind('blank-2')).toEqual([['animal', '', 'human', 'Asha']]);
    expect(byTag.get('blank-2')![0]!.observationComments).toBe('Not a tiger; species not named.');
    for (const tag of ['blank-1', 'blank-3', 'blank-4', 'blank-5']) {
      expect(kind(tag)).toEqual([
        ['blank', '', 'machine', expect.stringMatching(/^Tiger ID .*background model/)],
      ]);
    }
    // Every media-level row belongs to an event (the frame's encounter).
    for (const rows of byTag.values()) for (const o of rows) expect(o.eventID).toMatch(/^E\d+$/);
    expect(taxa).toEqual(['Panthera pardus', 'Panthera tigris']);
  });

  it('an undone mark takes its row out again', async () => {
    await api['contentMarks.undo']({ markId: leopardMark });
    const { byTag, taxa } = await exported('package-after-undo');
    expect(byTag.get('animal-1')).toBeUndefined();
    expect(taxa).toEqual(['Panthera tigris']);
    await api['detections.markNotTiger']({
      detectionId: detectionOn('animal-1'),
      species: 'Panthera pardus',
    });
  });

  it('a time filter keeps sightings only, and says what it left out', async () => {
    const out = join(dir.path, 'filtered');
    const summary = await exportCamtrapDp(engine.core, out, {
      utcOffset: '+05:30',
      filter: { from: '2000-01-01' },
    });
    expect(await validateCamtrapDp(out)).toEqual({ valid: true, errors: [] });
    expect(readTable(out, 'observations.csv').map((o) => o.observationType)).toEqual(['animal', 'animal']);
    expect(summary.warnings.join('\n')).toMatch(
      /8 blank, other-species or unknown observation\(s\) were left out/,
    );
  });

  it('the sightings CSV lists the tiger only', async () => {
    const csv = await api['exports.csv']({ kind: 'sightings', folder: dir.path, fileName: 'sightings.csv' });
    const rows = readTable(dir.path, 'sightings.csv');
    expect(csv.summary).toBe('1 sightings');
    expect(rows.map((r) => Object.values(r).find((v) => v.endsWith('.jpg')))).toEqual([
      expect.stringMatching(/animal-0\.jpg$/),
    ]);
  });
});
