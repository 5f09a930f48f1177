import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  editCaptureTimes,
  formatClockOffset,
  listCaptureTimeEdits,
  parseClockOffset,
  previewCaptureTimes,
  shiftCaptureTime,
  undoCaptureTimeEdit,
} from '../../electron/core/gallery/capture-times';
import { listStations } from '../../electron/core/gallery/stations';
import { InvalidArgument } from '../../electron/core/validate';
import { tempCore } from '../support/temp-core';

type Core = ReturnType<typeof tempCore>;

function addStation(core: Core, name: string): number {
  return Number(
    core.db.prepare('INSERT INTO stations (name, created_at) VALUES (?, ?)').run(name, '2024-01-01T00:00:00Z')
      .lastInsertRowid,
  );
}

function addFrame(core: Core, path: string, stationId: number | null, capturedAt: string | null): number {
  return Number(
    core.db
      .prepare(
        `INSERT INTO media (sha256, path, file_name, byte_size, width, height, format, captured_at, station_id, imported_at)
         VALUES (?, ?, ?, 1, 100, 100, 'jpeg', ?, ?, '2024-01-01T00:00:00Z')`,
      )
      .run(path.padEnd(64, '0'), path, path.split('/').at(-1), capturedAt, stationId).lastInsertRowid,
  );
}

const timeOf = (core: Core, mediaId: number) =>
  core.db.prepare('SELECT captured_at FROM media WHERE id = ?').pluck().get(mediaId) as string | null;

