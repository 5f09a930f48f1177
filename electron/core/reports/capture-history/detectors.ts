import { EngineError } from '../../errors';
import type { StationSummary } from '../../gallery/stations';
import { stationEffort, usageString, type Occasion, type StationEffort } from './occasions';
import { commonUtmZone, transverseMercator, utmParams, type UtmZone } from './utm';

/** Camera stations as secr detectors: identifier, UTM position, days operated and per-occasion usage. */

export interface SecrDetector {
  id: string;
  /** 1-based row of traps.txt: SPIM's trap number. */
  trap: number;
  station: StationSummary;
  x: number;
  y: number;
  effort: StationEffort;
  usage: string;
}

export interface OperatingStation {
  station: StationSummary & { latitude: number; longitude: number };
  effort: StationEffort;
}

/**
 * The stations that can be detectors: those with usable operation days (others are left out, with a warning
 * each), every one of which must have coordinates.
 */
export function operatingStations(
  stations: readonly StationSummary[],
  warnings: string[],
): OperatingStation[] {
  const operating: OperatingStation[] = [];
  const unplaced: string[] = [];
  for (const station of stations) {
    const effort = stationEffort(station);
    const { latitude, longitude } = station;
    if (!effort) {
      warnings.push(
        `Station "${station.name}" is left out: it has no usable operation dates (none recorded, no dated photos, or a recorded start after its last photo); set them on the Stations page or with "tigerid stations set ${quoteArg(station.name)} --start DATE --end DATE".`,
      );
    } else if (latitude === null || longitude === null) unplaced.push(station.name);
    else operating.push({ station: { ...station, latitude, longitude }, effort });
  }
  if (unplaced.length > 0) {
    throw new EngineError(
      'CONFLICT',
      `Station(s) without coordinates: ${unplaced.map((name) => `"${name}"`).join(', ')}. Capture histories need every station's position; set it on the Stations page or with "tigerid stations set NAME --lat=LAT --lon=LON" (decimal degrees, WGS84).`,
      { details: { stations: unplaced } },
    );
  }
  if (operating.length === 0) {
    throw new EngineError(
      'NOT_FOUND',
      'No station has operation dates or dated photos, so no capture history can be made. Record them on the Stations page or with "tigerid stations set NAME --start DATE --end DATE".',
    );
  }
  return operating;
}

/** Detectors in station order, all projected into the one UTM zone of their mean position. */
export function secrDetectors(
  operating: readonly OperatingStation[],
  occasions: readonly Occasion[],
  warnings: string[],
): { zone: UtmZone; detectors: SecrDetector[] } {
  const zone = commonUtmZone(operating.map((o) => o.station));
  const params = utmParams(zone);
  const detectors = withSecrIds(operating, (o) => o.station.name).map(
    ({ item: { station, effort }, id }, i) => ({
      id,
      trap: i + 1,
      station,
      ...transverseMercator(station.latitude, station.longitude, params),
      effort,
      usage: usageString(effort, occasions),
    }),
  );
  const offZone = operating.filter((o) => Math.abs(o.station.longitude - zone.centralMeridian) > 3);
  if (offZone.length > 0) {
    warnings.push(
      `${offZone.length} station(s) lie outside UTM zone ${zone.zone}${zone.hemisphere} but were projected into it, so that all distances share one grid.`,
    );
  }
  const idle = occasions.filter((o) => detectors.every((d) => d.usage[o.index - 1] === '0'));
  if (idle.length > 0) {
    warnings.push(
      `No station operated on occasion(s) ${idle.map((o) => o.index).join(', ')}; secr requires at least one detector used on every occasion, so choose another period or occasion length.`,
    );
  }
  return { zone, detectors };
}

/**
 * Each item with a unique secr identifier made from its name: characters secr cannot read become "-", and
 * clashes get ".2", ".3"...
 */
export function withSecrIds<T>(items: readonly T[], nameOf: (item: T) => string): { item: T; id: string }[] {
  const taken = new Set<string>();
  return items.map((item) => {
    const base = nameOf(item).replace(/[^A-Za-z0-9.-]+/g, '-') || 'x';
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}.${n}`;
    taken.add(id);
    return { item, id };
  });
}

/** A station name as the user would type it back in a shell command. */
function quoteArg(name: string): string {
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : `"${name.replace(/"/g, '\\"')}"`;
}
