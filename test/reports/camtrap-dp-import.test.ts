import { chmodSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analysePending } from '../../electron/core/analysis/analyse-media';
import { parseCsv } from '../../electron/core/csv';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../../electron/core/inference/detector';
import { loadStripeMatcher } from '../../electron/core/matching/stripe-matcher';
import { isEngineError } from '../../electron/core/errors';
import { recordDecision, undoDecision } from '../../electron/core/gallery/decisions';
import { listSightings } from '../../electron/core/reports/sightings';
import { exportCamtrapDp } from '../../electron/core/reports/camtrap-dp/export';
import { importCamtrapDp } from '../../electron/core/reports/camtrap-dp/import';
import { validateCamtrapDp } from '../../electron/core/reports/camtrap-dp/validate';
import {
  CAMTRAP_EXAMPLE_DIR,
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

type Row = Record<string, string>;

function readTable(dir: string, file: string): Row[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'), file);
  return rows.map((r) => Object.fromEntries(header!.fields.map((name, i) => [name, r.fields[i] ?? ''])));
}

function writeTable(dir: string, file: string, rows: Row[]): void {
  const header = Object.keys(rows[0]!);
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))];
  writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
}

/** A writable copy of the standard's example package (the shared original is read-only). */
function copyExample(to: string): string {
  cpSync(CAMTRAP_EXAMPLE_DIR, to, { recursive: true });
  for (const dir of [to, join(to, 'media')]) {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) chmodSync(join(dir, entry.name), 0o644);
    }
  }
  return to;
}

const project = (rows: Row[], fields: string[]): string[][] => rows.map((r) => fields.map((f) => r[f] ?? ''));
const byId = (rows: Row[], id: string): Map<string, Row> => new Map(rows.map((r) => [r[id]!, r]));

