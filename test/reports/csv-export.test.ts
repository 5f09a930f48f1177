import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../electron/cli/commands/export';
import { parseCsv } from '../../electron/core/csv';
import { recordDecision, undoDecision } from '../../electron/core/gallery/decisions';
import { renameIndividual } from '../../electron/core/gallery/edits';
import { findStation, updateStation } from '../../electron/core/gallery/stations';
import {
  exportIndividualsCsv,
  exportSightingsCsv,
  spreadsheetSafe,
} from '../../electron/core/reports/csv-export';
import { cliContext } from '../support/cli-context';
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

type Core = ReturnType<typeof tempCore>;

const SIGHTING_HEADER_START = [
  'individual_code',
  'individual_name',
  'flank',
  'station',
  'captured_at',
  'latitude',
  'longitude',
  'file',
  'file_sha256',
  'box_x',
  'box_y',
  'box_w',
  'box_h',
  'detector',
  'detector_confidence',
  'score_fused',
  'score_threshold',
];
const SIGHTING_HEADER_END = [
  'model_versions',
  'verdict',
  'reviewer',
  'decided_at',
  'notes',
  'detection_id',
  'decision_id',
];

/** The parsed file as objects keyed by the header, so each field is checked by name. */
function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'), file).map((r) => r.fields);
  if (!header) throw new Error(`${file} is empty`);
  return {
    header,
    rows: rows.map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i] ?? '']))),
  };
}

