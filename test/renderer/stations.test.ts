import { describe, expect, it } from 'vitest';
import type { StationDto } from '../../electron/core/api';
import {
  dayOf,
  fieldOfApiMessage,
  formatCoordinate,
  formatOperated,
  formOf,
  needsCoordinates,
  operationDay,
  parseCoordinate,
  patchOf,
  type StationForm,
} from '../../renderer/src/lib/stations';

const station = (patch: Partial<StationDto> = {}): StationDto => ({
  stationId: 1,
  name: 'Ridge',
  latitude: null,
  longitude: null,
  operationStart: null,
  operationEnd: null,
  photos: 4,
  undatedPhotos: 0,
  firstPhotoAt: '2021-04-11T20:43:09',
  lastPhotoAt: '2021-04-13T06:02:00',
  ...patch,
});

const form = (patch: Partial<StationForm> = {}): StationForm => ({
  latitude: '',
  longitude: '',
  operationStart: '',
  operationEnd: '',
  ...patch,
});

describe('parseCoordinate', () => {
  it('reads decimal degrees with a sign', () => {
    expect(parseCoordinate('-7.25', 'latitude')).toEqual({ ok: true, value: -7.25 });
    expect(parseCoordinate(' +21.5 ', 'latitude')).toEqual({ ok: true, value: 21.5 });
    expect(parseCoordinate('110', 'longitude')).toEqual({ ok: true, value: 110 });
    expect(parseCoordinate('.5', 'longitude')).toEqual({ ok: true, value: 0.5 });
  });

  it('reads a hemisphere letter before or after, in either case, with or without a degree sign', () => {
    expect(parseCoordinate('7.25 S', 'latitude')).toEqual({ ok: true, value: -7.25 });
    expect(parseCoordinate('S 7.25', 'latitude')).toEqual({ ok: true, value: -7.25 });
    expect(parseCoordinate('21.5n', 'latitude')).toEqual({ ok: true, value: 21.5 });
    expect(parseCoordinate('79.3°E', 'longitude')).toEqual({ ok: true, value: 79.3 });
    expect(parseCoordinate('75.5 W', 'longitude')).toEqual({ ok: true, value: -75.5 });
  });

  it('reads an empty box as "not recorded"', () => {
    expect(parseCoordinate('', 'latitude')).toEqual({ ok: true, value: null });
    expect(parseCoordinate('   ', 'longitude')).toEqual({ ok: true, value: null });
  });

  it('leaves the range to the core: 123 is read as typed', () => {
    expect(parseCoordinate('123', 'latitude')).toEqual({ ok: true, value: 123 });
  });

  it('refuses a hemisphere of the other axis', () => {
    expect(parseCoordinate('7.25 E', 'latitude')).toEqual({
      ok: false,
      message: 'A latitude is N or S, not E: write it such as -7.25 or 7.25 S.',
    });
    expect(parseCoordinate('N 79', 'longitude')).toEqual({
      ok: false,
      message: 'A longitude is E or W, not N: write it such as -75.5 or 75.5 W.',
    });
  });

  it('refuses a minus sign together with a hemisphere letter, which would be ambiguous', () => {
    expect(parseCoordinate('-7.25 S', 'latitude')).toEqual({
      ok: false,
      message: 'Write the latitude with a minus sign or with N/S, not both (such as -7.25 or 7.25 S).',
    });
  });

  it('refuses degrees and minutes, saying to write decimal degrees', () => {
    for (const text of ['7°15′ S', "7°15'", '7d15m', '7° 15.5′']) {
      expect(parseCoordinate(text, 'latitude')).toEqual({
        ok: false,
        message: expect.stringContaining('degrees and minutes (like 7°15′) are not read'),
      });
    }
    expect(parseCoordinate('7°15′ S', 'latitude')).toEqual({
      ok: false,
      message:
        'Write the latitude in decimal degrees, such as -7.25 or 7.25 S; degrees and minutes (like 7°15′) are not read.',
    });
  });

  it('refuses a decimal comma, and a pasted pair, with what to do instead', () => {
    expect(parseCoordinate('-7,25', 'latitude')).toEqual({
      ok: false,
      message: 'Write the latitude with a decimal point, such as -7.25 or 7.25 S.',
    });
    expect(parseCoordinate('-7.25, 110.5', 'latitude')).toEqual({
      ok: false,
      message: 'Enter only the latitude here, such as -7.25 or 7.25 S: the longitude has its own box.',
    });
    expect(parseCoordinate('-7.25 110.5', 'longitude')).toEqual({
      ok: false,
      message: 'Enter only the longitude here, such as -75.5 or 75.5 W: the latitude has its own box.',
    });
  });

  it('refuses words and stray characters', () => {
    expect(parseCoordinate('north', 'latitude')).toEqual({
      ok: false,
      message: 'The latitude must be decimal degrees, such as -7.25 or 7.25 S.',
    });
    expect(parseCoordinate('S 7.25 S', 'latitude').ok).toBe(false);
    expect(parseCoordinate('7.2.5', 'latitude').ok).toBe(false);
    expect(parseCoordinate('-', 'longitude').ok).toBe(false);
  });
});

