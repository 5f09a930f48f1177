import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/cli/command';
import { stationsCommand } from '../../electron/cli/commands/stations';
import { EngineError } from '../../electron/core/errors';
import { findStation, listStations, updateStation } from '../../electron/core/gallery/stations';
import { InvalidArgument } from '../../electron/core/validate';
import { cliContext } from '../support/cli-context';
import { tempCore } from '../support/temp-core';

type Core = ReturnType<typeof tempCore>;

function addStation(core: Core, name: string): number {
  return Number(
    core.db.prepare('INSERT INTO stations (name, created_at) VALUES (?, ?)').run(name, '2024-01-01T00:00:00Z')
      .lastInsertRowid,
  );
}

function addPhoto(core: Core, key: string, stationId: number, capturedAt: string | null): void {
  core.db
    .prepare(
      `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
       VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?, ?, '2024-01-01T00:00:00Z')`,
    )
    .run(key.padEnd(64, '0'), `/photos/${key}.jpg`, `${key}.jpg`, capturedAt, stationId);
}

describe('stations', () => {
  let core: Core;
  let ridge: number;
  beforeEach(() => {
    core = tempCore();
    ridge = addStation(core, 'Ridge 2');
    addStation(core, 'Bamboo Gully');
    addPhoto(core, 'a', ridge, '2024-03-02T10:00:00');
    addPhoto(core, 'b', ridge, '2024-03-09T23:10:00');
    addPhoto(core, 'c', ridge, '2024-03-05T06:00:00');
    addPhoto(core, 'd', ridge, null);
  });
  afterEach(() => core.cleanup());

  it('lists every station by name with photo counts and first/last capture time', () => {
    expect(listStations(core)).toEqual([
      {
        id: expect.any(Number),
        name: 'Bamboo Gully',
        latitude: null,
        longitude: null,
        operationStart: null,
        operationEnd: null,
        photos: 0,
        undatedPhotos: 0,
        firstPhotoAt: null,
        lastPhotoAt: null,
      },
      {
        id: ridge,
        name: 'Ridge 2',
        latitude: null,
        longitude: null,
        operationStart: null,
        operationEnd: null,
        photos: 4,
        undatedPhotos: 1,
        firstPhotoAt: '2024-03-02T10:00:00',
        lastPhotoAt: '2024-03-09T23:10:00',
      },
    ]);
  });

  it('sets coordinates and operation dates, keeps omitted fields, clears with null, and counts photos outside', () => {
    const first = updateStation(core, 'Ridge 2', {
      latitude: -7.25,
      longitude: 112.5,
      operationStart: '2024-03-03',
      operationEnd: '2024-03-08',
    });
    // 03-02 and 03-09 lie outside 03-03..03-08; the undated photo cannot be judged.
    expect(first.photosOutsideOperation).toBe(2);
    expect(first.station).toMatchObject({
      latitude: -7.25,
      longitude: 112.5,
      operationStart: '2024-03-03',
      operationEnd: '2024-03-08',
    });

    const second = updateStation(core, 'Ridge 2', { operationEnd: '2024-03-09' });
    expect(second.photosOutsideOperation).toBe(1);
    expect(second.station).toMatchObject({
      latitude: -7.25,
      operationStart: '2024-03-03',
      operationEnd: '2024-03-09',
    });

    const cleared = updateStation(core, 'Ridge 2', { latitude: null, longitude: null, operationStart: null });
    expect(cleared.station).toMatchObject({
      latitude: null,
      longitude: null,
      operationStart: null,
      operationEnd: '2024-03-09',
    });
    expect(cleared.photosOutsideOperation).toBe(0);
    expect(findStation(core, 'Ridge 2')).toEqual(cleared.station);
  });

  it.each([
    [
      { latitude: 90.5, longitude: 10 },
      /latitude: expected a latitude between -90 and 90 \(decimal degrees\)/,
    ],
    [
      { latitude: 10, longitude: -180.01 },
      /longitude: expected a longitude between -180 and 180 \(decimal degrees\)/,
    ],
    [{ latitude: 10 }, /longitude: latitude and longitude are set together/],
    [{ operationStart: '2024-02-30' }, /operationStart: is not a day of the calendar/],
    [{ operationEnd: '03/01/2024' }, /operationEnd: must be a date written YYYY-MM-DD, such as 2024-03-01/],
    [{ operationStrat: '2024-03-01' }, /Unrecognized key: "operationStrat"/],
  ])('rejects %j with a message naming the field', (patch, message) => {
    const call = () => updateStation(core, 'Ridge 2', patch as never);
    expect(call).toThrow(InvalidArgument);
    expect(call).toThrow(message);
  });

  it('refuses a start after the end, also against the stored value', () => {
    expect(() =>
      updateStation(core, 'Ridge 2', { operationStart: '2024-03-09', operationEnd: '2024-03-01' }),
    ).toThrow(
      new RangeError(
        'Expected the operation start of station "Ridge 2" on or before its end, but received start 2024-03-09 and end 2024-03-01',
      ),
    );
    updateStation(core, 'Ridge 2', { operationEnd: '2024-03-05' });
    expect(() => updateStation(core, 'Ridge 2', { operationStart: '2024-03-06' })).toThrow(RangeError);
    expect(findStation(core, 'Ridge 2').operationStart).toBeNull();
  });

  it('names the known stations when one is unknown', () => {
    try {
      updateStation(core, 'Ridge 3', { operationStart: '2024-03-01' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('NOT_FOUND');
      expect((error as EngineError).message).toBe(
        'No station "Ridge 3" in the gallery (stations: Bamboo Gully, Ridge 2).',
      );
    }
  });

  describe('tigerid stations', () => {
    it('prints a table, and the same stations as JSON with --json', async () => {
      updateStation(core, 'Ridge 2', { latitude: -7.25, longitude: 112.5, operationStart: '2024-03-01' });
      const table = cliContext(core);
      expect(await stationsCommand.run(table.ctx, { positionals: [], values: {} })).toBeUndefined();
      const lines = table.io.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(
        /^station\s+latitude\s+longitude\s+operated from\s+to\s+photos\s+no time\s+first photo\s+last photo$/,
      );
      expect(lines[1]).toMatch(/^Bamboo Gully\s+-\s+-\s+-\s+-\s+0\s+0\s+-\s+-$/);
      expect(lines[2]).toMatch(
        /^Ridge 2\s+-7\.25\s+112\.5\s+2024-03-01\s+-\s+4\s+1\s+2024-03-02T10:00:00\s+2024-03-09T23:10:00$/,
      );

      const json = cliContext(core, { json: true });
      await stationsCommand.run(json.ctx, { positionals: ['list'], values: {} });
      expect(JSON.parse(json.io.stdout)).toEqual(listStations(core));
    });

    it('sets a station from --lat=/--lon=/--start/--end, warns about photos outside, and clears with "none"', async () => {
      const set = cliContext(core);
      await stationsCommand.run(set.ctx, {
        positionals: ['set', 'Ridge', '2'],
        values: { lat: '-7.25', lon: '112.5', start: '2024-03-03', end: '2024-03-09' },
      });
      expect(set.io.stdout).toBe('Station "Ridge 2": at -7.25, 112.5, operating 2024-03-03 to 2024-03-09.\n');
      expect(set.log.lines).toEqual([
        'warn: 1 photo(s) of "Ridge 2" were taken outside these operation dates; capture histories will leave them out.',
      ]);

      const clear = cliContext(core);
      await stationsCommand.run(clear.ctx, {
        positionals: ['set', 'Ridge 2'],
        values: { start: 'none', lat: 'none', lon: 'none' },
      });
      expect(clear.io.stdout).toBe(
        'Station "Ridge 2": no coordinates, operating (first photo) to 2024-03-09.\n',
      );
    });

    it('treats a malformed coordinate, a missing name or no change as usage errors', async () => {
      const { ctx } = cliContext(core);
      await expect(
        stationsCommand.run(ctx, { positionals: ['set', 'Ridge 2'], values: { lat: '7,25', lon: '1' } }),
      ).rejects.toThrow(
        new UsageError('--lat takes decimal degrees such as --lat=-7.25 (or "none"), got "7,25"'),
      );
      await expect(stationsCommand.run(ctx, { positionals: ['set'], values: {} })).rejects.toThrow(
        UsageError,
      );
      await expect(stationsCommand.run(ctx, { positionals: ['set', 'Ridge 2'], values: {} })).rejects.toThrow(
        '"stations set" needs at least one of --lat/--lon, --start, --end',
      );
      await expect(stationsCommand.run(ctx, { positionals: ['move'], values: {} })).rejects.toThrow(
        'unknown action "move"',
      );
    });
  });
});
