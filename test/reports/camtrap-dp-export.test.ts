import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../electron/core/csv';
import { isEngineError } from '../../electron/core/errors';
import { undoDecision } from '../../electron/core/gallery/decisions';
import { exportCamtrapDp } from '../../electron/core/reports/camtrap-dp/export';
import { validateCamtrapDp } from '../../electron/core/reports/camtrap-dp/validate';
import {
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
  camtrapExamplePhotos,
  confirm,
  importStations,
  type SightingGallery,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

/** A written CSV as objects keyed by its header. */
function readTable(dir: string, file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'), file);
  return rows.map((r) => Object.fromEntries(header!.fields.map((name, i) => [name, r.fields[i] ?? ''])));
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const DECIDED_AT = new Date('2024-05-01T10:00:00.000Z');

describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `exportCamtrapDp on a gallery of real photos (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    let core: ReturnType<typeof tempCore>;
    let work: ReturnType<typeof tempDir>;
    let gallery: SightingGallery;
    const photos = HAS_CAMTRAP_EXAMPLE ? camtrapExamplePhotos() : [];
    const detectionOf = (i: number): number => gallery.detections[i]!.detectionId;

    beforeAll(async () => {
      core = tempCore(() => DECIDED_AT);
      work = tempDir('tigerid-camtrap-export-');
      // Ridge gets RCNX0031-0036, Nala RCNX0037-0040 (sorted file names).
      gallery = await importStations(core, join(work.path, 'photos'), [
        { station: 'Ridge', files: photos.slice(0, 6) },
        { station: 'Nala', files: photos.slice(6) },
      ]);
      core.db
        .prepare("UPDATE stations SET latitude = 29.5301, longitude = 78.7747 WHERE name = 'Ridge'")
        .run();
      core.db.prepare("UPDATE stations SET latitude = 29.561, longitude = 78.8012 WHERE name = 'Nala'").run();
      const setBox = core.db.prepare(
        "UPDATE detections SET box_x = ?, box_y = ?, box_w = ?, box_h = ?, detector = 'md-test', flank = ? WHERE id = ?",
      );
      setBox.run(0.1, 0.2, 0.3, 0.4, 'left', detectionOf(0));
      setBox.run(0.05, 0.5, 0.25, 0.45, 'right', detectionOf(1));
      confirm(core, detectionOf(0), null);
      confirm(core, detectionOf(1), 'T-0001', { scores: { fused: 0.87, 'stripes-v1': 0.9 } });
      confirm(core, detectionOf(7), null, { reviewer: 'Asha', notes: 'scar, left ear' });
      // Decided, then undone: not a sighting any more.
      confirm(core, detectionOf(3), null);
      const undone = core.db
        .prepare('SELECT id FROM decisions WHERE detection_id = ?')
        .pluck()
        .get(detectionOf(3));
      undoDecision(core, undone as number, 'Test Ranger');
    });
    afterAll(() => {
      core?.cleanup();
      work?.cleanup();
    });

    it('writes a valid package whose rows are the stations, every photo and the three standing decisions', async () => {
      const out = join(work.path, 'package');
      const summary = await exportCamtrapDp(core, out, { utcOffset: '+05:30', projectTitle: 'Corbett 2021' });
      // 3 sightings, and 2 events: photos 0 and 1 (Ridge, 1 s apart) are one encounter of T-0001; and the 7 photos
      // nobody decided on, each a whole frame (no detector), are `unknown`.
      expect(summary).toEqual({ folder: out, deployments: 2, media: 10, observations: 12, warnings: [] });
      expect(await validateCamtrapDp(out)).toEqual({ valid: true, errors: [] });

      // Capture times from the photos' EXIF (the standard's media.csv lists the same wall-clock times).
      const deployments = readTable(out, 'deployments.csv');
      expect(deployments.map((d) => [d.deploymentID, d.locationName, d.latitude, d.longitude])).toEqual([
        ['Nala', 'Nala', '29.561', '78.8012'],
        ['Ridge', 'Ridge', '29.5301', '78.7747'],
      ]);
      expect(deployments.map((d) => [d.deploymentStart, d.deploymentEnd])).toEqual([
        ['2021-04-11T20:43:13+05:30', '2021-04-11T20:43:15+05:30'],
        ['2021-04-11T20:43:09+05:30', '2021-04-11T20:43:12+05:30'],
      ]);

      const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
      const media = readTable(out, 'media.csv');
      expect(media).toHaveLength(10);
      const first = media.find((m) => m.fileName === basename(photos[0]!))!;
      expect(first).toMatchObject({
        mediaID: sha(photos[0]!),
        deploymentID: 'Ridge',
        captureMethod: 'activityDetection',
        timestamp: '2021-04-11T20:43:09+05:30',
        filePath: pathToFileURL(join(work.path, 'photos', 'station-0', basename(photos[0]!))).href,
        filePublic: 'false',
        fileMediatype: 'image/jpeg',
      });
      expect(media.filter((m) => m.deploymentID === 'Nala').map((m) => m.fileName)).toEqual(
        photos.slice(6).map((p) => basename(p)),
      );

      const rows = readTable(out, 'observations.csv');
      const observations = rows.filter(
        (o) => o.observationLevel === 'media' && o.observationType === 'animal',
      );
      const events = rows.filter((o) => o.observationLevel === 'event');
      expect(
        rows
          .filter((o) => o.observationType === 'unknown')
          .map((o) => o.mediaID)
          .sort(),
      ).toEqual([2, 3, 4, 5, 6, 8, 9].map((i) => sha(photos[i]!)).sort());
      const common = {
        observationLevel: 'media',
        observationType: 'animal',
        scientificName: 'Panthera tigris',
        count: '1',
        classificationMethod: 'human',
        classificationTimestamp: '2024-05-01T10:00:00Z',
      };
      expect(observations).toHaveLength(3);
      expect(observations[0]).toMatchObject({
        ...common,
        observationID: `detection-${detectionOf(0)}`,
        deploymentID: 'Ridge',
        mediaID: sha(photos[0]!),
        eventStart: '2021-04-11T20:43:09+05:30',
        eventEnd: '2021-04-11T20:43:09+05:30',
        individualID: 'T-0001',
        bboxX: '0.1',
        bboxY: '0.2',
        bboxWidth: '0.3',
        bboxHeight: '0.4',
        classifiedBy: 'Test Ranger',
        classificationProbability: '',
        observationTags: 'flank:left',
      });
      expect(observations[1]).toMatchObject({
        ...common,
        mediaID: sha(photos[1]!),
        individualID: 'T-0001',
        bboxX: '0.05',
        bboxY: '0.5',
        bboxWidth: '0.25',
        bboxHeight: '0.45',
        classificationProbability: '0.87',
        observationTags: 'flank:right',
      });
      // A whole-frame detection has no box to give, and an unknown flank no tag.
      expect(observations[2]).toMatchObject({
        ...common,
        deploymentID: 'Nala',
        mediaID: sha(photos[7]!),
        individualID: 'T-0002',
        bboxX: '',
        bboxWidth: '',
        classifiedBy: 'Asha',
        observationTags: '',
        observationComments: 'scar, left ear',
      });
      // Each sighting names its event; one event-level row per individual and event spans its frames.
      expect(observations[0]?.eventID).not.toBe('');
      expect(observations[1]?.eventID).toBe(observations[0]?.eventID);
      expect(observations[2]?.eventID).not.toBe(observations[0]?.eventID);
      expect(events.map((e) => [e.eventID, e.individualID, e.mediaID, e.eventStart, e.eventEnd])).toEqual([
        [observations[0]?.eventID, 'T-0001', '', observations[0]?.eventStart, observations[1]?.eventStart],
        [observations[2]?.eventID, 'T-0002', '', observations[2]?.eventStart, observations[2]?.eventStart],
      ]);

      const descriptor = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8'));
      expect(descriptor.profile).toBe(
        'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/camtrap-dp-profile.json',
      );
      expect(
        descriptor.resources.map((r: { name: string; path: string; schema: string }) => [
          r.name,
          r.path,
          r.schema,
        ]),
      ).toEqual([
        [
          'deployments',
          'deployments.csv',
          'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/deployments-table-schema.json',
        ],
        [
          'media',
          'media.csv',
          'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/media-table-schema.json',
        ],
        [
          'observations',
          'observations.csv',
          'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2/observations-table-schema.json',
        ],
      ]);
      expect(descriptor.created).toBe('2024-05-01T10:00:00Z');
      expect(descriptor.project).toEqual({
        title: 'Corbett 2021',
        samplingDesign: 'targeted',
        captureMethod: ['activityDetection'],
        individualAnimals: true,
        observationLevel: expect.arrayContaining(['media', 'event']),
      });
      expect(descriptor.project.observationLevel).toHaveLength(2);
      expect(descriptor.contributors).toEqual([
        { title: 'Test Ranger', role: 'contributor' },
        { title: 'Asha', role: 'contributor' },
      ]);
      expect(descriptor.temporal).toEqual({ start: '2021-04-11', end: '2021-04-11' });
      expect(descriptor.spatial).toEqual({
        type: 'Polygon',
        coordinates: [
          [
            [78.7747, 29.5301],
            [78.8012, 29.5301],
            [78.8012, 29.561],
            [78.7747, 29.561],
            [78.7747, 29.5301],
          ],
        ],
      });
      expect(descriptor.taxonomic).toEqual([
        { scientificName: 'Panthera tigris', taxonRank: 'species', vernacularNames: { eng: 'tiger' } },
      ]);
      expect(descriptor.licenses.map((l: { scope: string }) => l.scope)).toEqual(['data', 'media']);
    });

    it('exports the sightings a filter selects, with every photo of the stations as survey effort', async () => {
      const out = join(work.path, 'one-tiger');
      const t2 = core.db.prepare("SELECT id FROM individuals WHERE code = 'T-0002'").pluck().get() as number;
      const summary = await exportCamtrapDp(core, out, { utcOffset: '+05:30', filter: { individualId: t2 } });
      expect([summary.deployments, summary.media, summary.observations]).toEqual([2, 10, 2]);
      expect(readTable(out, 'observations.csv').map((o) => [o.observationLevel, o.individualID])).toEqual([
        ['media', 'T-0002'],
        ['event', 'T-0002'],
      ]);
    });

    it('refuses a non-empty folder unless overwriting was allowed', async () => {
      const out = join(work.path, 'busy');
      await exportCamtrapDp(core, out, { utcOffset: '+05:30' });
      writeFileSync(join(out, 'notes.txt'), 'mine');
      const error = await thrown(exportCamtrapDp(core, out, { utcOffset: '+05:30' }));
      expect(isEngineError(error, 'OUTPUT_EXISTS')).toBe(true);
      expect((error as Error).message).toMatch(/is not empty/);
      await expect(
        exportCamtrapDp(core, out, { utcOffset: '+05:30', overwrite: true }),
      ).resolves.toMatchObject({
        observations: 12,
      });
      expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    });

    it('asks for the UTC offset when capture times have no zone, and writes nothing', async () => {
      const out = join(work.path, 'no-offset');
      const error = await thrown(exportCamtrapDp(core, out));
      expect(isEngineError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/10 capture or operation time\(s\) have no time zone/);
      expect((error as Error).message).toMatch(/UTC offset .* such as "\+05:30"/);
      expect(existsSync(out)).toBe(false);
      await expect(exportCamtrapDp(core, out, { utcOffset: '5:30' })).rejects.toThrow(
        /utcOffset: must be a UTC offset of the form \+hh:mm or -hh:mm/,
      );
    });

    it('names the stations without coordinates and how to set them', async () => {
      core.db.prepare("UPDATE stations SET latitude = NULL, longitude = NULL WHERE name = 'Nala'").run();
      try {
        const out = join(work.path, 'no-coordinates');
        const error = await thrown(exportCamtrapDp(core, out, { utcOffset: '+05:30' }));
        expect(isEngineError(error, 'PACKAGE_INVALID')).toBe(true);
        expect((error as Error).message).toMatch(/1 station\(s\) have none: "Nala"/);
        expect((error as Error).message).toMatch(
          /Stations page, or with `tigerid stations set NAME --lat=LAT --lon=LON`/,
        );
        expect(existsSync(out)).toBe(false);
      } finally {
        core.db
          .prepare("UPDATE stations SET latitude = 29.561, longitude = 78.8012 WHERE name = 'Nala'")
          .run();
      }
    });

    it('takes deployment start and end from the recorded operation period', async () => {
      core.db
        .prepare(
          "UPDATE stations SET operation_start = '2021-04-01', operation_end = '2021-04-30' WHERE name = 'Ridge'",
        )
        .run();
      const out = join(work.path, 'operation');
      await exportCamtrapDp(core, out, {
        utcOffset: '+05:30',
        filter: { stationId: stationId(core, 'Ridge') },
      });
      expect(
        readTable(out, 'deployments.csv').map((d) => [d.deploymentID, d.deploymentStart, d.deploymentEnd]),
      ).toEqual([['Ridge', '2021-04-01T00:00:00+05:30', '2021-04-30T23:59:59+05:30']]);
      expect(readTable(out, 'media.csv')).toHaveLength(6);
    });
  },
);

function stationId(core: ReturnType<typeof tempCore>, name: string): number {
  return core.db.prepare('SELECT id FROM stations WHERE name = ?').pluck().get(name) as number;
}

describe('exportCamtrapDp at survey scale', () => {
  it('exports 10,000 sightings in well under 10 s', async () => {
    const core = tempCore();
    const work = tempDir('tigerid-camtrap-bulk-');
    try {
      const now = '2024-05-01T10:00:00.000Z';
      const db = core.db;
      db.transaction(() => {
        for (let s = 0; s < 20; s++) {
          db.prepare('INSERT INTO stations (name, latitude, longitude, created_at) VALUES (?, ?, ?, ?)').run(
            `S${s}`,
            21 + s / 100,
            79 + s / 100,
            now,
          );
        }
        for (let t = 1; t <= 100; t++) {
          db.prepare('INSERT INTO individuals (code, created_at) VALUES (?, ?)').run(
            `T-${String(t).padStart(4, '0')}`,
            now,
          );
        }
        const media = db.prepare(
          `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
           VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?, ?, ?)`,
        );
        const detection = db.prepare(
          `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, flank, created_at)
           VALUES (?, 0.1, 0.1, 0.5, 0.5, 0.9, 'md', ?, ?)`,
        );
        const decision = db.prepare(
          `INSERT INTO decisions (detection_id, verdict, individual_id, scores, reviewer, decided_at)
           VALUES (?, 'match', ?, '{"fused":0.8}', 'Ranger', ?)`,
        );
        for (let i = 0; i < 10_000; i++) {
          const minute = String(i % 60).padStart(2, '0');
          const day = String(1 + (i % 28)).padStart(2, '0');
          const m = media.run(
            createHash('sha256').update(String(i)).digest('hex'),
            `/photos/${i}.jpg`,
            `${i}.jpg`,
            `2023-02-${day}T03:${minute}:00`,
            1 + (i % 20),
            now,
          );
          const d = detection.run(m.lastInsertRowid, i % 2 === 0 ? 'left' : 'right', now);
          decision.run(d.lastInsertRowid, 1 + (i % 100), now);
        }
      })();
      const started = performance.now();
      const summary = await exportCamtrapDp(core, join(work.path, 'out'), { utcOffset: '+05:30' });
      const elapsed = performance.now() - started;
      expect([summary.deployments, summary.media]).toEqual([20, 10_000]);
      const rows = readTable(join(work.path, 'out'), 'observations.csv');
      const sightings = rows.filter((o) => o.observationLevel === 'media');
      const events = rows.filter((o) => o.observationLevel === 'event');
      expect(sightings).toHaveLength(10_000);
      expect(summary.observations).toBe(10_000 + events.length);
      const eventIds = new Set(sightings.map((o) => o.eventID));
      expect(eventIds.has('')).toBe(false);
      expect(events.every((e) => eventIds.has(e.eventID ?? ''))).toBe(true);
      // About 1.5 s on a quiet 2-core machine; the margin absorbs a loaded CI runner, not an O(n²) regression.
      expect(elapsed).toBeLessThan(8_000);
    } finally {
      core.cleanup();
      work.cleanup();
    }
  });
});