const count = (core: ReturnType<typeof tempCore>, table: string): number =>
  core.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `importCamtrapDp (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    let core: ReturnType<typeof tempCore>;
    let work: ReturnType<typeof tempDir>;
    beforeEach(() => {
      core = tempCore(() => new Date('2024-06-01T08:00:00.000Z'));
      work = tempDir('tigerid-camtrap-import-');
    });
    afterEach(() => {
      core.cleanup();
      work.cleanup();
    });

    it('round-trips the standard example: the re-export validates and keeps every deployment, media and observation', async () => {
      const summary = await importCamtrapDp(core, CAMTRAP_EXAMPLE_DIR);
      // 4 deployments; 423 media of which the 10 in media/ are local; 549 observations, none of a tiger.
      expect(summary.deployments).toEqual({
        total: 4,
        stationsCreated: [
          'B_HS_val 2_processiepark',
          'B_DL_val 5_beek kleine vijver',
          'B_DL_val 3_dikke boom',
          "B_DM_val 4_'t WAD",
        ],
        alreadyImported: 0,
      });
      expect(summary.media).toMatchObject({
        total: 423,
        imported: 10,
        duplicates: 0,
        alreadyImported: 0,
        failed: [],
      });
      expect(summary.media.notImported).toHaveLength(413);
      expect(summary.media.notImported[0]).toEqual({
        mediaID: '07840dcc',
        filePath: 'https://multimedia.agouti.eu/assets/07840dcc-0d99-4ab4-973b-7e4a8e20b56d/file',
        reason: 'not imported: file not available offline',
      });
      expect(summary.observations).toEqual({ total: 549, sightings: 0, kept: 549, alreadyImported: 0 });
      expect(summary.completed).toBe(true);

      // The local photos are in the gallery, at their deployment's station, with the package's zoned time.
      const photo = core.db
        .prepare(
          `SELECT m.captured_at, s.name, s.latitude, s.longitude, s.operation_start FROM media m JOIN stations s ON s.id = m.station_id
            WHERE m.file_name = '20210531082538-RCNX0031.JPG'`,
        )
        .get();
      expect(photo).toEqual({
        captured_at: '2021-04-11T20:43:09+01:00',
        name: "B_DM_val 4_'t WAD",
        latitude: 50.699,
        longitude: 4.013,
        operation_start: '2021-03-27',
      });

      const out = join(work.path, 'again');
      const exported = await exportCamtrapDp(core, out);
      expect(exported).toMatchObject({ deployments: 4, media: 423, observations: 549, warnings: [] });
      expect(await validateCamtrapDp(out)).toEqual({ valid: true, errors: [] });

      const keys = {
        'deployments.csv': [
          'deploymentID',
          'locationID',
          'locationName',
          'latitude',
          'longitude',
          'deploymentStart',
          'deploymentEnd',
          'cameraModel',
          'habitat',
        ],
        'media.csv': ['mediaID', 'deploymentID', 'captureMethod', 'timestamp', 'fileName', 'fileMediatype'],
        'observations.csv': [
          'observationID',
          'deploymentID',
          'mediaID',
          'eventID',
          'eventStart',
          'eventEnd',
          'observationLevel',
          'observationType',
          'scientificName',
          'count',
          'lifeStage',
          'sex',
          'behavior',
          'bboxX',
          'bboxY',
          'bboxWidth',
          'bboxHeight',
          'classificationMethod',
          'classifiedBy',
          'classificationTimestamp',
          'classificationProbability',
        ],
      };
      for (const [file, fields] of Object.entries(keys)) {
        const id = fields[0]!;
        const before = byId(readTable(CAMTRAP_EXAMPLE_DIR, file), id);
        const after = byId(readTable(out, file), id);
        expect([...after.keys()].sort(), file).toEqual([...before.keys()].sort());
        expect(project([...after.values()], fields).sort(), file).toEqual(
          project([...before.values()], fields).sort(),
        );
      }
      // Photos now in the gallery are given where they are; the others keep their URLs.
      const media = byId(readTable(out, 'media.csv'), 'mediaID');
      expect(media.get('7ab33b3a')).toMatchObject({
        filePath: pathToFileURL(join(CAMTRAP_EXAMPLE_DIR, 'media', '20210531082538-RCNX0031.JPG')).href,
        filePublic: 'false',
      });
      expect(media.get('07840dcc')).toMatchObject({
        filePath: 'https://multimedia.agouti.eu/assets/07840dcc-0d99-4ab4-973b-7e4a8e20b56d/file',
        filePublic: 'true',
      });
      const descriptor = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8'));
      expect(descriptor.licenses).toEqual([
        { name: 'CC0-1.0', scope: 'data' },
        { path: 'http://creativecommons.org/licenses/by/4.0/', scope: 'media' },
      ]);
      expect(descriptor.project.title).toBe('Management of Invasive Coypu and muskrAt in Europe');
      expect(descriptor.temporal).toEqual({ start: '2020-05-30', end: '2021-04-18' });

      // Operation dates the user changes in the gallery are exported, in the zone the package wrote.
      core.db
        .prepare("UPDATE stations SET operation_end = '2021-04-20' WHERE name = 'B_DM_val 4_''t WAD'")
        .run();
      const changed = join(work.path, 'changed');
      await exportCamtrapDp(core, changed);
      const deployment = byId(readTable(changed, 'deployments.csv'), 'deploymentID').get('62c200a9');
      expect([deployment?.deploymentStart, deployment?.deploymentEnd]).toEqual([
        '2021-03-27T21:38:18+01:00',
        '2021-04-20T23:59:59+01:00',
      ]);
    });

    it('imports identified tigers as decided sightings, and a second import adds nothing', async () => {
      const pkg = copyExample(join(work.path, 'tigers'));
      const observations = readTable(pkg, 'observations.csv');
      const edit = (id: string, fields: Row): void => {
        Object.assign(
          observations.find((o) => o.observationID === id)!,
          fields,
        );
      };
      const tiger = {
        scientificName: 'Panthera tigris',
        classificationMethod: 'human',
        classifiedBy: 'Field Team',
      };
      edit('7ab33b3a_1', { ...tiger, individualID: 'Raja', observationTags: 'flank:left' });
      edit('d9ef08ec_1', { ...tiger, individualID: 'Raja', observationTags: 'flank:right' });
      edit('aebe5b85_1', {
        ...tiger,
        individualID: 'Machli',
        bboxX: '',
        bboxY: '',
        bboxWidth: '',
        bboxHeight: '',
      });
      // A tiger on a photo that is only a URL stays a package row: there is nothing to put a box on.
      edit('07840dcc_1', { ...tiger, individualID: 'Ghost' });
      writeTable(pkg, 'observations.csv', observations);
      // A corrupt local photo is reported and skipped; the others still come in.
      writeFileSync(
        join(pkg, 'media', '20210531082541-RCNX0040.JPG'),
        readFileSync(join(pkg, 'media', '20210531082541-RCNX0040.JPG')).subarray(0, 2000),
      );

      const first = await importCamtrapDp(core, pkg);
      expect(first.media).toMatchObject({ imported: 9, duplicates: 0 });
      expect(first.media.failed).toHaveLength(1);
      expect(first.media.failed[0]).toMatchObject({ mediaID: '3b185b03', code: 'IMAGE_DECODE_FAILED' });
      expect(first.observations).toEqual({ total: 549, sightings: 3, kept: 546, alreadyImported: 0 });
      expect(first.individualsCreated).toEqual(['Raja', 'Machli']);

      const individuals = core.db.prepare('SELECT code, name FROM individuals ORDER BY id').all();
      expect(individuals).toEqual([
        { code: 'T-0001', name: 'Raja' },
        { code: 'T-0002', name: 'Machli' },
      ]);
      const detections = core.db
        .prepare(
          `SELECT m.file_name, d.box_x, d.box_y, d.box_w, d.box_h, d.detector, d.flank, dc.verdict, i.name AS individual, dc.reviewer, dc.notes
             FROM detections d JOIN media m ON m.id = d.media_id JOIN decisions dc ON dc.detection_id = d.id
             JOIN individuals i ON i.id = dc.individual_id ORDER BY d.id`,
        )
        .all();
      const notes = (id: string) =>
        `Imported from Camtrap DP package "Sample from: MICA - Muskrat and coypu camera trap observations in Belgium, the Netherlands and Germany": observation ${id}, human classification of 2021-07-05T11:44:15Z.`;
      expect(detections).toEqual([
        {
          file_name: '20210531082538-RCNX0031.JPG',
          box_x: 0.35947,
          box_y: 0.61382,
          box_w: 0.32951,
          box_h: 0.31225,
          detector: 'camtrap-dp',
          flank: 'left',
          verdict: 'new-individual',
          individual: 'Raja',
          reviewer: 'Field Team',
          notes: notes('7ab33b3a_1'),
        },
        {
          file_name: '20210531082538-RCNX0032.JPG',
          box_x: 0.4807,
          box_y: 0.61219,
          box_w: 0.14778,
          box_h: 0.31352,
          detector: 'camtrap-dp',
          flank: 'right',
          verdict: 'match',
          individual: 'Raja',
          reviewer: 'Field Team',
          notes: notes('d9ef08ec_1'),
        },
        {
          file_name: '20210531082539-RCNX0033.JPG',
          box_x: 0,
          box_y: 0,
          box_w: 1,
          box_h: 1,
          detector: 'whole-frame',
          flank: 'unknown',
          verdict: 'new-individual',
          individual: 'Machli',
          reviewer: 'Field Team',
          notes: notes('aebe5b85_1'),
        },
      ]);
      expect(listSightings(core).map((s) => s.individualCode)).toEqual(['T-0001', 'T-0001', 'T-0002']);

      const tables = [
        'stations',
        'media',
        'detections',
        'decisions',
        'individuals',
        'camtrap_records',
        'camtrap_packages',
      ];
      const before = tables.map((t) => count(core, t));
      const second = await importCamtrapDp(core, pkg);
      expect(tables.map((t) => count(core, t))).toEqual(before);
      expect(second.deployments).toMatchObject({ stationsCreated: [], alreadyImported: 4 });
      expect(second.media).toMatchObject({ imported: 0, duplicates: 0, alreadyImported: 9 });
      expect(second.media.failed.map((f) => f.mediaID)).toEqual(['3b185b03']);
      expect(second.observations).toEqual({ total: 549, sightings: 0, kept: 0, alreadyImported: 549 });
      expect(second.individualsCreated).toEqual([]);

      // The re-export gives the identified tigers back under their own IDs; a reviewer's later decision wins.
      const machli = core.db
        .prepare("SELECT d.id FROM detections d WHERE d.detector = 'whole-frame'")
        .pluck()
        .get() as number;
      recordDecision(core, { detectionId: machli, verdict: 'match', individual: 'T-0001', reviewer: 'Asha' });
      const out = join(work.path, 'out');
      await exportCamtrapDp(core, out);
      expect(await validateCamtrapDp(out)).toEqual({ valid: true, errors: [] });
      const exported = byId(readTable(out, 'observations.csv'), 'observationID');
      expect(exported.size).toBe(549);
      expect(
        project(
          [exported.get('7ab33b3a_1')!, exported.get('d9ef08ec_1')!, exported.get('aebe5b85_1')!],
          [
            'individualID',
            'bboxX',
            'observationTags',
            'classificationMethod',
            'classifiedBy',
            'classificationTimestamp',
          ],
        ),
      ).toEqual([
        ['Raja', '0.35947', 'flank:left', 'human', 'Field Team', '2021-07-05T11:44:15Z'],
        ['Raja', '0.4807', 'flank:right', 'human', 'Field Team', '2021-07-05T11:44:15Z'],
        ['Raja', '', '', 'human', 'Asha', '2024-06-01T08:00:00Z'],
      ]);
      expect(exported.get('07840dcc_1')).toMatchObject({
        scientificName: 'Panthera tigris',
        individualID: 'Ghost',
      });

      // An imported sighting whose decision is undone is no sighting any more, and the export says so.
      const raja2 = core.db
        .prepare(
          "SELECT d.id FROM decisions d JOIN detections x ON x.id = d.detection_id WHERE x.flank = 'right'",
        )
        .pluck()
        .get() as number;
      undoDecision(core, raja2, 'Asha');
      const afterUndo = await exportCamtrapDp(core, join(work.path, 'undone'));
      expect(afterUndo.observations).toBe(548);
      expect(afterUndo.warnings).toEqual([
        '1 imported observation(s) were left out because their decision was undone or changed to no match.',
      ]);
    });

    it('describes the imported boxes when the photos are analysed, instead of detecting them again', async () => {
      const pkg = copyExample(join(work.path, 'boxed'));
      const observations = readTable(pkg, 'observations.csv');
      Object.assign(
        observations.find((o) => o.observationID === '7ab33b3a_1')!,
        {
          scientificName: 'Panthera tigris',
          classificationMethod: 'human',
          classifiedBy: 'Field Team',
          individualID: 'Raja',
        },
      );
      writeTable(pkg, 'observations.csv', observations);
      await importCamtrapDp(core, pkg);
      const stripes = await loadStripeMatcher();
      const services = {
        detector: { id: WHOLE_FRAME_DETECTOR, detect: async () => [wholeFrameDetection()] },
        stripes,
        embedders: [],
      };
      const summary = await analysePending(core, services);
      expect(summary.failed).toEqual([]);
      const perPhoto = core.db
        .prepare(
          `SELECT m.file_name, COUNT(d.id) AS n, GROUP_CONCAT(d.detector) AS detectors,
                  SUM((SELECT COUNT(*) FROM embeddings e WHERE e.detection_id = d.id)) AS described
             FROM media m JOIN detections d ON d.media_id = m.id GROUP BY m.id ORDER BY m.file_name`,
        )
        .all() as { file_name: string; n: number; detectors: string; described: number }[];
      // The boxed tiger keeps its one imported box, now described; every other local photo gets one whole frame.
      expect(perPhoto.find((p) => p.file_name === '20210531082538-RCNX0031.JPG')).toEqual({
        file_name: '20210531082538-RCNX0031.JPG',
        n: 1,
        detectors: 'camtrap-dp',
        described: 1,
      });
      expect(perPhoto).toHaveLength(10);
      expect(perPhoto.filter((p) => p.detectors === WHOLE_FRAME_DETECTOR)).toHaveLength(9);
      expect(perPhoto.every((p) => p.n === 1)).toBe(true);
    });

    it('refuses an invalid package with its problems, importing nothing', async () => {
      const pkg = copyExample(join(work.path, 'broken'));
      const observations = readTable(pkg, 'observations.csv');
      observations[1]!.observationType = 'tiger';
      writeTable(pkg, 'observations.csv', observations);
      let caught: unknown;
      try {
        await importCamtrapDp(core, pkg);
      } catch (error) {
        caught = error;
      }
      expect(isEngineError(caught, 'PACKAGE_INVALID')).toBe(true);
      expect((caught as Error).message).toMatch(
        /is not a valid Camtrap DP 1\.0\.2 package \(1 problem\(s\), first: observations\.csv, row 3: observationType must be one of/,
      );
      expect((caught as { details: { errors: unknown[] } }).details.errors).toEqual([
        {
          file: 'observations.csv',
          row: 3,
          field: 'observationType',
          message:
            'observationType must be one of: animal, human, vehicle, blank, unknown, unclassified (found "tiger")',
        },
      ]);
      expect(['stations', 'media', 'camtrap_records'].map((t) => count(core, t))).toEqual([0, 0, 0]);
    });

    it('refuses a second package whose IDs name different things', async () => {
      await importCamtrapDp(core, CAMTRAP_EXAMPLE_DIR);
      const other = copyExample(join(work.path, 'other'));
      const descriptor = JSON.parse(readFileSync(join(other, 'datapackage.json'), 'utf8'));
      descriptor.id = 'another-survey';
      writeFileSync(join(other, 'datapackage.json'), JSON.stringify(descriptor));
      const deployments = readTable(other, 'deployments.csv');
      deployments[0]!.latitude = '10.5';
      writeTable(other, 'deployments.csv', deployments);
      const before = ['stations', 'media', 'camtrap_records'].map((t) => count(core, t));
      await expect(importCamtrapDp(core, other)).rejects.toThrow(
        /1 ID\(s\) of this package already name something different, imported from another package: deploymentID "00a2c20d" \(from package 7cca70f5-ef8c-4f86-85fb-8f070937d7ab\)/,
      );
      expect(['stations', 'media', 'camtrap_records'].map((t) => count(core, t))).toEqual(before);
    });
  },
);