function caught(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('clock offsets', () => {
  it('reads offsets people write, and writes them back the same way', () => {
    expect(parseClockOffset('+1y 2d 03:00:00')).toEqual({
      sign: 1,
      years: 1,
      seconds: 2 * 86_400 + 3 * 3600,
    });
    expect(parseClockOffset('-00:30:00')).toEqual({ sign: -1, years: 0, seconds: 1800 });
    expect(parseClockOffset('+90m')).toEqual({ sign: 1, years: 0, seconds: 5400 });
    expect(parseClockOffset('-1:30')).toEqual({ sign: -1, years: 0, seconds: 5400 });
    expect(parseClockOffset('3600')).toEqual({ sign: 1, years: 0, seconds: 3600 });
    expect(parseClockOffset(-7200)).toEqual({ sign: -1, years: 0, seconds: 7200 });
    expect(formatClockOffset(parseClockOffset('+1y 2d 03:00:00'))).toBe('+1y 2d 03:00:00');
    expect(formatClockOffset(parseClockOffset('-5400'))).toBe('-01:30:00');
    expect(formatClockOffset(parseClockOffset('1y'))).toBe('+1y');
  });

  it('refuses offsets it cannot read, or that move nothing, naming what it received', () => {
    expect(() => parseClockOffset('one hour')).toThrow(
      new RangeError(
        'Expected a clock offset such as "+1y", "-01:00:00", "+1y 2d 03:00:00", "+90m" or a number of seconds such as -3600, but received "one hour"',
      ),
    );
    expect(() => parseClockOffset('+00:00:00')).toThrow(
      new RangeError('Expected a clock offset that moves the time, but received "+00:00:00"'),
    );
    expect(() => parseClockOffset('+1h 3600')).toThrow(RangeError);
    expect(() => parseClockOffset(0)).toThrow(RangeError);
  });

  it('moves the wall clock, keeping the zone and the fraction, and years on the calendar', () => {
    expect(shiftCaptureTime('2023-03-05T23:30:00', parseClockOffset('+01:00:00'))).toBe(
      '2023-03-06T00:30:00',
    );
    expect(shiftCaptureTime('2023-03-05T10:00:00.25+05:30', parseClockOffset('-1d'))).toBe(
      '2023-03-04T10:00:00.25+05:30',
    );
    expect(shiftCaptureTime('2020-05-30T02:57:37Z', parseClockOffset('+1y'))).toBe('2021-05-30T02:57:37Z');
    // 29 Feb plus a year is the last day of February, not 1 March.
    expect(shiftCaptureTime('2024-02-29T12:00:00', parseClockOffset('+1y'))).toBe('2025-02-28T12:00:00');
    expect(shiftCaptureTime('2025-03-01T00:00:00', parseClockOffset('-1y 00:00:01'))).toBe(
      '2024-02-29T23:59:59',
    );
    expect(() => shiftCaptureTime('1970-01-01T00:00:00', parseClockOffset('-1d'))).toThrow(
      /between 1970 and 9999, but -1d moves "1970-01-01T00:00:00" to the year 1969/,
    );
  });
});

describe('capture time edits', () => {
  let core: Core;
  let ridge: number;
  let valley: number;
  const frames: Record<string, number> = {};
  beforeEach(() => {
    core = tempCore(() => new Date('2024-06-01T12:00:00Z'));
    ridge = addStation(core, 'Ridge');
    valley = addStation(core, 'Valley');
    frames.r1 = addFrame(core, '/photos/ridge/IMG_0001.JPG', ridge, '2023-03-02T10:00:00');
    frames.r2 = addFrame(core, '/photos/ridge/IMG_0002.JPG', ridge, '2023-03-05T23:30:00');
    frames.r3 = addFrame(core, '/photos/ridge/IMG_0003.JPG', ridge, '2023-03-09T06:00:00+05:30');
    frames.r4 = addFrame(core, '/photos/ridge/IMG_0004.JPG', ridge, null);
    frames.v1 = addFrame(core, '/photos/valley/IMG_0002.JPG', valley, null);
    frames.v2 = addFrame(core, '/photos/valley/IMG_0001.JPG', valley, null);
    frames.v3 = addFrame(core, '/photos/valley/IMG_0003.JPG', valley, '2024-03-01T08:00:00');
  });
  afterEach(() => core.cleanup());

  const shiftRidge = { scope: { station: 'Ridge' }, change: { kind: 'shift', by: '+1y' } } as const;

  it('previews a shift of a station: frames, first and last before and after, and what it leaves', () => {
    expect(previewCaptureTimes(core, shiftRidge)).toEqual({
      kind: 'shift',
      scope: 'station "Ridge"',
      summary: 'Shift 3 frames of the station "Ridge" by +1y',
      frames: 3,
      before: { first: '2023-03-02T10:00:00', last: '2023-03-09T06:00:00+05:30' },
      after: { first: '2024-03-02T10:00:00', last: '2024-03-09T06:00:00+05:30' },
      outsideOperation: 0,
      unchanged: { withoutTime: 1, outsideRange: 0, withTime: 0 },
    });
    // A preview writes nothing.
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T10:00:00');
    expect(listCaptureTimeEdits(core)).toEqual([]);
  });

  it('shifts every dated frame of a station as one recorded edit, and the station list follows', () => {
    const edit = editCaptureTimes(core, shiftRidge, 'Asha');
    expect(edit).toMatchObject({
      editId: 1,
      summary: 'Shifted 3 frames of the station "Ridge" by +1y',
      frames: 3,
      reviewer: 'Asha',
      madeAt: '2024-06-01T12:00:00.000Z',
      undoneAt: null,
    });
    expect(timeOf(core, frames.r1 as number)).toBe('2024-03-02T10:00:00');
    expect(timeOf(core, frames.r2 as number)).toBe('2024-03-05T23:30:00');
    expect(timeOf(core, frames.r3 as number)).toBe('2024-03-09T06:00:00+05:30');
    expect(timeOf(core, frames.r4 as number)).toBeNull();
    expect(timeOf(core, frames.v3 as number)).toBe('2024-03-01T08:00:00');
    // Each frame's previous time is kept with the edit: the imported (EXIF) time is never lost.
    expect(
      core.db
        .prepare(
          'SELECT media_id, previous_at, new_at FROM capture_time_edit_media WHERE edit_id = 1 ORDER BY media_id',
        )
        .all(),
    ).toEqual([
      { media_id: frames.r1, previous_at: '2023-03-02T10:00:00', new_at: '2024-03-02T10:00:00' },
      { media_id: frames.r2, previous_at: '2023-03-05T23:30:00', new_at: '2024-03-05T23:30:00' },
      { media_id: frames.r3, previous_at: '2023-03-09T06:00:00+05:30', new_at: '2024-03-09T06:00:00+05:30' },
    ]);
    expect(listStations(core).find((s) => s.name === 'Ridge')).toMatchObject({
      photos: 4,
      undatedPhotos: 1,
      firstPhotoAt: '2024-03-02T10:00:00',
      lastPhotoAt: '2024-03-09T06:00:00+05:30',
    });
    expect(listCaptureTimeEdits(core)).toEqual([edit]);
  });

  it('counts the frames a shift moves outside their station’s operation dates', () => {
    core.db
      .prepare(
        "UPDATE stations SET operation_start = '2023-03-01', operation_end = '2023-03-31' WHERE id = ?",
      )
      .run(ridge);
    expect(previewCaptureTimes(core, shiftRidge).outsideOperation).toBe(3);
    const edit = editCaptureTimes(
      core,
      { scope: { station: 'Ridge' }, change: { kind: 'shift', by: '+27d' } },
      'Asha',
    );
    // 03-02 + 27 d = 03-29 stays in; 03-05 and 03-09 move into April.
    expect(edit.outsideOperation).toBe(2);
    expect(listCaptureTimeEdits(core)[0]?.outsideOperation).toBe(2);
  });

  it('shifts only the frames inside a from/to range (a date alone covers the whole day)', () => {
    const edit = editCaptureTimes(
      core,
      {
        scope: { station: 'Ridge' },
        change: { kind: 'shift', by: '-00:30:00', from: '2023-03-05', to: '2023-03-05' },
      },
      'Asha',
    );
    expect(edit.frames).toBe(1);
    expect(edit.unchanged).toEqual({ withoutTime: 1, outsideRange: 2, withTime: 0 });
    expect(edit.summary).toBe(
      'Shifted 1 frame of the station "Ridge" captured 2023-03-05 to 2023-03-05 by -00:30:00',
    );
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T10:00:00');
    expect(timeOf(core, frames.r2 as number)).toBe('2023-03-05T23:00:00');
    expect(timeOf(core, frames.r3 as number)).toBe('2023-03-09T06:00:00+05:30');
  });

  it('gives frames without a time one, in file-name order and a step apart, leaving timed frames alone', () => {
    const edit = editCaptureTimes(
      core,
      {
        scope: { station: 'Valley' },
        change: { kind: 'set', start: '2024-02-28T23:59:50', stepSeconds: 15 },
      },
      'Asha',
    );
    expect(edit).toMatchObject({
      kind: 'set',
      frames: 2,
      before: { first: null, last: null },
      after: { first: '2024-02-28T23:59:50', last: '2024-02-29T00:00:05' },
      unchanged: { withoutTime: 0, outsideRange: 0, withTime: 1 },
    });
    // IMG_0001 comes first by name though it was imported second.
    expect(timeOf(core, frames.v2 as number)).toBe('2024-02-28T23:59:50');
    expect(timeOf(core, frames.v1 as number)).toBe('2024-02-29T00:00:05');
    expect(timeOf(core, frames.v3 as number)).toBe('2024-03-01T08:00:00');
  });

  it('works on a folder of frames, never on a sibling folder whose name starts the same', () => {
    const other = addFrame(core, '/photos/ridge-b/IMG_0001.JPG', ridge, '2023-03-02T10:00:00');
    const edit = editCaptureTimes(
      core,
      { scope: { folder: '/photos/ridge/' }, change: { kind: 'shift', by: 3600 } },
      'Asha',
    );
    expect(edit.scope).toBe('folder /photos/ridge');
    expect(edit.frames).toBe(3);
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T11:00:00');
    expect(timeOf(core, other)).toBe('2023-03-02T10:00:00');
    expect(undoCaptureTimeEdit(core, 'Asha').summary).toBe(
      'Shifted 3 frames of the folder /photos/ridge by +01:00:00',
    );
  });

  it('undoes an edit as a whole, restoring every previous time exactly, even after edits of other frames', () => {
    const ridgeEdit = editCaptureTimes(core, shiftRidge, 'Asha');
    const valleyEdit = editCaptureTimes(
      core,
      { scope: { station: 'Valley' }, change: { kind: 'set', start: '2024-03-01T07:00:00' } },
      'Asha',
    );
    const undone = undoCaptureTimeEdit(core, 'Ravi', ridgeEdit.editId);
    expect(undone).toMatchObject({
      editId: ridgeEdit.editId,
      frames: 3,
      undoneAt: '2024-06-01T12:00:00.000Z',
    });
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T10:00:00');
    expect(timeOf(core, frames.r2 as number)).toBe('2023-03-05T23:30:00');
    expect(timeOf(core, frames.r3 as number)).toBe('2023-03-09T06:00:00+05:30');
    expect(timeOf(core, frames.r4 as number)).toBeNull();
    // The later edit of Valley's frames stands.
    expect(timeOf(core, frames.v1 as number)).toBe('2024-03-01T07:00:00');
    expect(
      core.db.prepare('SELECT undone_by FROM capture_time_edits WHERE id = ?').pluck().get(ridgeEdit.editId),
    ).toBe('Ravi');
    const again = caught(() => undoCaptureTimeEdit(core, 'Ravi', ridgeEdit.editId));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/^Capture time edit 1 was already undone/);
    // Without an id: the newest edit still in force.
    expect(undoCaptureTimeEdit(core, 'Ravi').editId).toBe(valleyEdit.editId);
    expect(timeOf(core, frames.v1 as number)).toBeNull();
    expect(caught(() => undoCaptureTimeEdit(core, 'Ravi')).message).toBe('No capture time edit to undo.');
  });

  it('refuses to undo an edit under a later one that changed the same frames, until that one is undone', () => {
    const first = editCaptureTimes(core, shiftRidge, 'Asha');
    const second = editCaptureTimes(
      core,
      { scope: { station: 'Ridge' }, change: { kind: 'shift', by: '-02:00:00', from: '2024-03-05' } },
      'Asha',
    );
    const blocked = caught(() => undoCaptureTimeEdit(core, 'Asha', first.editId));
    expect(blocked.code).toBe('CONFLICT');
    expect(blocked.message).toBe(
      `Undo capture time edit ${second.editId} first: it changed the time of some of the same frames after edit ${first.editId}.`,
    );
    expect(timeOf(core, frames.r2 as number)).toBe('2024-03-05T21:30:00');
    undoCaptureTimeEdit(core, 'Asha', second.editId);
    undoCaptureTimeEdit(core, 'Asha', first.editId);
    expect(timeOf(core, frames.r2 as number)).toBe('2023-03-05T23:30:00');
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T10:00:00');
  });

  it('says clearly when there is nothing to change, and changes nothing when a frame cannot be moved', () => {
    const none = caught(() =>
      editCaptureTimes(
        core,
        { scope: { station: 'Ridge' }, change: { kind: 'shift', by: '+1h', from: '2030-01-01' } },
        'A',
      ),
    );
    expect(none.code).toBe('NOT_FOUND');
    expect(none.message).toBe(
      'Nothing to change in the station "Ridge": no frame with a capture time falls in that range.',
    );
    expect(
      caught(() => previewCaptureTimes(core, { scope: { station: 'Nowhere' }, change: shiftRidge.change }))
        .code,
    ).toBe('NOT_FOUND');
    expect(
      caught(() => previewCaptureTimes(core, { scope: { folder: '/elsewhere' }, change: shiftRidge.change }))
        .message,
    ).toBe('The folder /elsewhere has no frames in the gallery.');
    const badStart = caught(() =>
      editCaptureTimes(
        core,
        { scope: { station: 'Valley' }, change: { kind: 'set', start: '2024-02-30T10:00:00' } },
        'A',
      ),
    );
    expect(badStart).toBeInstanceOf(InvalidArgument);
    expect(badStart.message).toMatch(
      /^Invalid capture time change: change\.start: must be a time written YYYY-MM-DDThh:mm:ss/,
    );
    // The shift would take 1970 below the epoch: the whole edit is refused, no frame moves.
    addFrame(core, '/photos/ridge/IMG_0005.JPG', ridge, '1970-01-01T00:10:00');
    expect(() =>
      editCaptureTimes(core, { scope: { station: 'Ridge' }, change: { kind: 'shift', by: '-1d' } }, 'A'),
    ).toThrow(RangeError);
    expect(timeOf(core, frames.r1 as number)).toBe('2023-03-02T10:00:00');
    expect(listCaptureTimeEdits(core)).toEqual([]);
  });
});
