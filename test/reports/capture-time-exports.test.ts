import { chmodSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../electron/cli/commands/export';
import { parseCsv } from '../../electron/core/csv';
import { editCaptureTimes, undoCaptureTimeEdit } from '../../electron/core/gallery/capture-times';
import { exportCamtrapDp } from '../../electron/core/reports/camtrap-dp/export';
import { importCamtrapDp } from '../../electron/core/reports/camtrap-dp/import';
import { exportSightingsCsv } from '../../electron/core/reports/csv-export';
import { cliContext } from '../support/cli-context';
import {
  CAMTRAP_EXAMPLE_DIR,
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
  confirm,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

type Core = ReturnType<typeof tempCore>;
type Row = Record<string, string>;

function readTable(dir: string, file: string): Row[] {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'), file);
  return rows.map((r) => Object.fromEntries(header!.fields.map((name, i) => [name, r.fields[i] ?? ''])));
}

function addStation(core: Core, name: string): number {
  return Number(
    core.db
      .prepare('INSERT INTO stations (name, latitude, longitude, created_at) VALUES (?, 29.5, 78.7, ?)')
      .run(name, '2024-01-01T00:00:00Z').lastInsertRowid,
  );
}

/** A frame with one whole-frame detection; returns the detection. */
function addFrame(core: Core, path: string, stationId: number, capturedAt: string | null): number {
  const media = core.db
    .prepare(
      `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
       VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?, ?, '2024-01-01T00:00:00Z')`,
    )
    .run(path.padEnd(64, '0'), path, path.split('/').at(-1), capturedAt, stationId);
  return Number(
    core.db
      .prepare(
        `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, created_at)
         VALUES (?, 0, 0, 1, 1, NULL, 'whole-frame', '2024-01-01T00:00:00Z')`,
      )
      .run(media.lastInsertRowid).lastInsertRowid,
  );
}

const fix = (station: string) =>
  `set it on the Stations page ("Fix clock") or with \`tigerid stations set-time "${station}" --at YYYY-MM-DDThh:mm:ss\``;

/**
 * Every export says how many frames it left out for want of a capture time, per station, with the fix; once the
 * frames get a time (a clock fix), they are exported like any other.
 */
describe('exports and frames without a capture time', () => {
  let core: Core;
  let out: ReturnType<typeof tempDir>;
  beforeAll(() => {
    core = tempCore(() => new Date('2024-06-01T12:00:00Z'));
    out = tempDir('tigerid-undated-exports-');
    const ridge = addStation(core, 'Ridge');
    const valley = addStation(core, 'Valley');
    const r1 = addFrame(core, '/photos/ridge/IMG_0001.JPG', ridge, '2024-03-02T10:00:00');
    const r2 = addFrame(core, '/photos/ridge/IMG_0002.JPG', ridge, null);
    const r3 = addFrame(core, '/photos/ridge/IMG_0003.JPG', ridge, null);
    const v1 = addFrame(core, '/photos/valley/IMG_0001.JPG', valley, '2024-03-03T08:00:00');
    const v2 = addFrame(core, '/photos/valley/IMG_0002.JPG', valley, null);
    confirm(core, r1, null);
    confirm(core, r2, 'T-0001');
    confirm(core, r3, 'T-0001');
    confirm(core, v1, null);
    confirm(core, v2, 'T-0002');
  });
  afterAll(() => {
    core?.cleanup();
    out?.cleanup();
  });

  it('Camtrap DP: names each station’s undated frames and the fix, in the result and on the command line', async () => {
    const result = await exportCamtrapDp(core, join(out.path, 'dp'), { utcOffset: '+05:30' });
    expect(result.media).toBe(2);
    expect(result.warnings).toContain(
      `2 frames of station "Ridge" have no capture time and were left out (with their sightings: Camtrap DP requires a timestamp for every media file): ${fix('Ridge')}.`,
    );
    expect(result.warnings).toContain(
      `1 frame of station "Valley" has no capture time and was left out (with their sightings: Camtrap DP requires a timestamp for every media file): ${fix('Valley')}.`,
    );

    const cli = cliContext(core);
    await exportCommand.run(cli.ctx, {
      positionals: ['camtrap-dp', join(out.path, 'dp-cli')],
      values: { 'utc-offset': '+05:30' },
    });
    expect(cli.log.lines).toContain(
      `warn: 2 frames of station "Ridge" have no capture time and were left out (with their sightings: Camtrap DP requires a timestamp for every media file): ${fix('Ridge')}.`,
    );
  });

  it('CSV: says how many undated sightings a from/to filter cannot place; without one they are written', async () => {
    const filtered = exportSightingsCsv(core, join(out.path, 'march.csv'), {
      filter: { from: '2024-03-01', to: '2024-03-31' },
    });
    expect(filtered.rows).toBe(2);
    expect(filtered.warnings).toEqual([
      `2 sightings were left out (the from/to dates cannot tell whether they fall in the period): their 2 frames of station "Ridge" have no capture time; ${fix('Ridge')}.`,
      `1 sighting was left out (the from/to dates cannot tell whether they fall in the period): its frame of station "Valley" has no capture time; ${fix('Valley')}.`,
    ]);
    const all = exportSightingsCsv(core, join(out.path, 'all.csv'));
    expect(all).toMatchObject({ rows: 5, warnings: [] });

    const cli = cliContext(core);
    await exportCommand.run(cli.ctx, {
      positionals: ['csv', join(out.path, 'march-cli.csv')],
      values: { from: '2024-03-01', to: '2024-03-31' },
    });
    expect(cli.io.stdout).toContain('Wrote 2 sighting(s)');
    expect(cli.log.lines.filter((l) => l.startsWith('warn: '))).toHaveLength(2);
  });

  it('exports the frames once they have a time, and leaves them out again after an undo', async () => {
    const edit = editCaptureTimes(
      core,
      { scope: { station: 'Ridge' }, change: { kind: 'set', start: '2024-03-04T06:00:00', stepSeconds: 60 } },
      'Asha',
    );
    const after = await exportCamtrapDp(core, join(out.path, 'dp-fixed'), { utcOffset: '+05:30' });
    expect(after.media).toBe(4);
    expect(after.warnings.filter((w) => w.includes('"Ridge"'))).toEqual([]);
    const media = readTable(join(out.path, 'dp-fixed'), 'media.csv').map((r) => [r.fileName, r.timestamp]);
    expect(media).toContainEqual(['IMG_0002.JPG', '2024-03-04T06:00:00+05:30']);
    expect(media).toContainEqual(['IMG_0003.JPG', '2024-03-04T06:01:00+05:30']);
    const csv = exportSightingsCsv(core, join(out.path, 'march-fixed.csv'), {
      filter: { from: '2024-03-01', to: '2024-03-31' },
    });
    expect(csv.rows).toBe(4);

    undoCaptureTimeEdit(core, 'Asha', edit.editId);
    const undone = await exportCamtrapDp(core, join(out.path, 'dp-undone'), { utcOffset: '+05:30' });
    expect(undone.media).toBe(2);
  });
});

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

describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `a clock fix on photos imported from a Camtrap DP package (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    let core: Core;
    let work: ReturnType<typeof tempDir>;
    beforeAll(async () => {
      core = tempCore(() => new Date('2024-06-01T12:00:00Z'));
      work = tempDir('tigerid-clock-camtrap-');
      await importCamtrapDp(core, copyExample(join(work.path, 'pkg')));
    }, 120_000);
    afterAll(() => {
      core?.cleanup();
      work?.cleanup();
    });

    it('moves the re-exported timestamps of the shifted photos, keeping the package’s zone, and undo moves them back', async () => {
      const station = core.db
        .prepare(
          `SELECT s.name, r.source_id FROM media m JOIN stations s ON s.id = m.station_id
             JOIN camtrap_records r ON r.kind = 'deployment' AND r.station_id = s.id LIMIT 1`,
        )
        .get() as { name: string; source_id: string };
      const before = await exportCamtrapDp(core, join(work.path, 'before'));
      const stamps = (dir: string) =>
        readTable(dir, 'media.csv')
          .filter((r) => r.deploymentID === station.source_id && !/^https?:/.test(r.filePath ?? ''))
          .map((r) => `${r.mediaID} ${r.timestamp}`)
          .sort();
      const original = stamps(join(work.path, 'before'));
      expect(original.length).toBeGreaterThan(0);
      expect(before.warnings.join('\n')).not.toMatch(/no capture time/);

      const edit = editCaptureTimes(
        core,
        { scope: { station: station.name }, change: { kind: 'shift', by: '+01:00:00' } },
        'Asha',
      );
      expect(edit.frames).toBe(original.length);
      await exportCamtrapDp(core, join(work.path, 'shifted'));
      const hourLater = (line: string) => {
        const [id, time] = line.split(' ') as [string, string];
        const zone = time.slice(19);
        const moved = new Date(Date.parse(`${time.slice(0, 19)}Z`) + 3_600_000).toISOString().slice(0, 19);
        return `${id} ${moved}${zone}`;
      };
      expect(stamps(join(work.path, 'shifted'))).toEqual(original.map(hourLater).sort());

      undoCaptureTimeEdit(core, 'Asha');
      await exportCamtrapDp(core, join(work.path, 'undone'));
      expect(stamps(join(work.path, 'undone'))).toEqual(original);
    });
  },
);
