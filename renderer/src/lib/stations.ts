import type { StationDto } from '../../../electron/core/api';
import { formatDate } from './format';

/**
 * What the Stations screen needs that is not React: reading typed coordinates, the patch its form becomes, and
 * the operation period in words with the photos standing in for dates not recorded. Ranges, calendar days and
 * start-before-end are the core's to check: its message is shown as it comes.
 */

export type Axis = 'latitude' | 'longitude';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const HEMISPHERES: Record<Axis, { positive: string; negative: string }> = {
  latitude: { positive: 'N', negative: 'S' },
  longitude: { positive: 'E', negative: 'W' },
};

/** How to write each coordinate, for help lines and messages. */
export const COORDINATE_EXAMPLE: Record<Axis, string> = {
  latitude: '-7.25 or 7.25 S',
  longitude: '-75.5 or 75.5 W',
};

/** Sign, digits, optional decimals, an optional degree sign; a hemisphere letter before or after. */
const DECIMAL_DEGREES = /^([NSEW])?\s*([+-])?(\d+(?:\.\d+)?|\.\d+)\s*°?\s*([NSEW])?$/;

/**
 * A typed coordinate in decimal degrees: "-7.25", "7.25 S", "S 7.25", "7.25°S". Empty means "not recorded"
 * (null). Degrees-minutes-seconds and decimal commas are refused with the form to write instead.
 */
