import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/context';
import { runCli } from '../support/run-cli';

/**
 * `tigerid stations shift-time / set-time / undo-time / time-edits` through the real argument parser, on a
 * gallery in a temp data folder: what a user types, what they read back, and the exit codes.
 */
describe('tigerid stations: camera clocks', () => {
  let dataDir: string;
  const times = () => {
    const core = openCore({ dataDir });
    try {
      return core.db.prepare('SELECT file_name, captured_at FROM media ORDER BY file_name').all();
    } finally {
      core.close();
    }
  };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tigerid-cli-clock-'));
    const core = openCore({ dataDir });
    const station = core.db
      .prepare("INSERT INTO stations (name, created_at) VALUES ('Ridge 2', '2024-01-01T00:00:00Z')")
      .run().lastInsertRowid;
    const add = core.db.prepare(
      `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
       VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?, ?, '2024-01-01T00:00:00Z')`,
    );
    add.run('a'.repeat(64), '/cam/ridge/A.JPG', 'A.JPG', '2023-03-02T10:00:00', station);
    add.run('b'.repeat(64), '/cam/ridge/B.JPG', 'B.JPG', '2023-03-05T23:30:00', station);
    add.run('c'.repeat(64), '/cam/ridge/C.JPG', 'C.JPG', null, station);
    core.close();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shifts a station’s clock, lists the edit, and undoes it', async () => {
    const dry = await runCli([
      'stations',
      'shift-time',
      'Ridge 2',
      '--by=-01:00:00',
      '--dry-run',
      '--data',
      dataDir,
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Would shift 2 frames of the station "Ridge 2" by -01:00:00 \(dry run\)\.\n/);
    expect(dry.stdout).toMatch(/before\s+2023-03-02T10:00:00\s+2023-03-05T23:30:00/);
    expect(dry.stdout).toMatch(/after\s+2023-03-02T09:00:00\s+2023-03-05T22:30:00/);
    expect(dry.stderr).toContain(
      '1 frame(s) have no capture time, so a shift cannot move them: give them one with "tigerid stations set-time".',
    );
    expect(times()).toContainEqual({ file_name: 'A.JPG', captured_at: '2023-03-02T10:00:00' });

    const shifted = await runCli(
      ['stations', 'shift-time', 'Ridge', '2', '--by', '+1y', '--reviewer', 'Asha', '--data', dataDir],
      {},
    );
    expect(shifted.code).toBe(0);
    expect(shifted.stdout.split('\n')[0]).toBe(
      'Shifted 2 frames of the station "Ridge 2" by +1y (edit 1; "tigerid stations undo-time 1" reverts it).',
    );
    expect(times()).toEqual([
      { file_name: 'A.JPG', captured_at: '2024-03-02T10:00:00' },
      { file_name: 'B.JPG', captured_at: '2024-03-05T23:30:00' },
      { file_name: 'C.JPG', captured_at: null },
    ]);

    const set = await runCli([
      'stations',
      'set-time',
      '--folder',
      '/cam/ridge',
      '--at',
      '2024-03-06T05:00:00',
      '--data',
      dataDir,
      '--json',
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      editId: 2,
      kind: 'set',
      scope: 'folder /cam/ridge',
      frames: 1,
      after: { first: '2024-03-06T05:00:00', last: '2024-03-06T05:00:00' },
      unchanged: { withTime: 2 },
    });

    const list = await runCli(['stations', 'time-edits', '--data', dataDir]);
    expect(list.stdout).toMatch(/^edit\s+made\s+by\s+frames\s+change\s+undone\n/);
    expect(list.stdout).toMatch(
      /\n1\s+2\S+\s+Asha\s+2\s+Shifted 2 frames of the station "Ridge 2" by \+1y\s+-\n/,
    );

    // The older edit can be undone first: the newer one changed other frames.
    const undo = await runCli(['stations', 'undo-time', '1', '--data', dataDir]);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toBe(
      'Undid capture time edit 1: Shifted 2 frames of the station "Ridge 2" by +1y. 2 frame(s) have their previous time again.\n',
    );
    expect(times()).toEqual([
      { file_name: 'A.JPG', captured_at: '2023-03-02T10:00:00' },
      { file_name: 'B.JPG', captured_at: '2023-03-05T23:30:00' },
      { file_name: 'C.JPG', captured_at: '2024-03-06T05:00:00' },
    ]);
    const twice = await runCli(['stations', 'undo-time', '1', '--data', dataDir]);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain('Capture time edit 1 was already undone');
  });

  it('explains a missing or unreadable offset, and the negative-value spelling', async () => {
    const none = await runCli(['stations', 'shift-time', 'Ridge 2', '--data', dataDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('"stations shift-time" needs --by, such as --by=+1y or --by=-01:00:00');
    const both = await runCli([
      'stations',
      'set-time',
      'Ridge 2',
      '--folder',
      '/cam',
      '--at',
      '2024-01-01T00:00:00',
      '--data',
      dataDir,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('"stations set-time" takes a station name or --folder, not both');
    const bad = await runCli(['stations', 'shift-time', 'Ridge 2', '--by', 'soon', '--data', dataDir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Expected a clock offset such as "+1y", "-01:00:00"');
    expect(times()).toContainEqual({ file_name: 'A.JPG', captured_at: '2023-03-02T10:00:00' });
  });
});