describe('patchOf', () => {
  it('sends the whole form, empty boxes clearing their value', () => {
    expect(patchOf(form({ latitude: '7.25 S', longitude: '110.5', operationStart: '2021-04-01' }))).toEqual({
      ok: true,
      patch: { latitude: -7.25, longitude: 110.5, operationStart: '2021-04-01', operationEnd: null },
    });
    expect(patchOf(form())).toEqual({
      ok: true,
      patch: { latitude: null, longitude: null, operationStart: null, operationEnd: null },
    });
  });

  it('asks for the missing half of a coordinate pair, on that field', () => {
    expect(patchOf(form({ latitude: '-7.25' }))).toEqual({
      ok: false,
      fields: {
        longitude:
          'Enter the longitude too: latitude and longitude are recorded together (empty both to clear them).',
      },
    });
    const r = patchOf(form({ longitude: '110.5' }));
    expect(r.ok ? [] : Object.keys(r.fields)).toEqual(['latitude']);
  });

  it('puts each unreadable box’s message on its own field', () => {
    const r = patchOf(form({ latitude: 'abc', longitude: '1,5' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fields.latitude).toMatch(/^The latitude must be decimal degrees/);
    expect(r.fields.longitude).toMatch(/^Write the longitude with a decimal point/);
  });

  it('refuses a date the browser could not read instead of clearing it', () => {
    expect(patchOf(form({ operationStart: '' }), ['operationStart'])).toEqual({
      ok: false,
      fields: { operationStart: 'Finish this date (day, month and year) or clear it.' },
    });
  });
});

describe('formOf', () => {
  it('shows stored values for editing and empty boxes for what is not recorded', () => {
    expect(formOf(station({ latitude: -7.25, longitude: 110.5, operationEnd: '2021-04-30' }))).toEqual({
      latitude: '-7.25',
      longitude: '110.5',
      operationStart: '',
      operationEnd: '2021-04-30',
    });
  });
});

describe('fieldOfApiMessage', () => {
  it('finds the field the core names', () => {
    expect(fieldOfApiMessage('Invalid station update: latitude: Too big: expected number to be <=90')).toBe(
      'latitude',
    );
    expect(fieldOfApiMessage('Invalid station update: operationEnd: is not a day of the calendar')).toBe(
      'operationEnd',
    );
    expect(
      fieldOfApiMessage(
        'Expected the operation start of station "Ridge" on or before its end, but received start 2021-05-02 and end 2021-05-01',
      ),
    ).toBe('operationStart');
    expect(fieldOfApiMessage('Tiger ID is not reachable.')).toBeNull();
  });
});

describe('operation period', () => {
  it('takes the day of a capture time as written, with no time-zone shift', () => {
    expect(dayOf('2021-04-11T23:59:59')).toBe('2021-04-11');
    expect(dayOf('2021-04-11T23:59:59+05:30')).toBe('2021-04-11');
    expect(dayOf(null)).toBeNull();
    expect(dayOf('unknown')).toBeNull();
  });

  it('uses the recorded dates when there are some', () => {
    const s = station({ operationStart: '2021-04-01', operationEnd: '2021-04-30' });
    expect(operationDay(s, 'start')).toEqual({ day: '2021-04-01', source: 'recorded', text: '1 Apr 2021' });
    expect(formatOperated(s)).toBe('1 Apr 2021 to 30 Apr 2021');
  });

  it('falls back to the first and last photo, and says so', () => {
    const s = station({ operationEnd: '2021-04-30' });
    expect(operationDay(s, 'start')).toEqual({
      day: '2021-04-11',
      source: 'photo',
      text: '11 Apr 2021 (first photo)',
    });
    expect(formatOperated(s)).toBe('11 Apr 2021 (first photo) to 30 Apr 2021');
    expect(formatOperated(station())).toBe('11 Apr 2021 (first photo) to 13 Apr 2021 (last photo)');
  });

  it('says when neither dates nor dated photos exist', () => {
    const s = station({ photos: 0, firstPhotoAt: null, lastPhotoAt: null });
    expect(operationDay(s, 'end')).toEqual({ day: null, source: 'none', text: 'Not recorded' });
    expect(formatOperated(s)).toBe('Not recorded, and no photo has a capture time to stand in.');
  });
});

describe('coordinates in the table', () => {
  it('flags a station without coordinates', () => {
    expect(needsCoordinates(station())).toBe(true);
    expect(needsCoordinates(station({ latitude: 0, longitude: 0 }))).toBe(false);
  });

  it('shows the stored number with its hemisphere', () => {
    expect(formatCoordinate(-7.25, 'latitude')).toBe('-7.25 (S)');
    expect(formatCoordinate(21.5, 'latitude')).toBe('21.5 (N)');
    expect(formatCoordinate(-75.5, 'longitude')).toBe('-75.5 (W)');
    expect(formatCoordinate(110.5, 'longitude')).toBe('110.5 (E)');
    expect(formatCoordinate(null, 'longitude')).toBe('—');
  });
});