export function parseCoordinate(text: string, axis: Axis): Parsed<number | null> {
  const t = text.trim().toUpperCase();
  if (t === '') return { ok: true, value: null };
  const example = COORDINATE_EXAMPLE[axis];
  if (/\d\s*[°D]\s*\d|['′"″]/.test(t)) {
    return {
      ok: false,
      message: `Write the ${axis} in decimal degrees, such as ${example}; degrees and minutes (like 7°15′) are not read.`,
    };
  }
  if (/\d\s*[,;]\s*[NSEW+-]?\s*\d+\.\d/.test(t) || /\d\s+[+-]?\d/.test(t)) {
    return {
      ok: false,
      message: `Enter only the ${axis} here, such as ${example}: the ${axis === 'latitude' ? 'longitude' : 'latitude'} has its own box.`,
    };
  }
  if (/^[NSEW]?\s*[+-]?\d+,\d+/.test(t)) {
    return { ok: false, message: `Write the ${axis} with a decimal point, such as ${example}.` };
  }
  const m = DECIMAL_DEGREES.exec(t);
  const before = m?.[1];
  const after = m?.[4];
  if (!m || (before && after)) {
    return { ok: false, message: `The ${axis} must be decimal degrees, such as ${example}.` };
  }
  const { positive, negative } = HEMISPHERES[axis];
  const letter = before ?? after;
  if (letter && letter !== positive && letter !== negative) {
    return {
      ok: false,
      message: `A ${axis} is ${positive} or ${negative}, not ${letter}: write it such as ${example}.`,
    };
  }
  if (letter && m[2]) {
    return {
      ok: false,
      message: `Write the ${axis} with a minus sign or with ${positive}/${negative}, not both (such as ${example}).`,
    };
  }
  const size = Number(m[3]);
  const negativeValue = m[2] === '-' || letter === negative;
  return { ok: true, value: negativeValue && size !== 0 ? -size : size };
}

/** A coordinate as the form shows it for editing: the stored number, empty when not recorded. */
export function coordinateText(value: number | null): string {
  return value === null ? '' : String(value);
}

/** What the edit form holds: the typed text, dates as YYYY-MM-DD or empty. */
export interface StationForm {
  latitude: string;
  longitude: string;
  operationStart: string;
  operationEnd: string;
}

export type StationField = keyof StationForm;

export function formOf(s: StationDto): StationForm {
  return {
    latitude: coordinateText(s.latitude),
    longitude: coordinateText(s.longitude),
    operationStart: s.operationStart ?? '',
    operationEnd: s.operationEnd ?? '',
  };
}

export interface StationPatch {
  latitude: number | null;
  longitude: number | null;
  operationStart: string | null;
  operationEnd: string | null;
}

export type FieldMessages = Partial<Record<StationField, string>>;

export type PatchResult = { ok: true; patch: StationPatch } | { ok: false; fields: FieldMessages };

/**
 * The whole form as one update (empty clears a value), or a message for each field that cannot be sent.
 * `unfinishedDates` are the date inputs holding a day the browser cannot read yet (their value reads empty, which
 * must not clear the date). Latitude and longitude go together, so one without the other is refused here, where
 * the form can say which is missing.
 */
export function patchOf(form: StationForm, unfinishedDates: readonly StationField[] = []): PatchResult {
  const latitude = parseCoordinate(form.latitude, 'latitude');
  const longitude = parseCoordinate(form.longitude, 'longitude');
  const fields: FieldMessages = {};
  if (!latitude.ok) fields.latitude = latitude.message;
  if (!longitude.ok) fields.longitude = longitude.message;
  if (latitude.ok && longitude.ok && (latitude.value === null) !== (longitude.value === null)) {
    const missing: Axis = latitude.value === null ? 'latitude' : 'longitude';
    fields[missing] =
      `Enter the ${missing} too: latitude and longitude are recorded together (empty both to clear them).`;
  }
  for (const field of unfinishedDates) {
    fields[field] = 'Finish this date (day, month and year) or clear it.';
  }
  if (!latitude.ok || !longitude.ok || Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    patch: {
      latitude: latitude.value,
      longitude: longitude.value,
      operationStart: form.operationStart.trim() || null,
      operationEnd: form.operationEnd.trim() || null,
    },
  };
}

const API_FIELDS: Record<string, StationField> = {
  latitude: 'latitude',
  longitude: 'longitude',
  operationStart: 'operationStart',
  operationEnd: 'operationEnd',
  'operation start': 'operationStart',
};

/** The form field an API error names first ("Invalid station update: latitude: Too big…"), to mark it invalid. */
export function fieldOfApiMessage(message: string): StationField | null {
  const m = /\b(latitude|longitude|operationStart|operationEnd|operation start)\b/.exec(message);
  return m?.[1] ? (API_FIELDS[m[1]] ?? null) : null;
}

/** The calendar day of a capture time as recorded ("2021-04-11T20:43:09" → "2021-04-11"), as the core reads it. */
export function dayOf(capturedAt: string | null): string | null {
  const m = capturedAt ? /^\d{4}-\d{2}-\d{2}/.exec(capturedAt) : null;
  return m ? m[0] : null;
}

export interface OperationDay {
  /** YYYY-MM-DD, or null when neither recorded nor given by a dated photo. */
  day: string | null;
  /** Recorded by the user, or stood in for by the first/last photo's day. */
  source: 'recorded' | 'photo' | 'none';
  /** For people: "1 Apr 2021", "11 Apr 2021 (first photo)", "Not recorded". */
  text: string;
}

/** A station's first or last operating day: the recorded date, else the day of its first/last photo. */
export function operationDay(s: StationDto, which: 'start' | 'end'): OperationDay {
  const recorded = which === 'start' ? s.operationStart : s.operationEnd;
  if (recorded) return { day: recorded, source: 'recorded', text: formatDate(recorded) };
  const photo = dayOf(which === 'start' ? s.firstPhotoAt : s.lastPhotoAt);
  if (photo) {
    return {
      day: photo,
      source: 'photo',
      text: `${formatDate(photo)} (${which === 'start' ? 'first' : 'last'} photo)`,
    };
  }
  return { day: null, source: 'none', text: 'Not recorded' };
}

/** The period a station operated, in one line, saying where dates come from the photos. */
export function formatOperated(s: StationDto): string {
  const start = operationDay(s, 'start');
  const end = operationDay(s, 'end');
  if (start.source === 'none' && end.source === 'none') {
    return 'Not recorded, and no photo has a capture time to stand in.';
  }
  return `${start.text} to ${end.text}`;
}

export function needsCoordinates(s: StationDto): boolean {
  return s.latitude === null || s.longitude === null;
}

/** A stored coordinate for the table: the number as stored, with its hemisphere for the eye. */
export function formatCoordinate(value: number | null, axis: Axis): string {
  if (value === null) return '—';
  const { positive, negative } = HEMISPHERES[axis];
  return `${value} (${value < 0 ? negative : positive})`;
}