function decisionOf(core: Core, detectionId: number): { id: number; decided_at: string } {
  return core.db
    .prepare(
      `SELECT id, decided_at FROM decisions WHERE detection_id = ? AND undone_at IS NULL AND verdict IN ('match', 'new-individual')`,
    )
    .get(detectionId) as { id: number; decided_at: string };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `CSV exports of a real gallery (${CAMTRAP_EXAMPLE_SKIP_REASON} otherwise)`,
  () => {
    let core: Core;
    let photos: ReturnType<typeof tempDir>;
    let out: ReturnType<typeof tempDir>;
    let gallery: SightingGallery;
    const det = (i: number) => gallery.detections[i] as SightingGallery['detections'][number];

    beforeAll(async () => {
      core = tempCore();
      photos = tempDir('tigerid-csv-photos-');
      out = tempDir('tigerid-csv-out-');
      const files = camtrapExamplePhotos();
      // Photos 0-5 at North Ridge, 6-9 at "@Valley" (a name a spreadsheet would read as a formula).
      gallery = await importStations(core, photos.path, [
        { station: 'North Ridge', files: files.slice(0, 6) },
        { station: '@Valley', files: files.slice(6) },
      ]);
      updateStation(core, 'North Ridge', { latitude: -7.25, longitude: 112.5 });
      core.db.prepare(`UPDATE detections SET flank = 'left' WHERE id = ?`).run(det(0).detectionId);

      confirm(core, det(0).detectionId, null, {
        reviewer: 'A. Ranger',
        notes: 'first, "clear" flank',
        scores: { fused: 0.91, threshold: 0.5, 'builtin-stripes': 0.88, megadescriptor: 0.93 },
      });
      confirm(core, det(1).detectionId, 'T-0001', {
        reviewer: '+Ranger',
        notes: '=cmd|x',
        scores: { fused: 0.8, 'builtin-stripes': 0.8 },
      });
      confirm(core, det(6).detectionId, null, { notes: '-note' });
      // Not sightings: a rejected candidate, and a match that was undone.
      recordDecision(core, { detectionId: det(7).detectionId, verdict: 'no-match', reviewer: 'Test Ranger' });
      confirm(core, det(2).detectionId, 'T-0001');
      undoDecision(core, decisionOf(core, det(2).detectionId).id, 'Test Ranger');
      renameIndividual(core, 'T-0002', '=HYPERLINK("x")', 'Test Ranger');
    });
    afterAll(() => {
      core.cleanup();
      photos.cleanup();
      out.cleanup();
    });

    it('writes one row per standing sighting, every field as the gallery holds it', () => {
      const file = join(out.path, 'sightings.csv');
      expect(exportSightingsCsv(core, file)).toEqual({ file, rows: 3, warnings: [] });
      const { header, rows } = readCsv(file);
      expect(header).toEqual([
        ...SIGHTING_HEADER_START,
        'score_builtin-stripes',
        'score_megadescriptor',
        ...SIGHTING_HEADER_END,
      ]);
      // Capture order: RCNX0031 (20:43:09), RCNX0032 (20:43:10), RCNX0037 (20:43:13).
      expect(rows).toEqual([
        {
          individual_code: 'T-0001',
          individual_name: '',
          flank: 'left',
          station: 'North Ridge',
          captured_at: '2021-04-11T20:43:09',
          latitude: '-7.25',
          longitude: '112.5',
          file: det(0).file,
          file_sha256: sha256(det(0).file),
          box_x: '0',
          box_y: '0',
          box_w: '1',
          box_h: '1',
          detector: 'whole-frame',
          detector_confidence: '',
          score_fused: '0.91',
          score_threshold: '0.5',
          'score_builtin-stripes': '0.88',
          score_megadescriptor: '0.93',
          model_versions: '',
          verdict: 'new-individual',
          reviewer: 'A. Ranger',
          decided_at: decisionOf(core, det(0).detectionId).decided_at,
          notes: 'first, "clear" flank',
          detection_id: String(det(0).detectionId),
          decision_id: String(decisionOf(core, det(0).detectionId).id),
        },
        {
          individual_code: 'T-0001',
          individual_name: '',
          flank: 'unknown',
          station: 'North Ridge',
          captured_at: '2021-04-11T20:43:10',
          latitude: '-7.25',
          longitude: '112.5',
          file: det(1).file,
          file_sha256: sha256(det(1).file),
          box_x: '0',
          box_y: '0',
          box_w: '1',
          box_h: '1',
          detector: 'whole-frame',
          detector_confidence: '',
          score_fused: '0.8',
          score_threshold: '',
          'score_builtin-stripes': '0.8',
          score_megadescriptor: '',
          model_versions: '',
          verdict: 'match',
          reviewer: "'+Ranger",
          decided_at: decisionOf(core, det(1).detectionId).decided_at,
          notes: "'=cmd|x",
          detection_id: String(det(1).detectionId),
          decision_id: String(decisionOf(core, det(1).detectionId).id),
        },
        {
          individual_code: 'T-0002',
          individual_name: `'=HYPERLINK("x")`,
          flank: 'unknown',
          station: "'@Valley",
          captured_at: '2021-04-11T20:43:13',
          latitude: '',
          longitude: '',
          file: det(6).file,
          file_sha256: sha256(det(6).file),
          box_x: '0',
          box_y: '0',
          box_w: '1',
          box_h: '1',
          detector: 'whole-frame',
          detector_confidence: '',
          score_fused: '',
          score_threshold: '',
          'score_builtin-stripes': '',
          score_megadescriptor: '',
          model_versions: '',
          verdict: 'new-individual',
          reviewer: 'Test Ranger',
          decided_at: decisionOf(core, det(6).detectionId).decided_at,
          notes: "'-note",
          detection_id: String(det(6).detectionId),
          decision_id: String(decisionOf(core, det(6).detectionId).id),
        },
      ]);
      // RFC 4180 quoting of the note with a comma and quotes, as written on disk.
      expect(readFileSync(file, 'utf8')).toContain(',"first, ""clear"" flank",');
    });

    it('applies the sighting filter: station, and capture dates', () => {
      const byStation = join(out.path, 'valley.csv');
      const valley = findStation(core, '@Valley');
      expect(exportSightingsCsv(core, byStation, { filter: { stationId: valley.id } }).rows).toBe(1);
      expect(readCsv(byStation).rows.map((r) => r.detection_id)).toEqual([String(det(6).detectionId)]);
      // The model columns follow what is exported: none of these sightings has per-model scores.
      expect(readCsv(byStation).header).toEqual([...SIGHTING_HEADER_START, ...SIGHTING_HEADER_END]);

      const none = join(out.path, 'none.csv');
      expect(exportSightingsCsv(core, none, { filter: { from: '2021-04-12' } }).rows).toBe(0);
      expect(readFileSync(none, 'utf8')).toBe(
        `${[...SIGHTING_HEADER_START, ...SIGHTING_HEADER_END].join(',')}\n`,
      );
    });

    it('writes one row per individual with counts, flanks, first/last seen and stations', () => {
      const file = join(out.path, 'individuals.csv');
      expect(exportIndividualsCsv(core, file)).toEqual({ file, rows: 2, warnings: [] });
      const { header, rows } = readCsv(file);
      expect(header).toEqual(['code', 'name', 'sightings', 'flanks', 'first_seen', 'last_seen', 'stations']);
      expect(rows).toEqual([
        {
          code: 'T-0001',
          name: '',
          sightings: '2',
          flanks: 'left;unknown',
          first_seen: '2021-04-11T20:43:09',
          last_seen: '2021-04-11T20:43:10',
          stations: 'North Ridge',
        },
        {
          code: 'T-0002',
          name: `'=HYPERLINK("x")`,
          sightings: '1',
          flanks: 'unknown',
          first_seen: '2021-04-11T20:43:13',
          last_seen: '2021-04-11T20:43:13',
          stations: "'@Valley",
        },
      ]);
    });

    it('never replaces a file unless allowed, and only writes .csv files', () => {
      const file = join(out.path, 'sightings.csv');
      expect(() => exportSightingsCsv(core, file)).toThrow(
        expect.objectContaining({ code: 'OUTPUT_EXISTS' }),
      );
      expect(exportSightingsCsv(core, file, { overwrite: true }).rows).toBe(3);
      expect(() => exportIndividualsCsv(core, join(out.path, 'individuals.txt'))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    });

    it('exports through `tigerid export csv` with --station and --individuals, printing counts as JSON', async () => {
      const sightings = cliContext(core, { json: true });
      const file = join(out.path, 'cli-north.csv');
      await exportCommand.run(sightings.ctx, {
        positionals: ['csv', file],
        values: { station: 'North Ridge', from: '2021-04-11', to: '2021-04-11' },
      });
      expect(JSON.parse(sightings.io.stdout)).toEqual({ file, rows: 2, warnings: [] });

      const individuals = cliContext(core);
      await exportCommand.run(individuals.ctx, {
        positionals: ['csv', join(out.path, 'cli-individuals.csv')],
        values: { individuals: true },
      });
      expect(individuals.io.stdout).toBe(
        `Wrote 2 individual(s) to ${join(out.path, 'cli-individuals.csv')}.\n`,
      );

      await expect(
        exportCommand.run(individuals.ctx, {
          positionals: ['csv', join(out.path, 'x.csv')],
          values: { individuals: true, station: 'North Ridge' },
        }),
      ).rejects.toThrow('--station do(es) not apply to "export csv --individuals"');
    });

    it('hands `tigerid export camtrap-dp` options to the Camtrap DP exporter and prints its counts', async () => {
      // Camtrap DP deployments need coordinates: give the second station some too.
      updateStation(core, '@Valley', { latitude: -7.3, longitude: 112.6 });
      const folder = join(out.path, 'camtrap');
      const { ctx, io } = cliContext(core, { json: true });
      await exportCommand.run(ctx, {
        positionals: ['camtrap-dp', folder],
        values: { 'utc-offset': '+07:00' },
      });
      // 2 stations, the 10 photos taken there, one observation per standing sighting (3), one event-level
      // observation per individual and encounter (2), and one `unknown` per whole-frame photo nobody decided on (6).
      expect(JSON.parse(io.stdout)).toMatchObject({ folder, deployments: 2, media: 10, observations: 11 });
      expect(readFileSync(join(folder, 'datapackage.json'), 'utf8')).toContain('"deployments"');

      await expect(
        exportCommand.run(ctx, { positionals: ['camtrap-dp', folder], values: { 'occasion-days': '2' } }),
      ).rejects.toThrow('--occasion-days do(es) not apply to "export camtrap-dp"');
    });
  },
);

describe('spreadsheet formula guard', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+49 151', "'+49 151"],
    ['-7.25', "'-7.25"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=b', 'a=b'],
    ['Ridge 2', 'Ridge 2'],
    ['', ''],
  ])('guards the text cell %j as %j', (text, expected) => {
    expect(spreadsheetSafe(text)).toBe(expected);
  });
});
