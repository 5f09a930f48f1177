import { listStations, updateStation, type StationPatch } from '../../core/gallery/stations';
import { UsageError, type Command } from '../command';
import { formatTable } from '../table';

const USAGE = ['stations [list]', 'stations set <name> [--lat=LAT --lon=LON] [--start DATE] [--end DATE]'];

/** "none" clears a value; anything else must be a number. */
function coordinate(value: string, option: string): number | null {
  if (value === 'none') return null;
  if (!/^-?\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(
      `--${option} takes decimal degrees such as --${option}=-7.25 (or "none"), got "${value}"`,
    );
  }
  return Number(value);
}

function patchFrom(values: Record<string, unknown>): StationPatch {
  const patch: StationPatch = {};
  if (typeof values.lat === 'string') patch.latitude = coordinate(values.lat, 'lat');
  if (typeof values.lon === 'string') patch.longitude = coordinate(values.lon, 'lon');
  if (typeof values.start === 'string') patch.operationStart = values.start === 'none' ? null : values.start;
  if (typeof values.end === 'string') patch.operationEnd = values.end === 'none' ? null : values.end;
  return patch;
}

export const stationsCommand: Command = {
  name: 'stations',
  summary: 'List camera stations, and record where each stands and when it operated (needed by the exports)',
  usage: USAGE,
  options: {
    lat: {
      type: 'string',
      valueName: 'LAT',
      description: 'latitude in decimal degrees, WGS84 (write negative values as --lat=-7.25); "none" clears',
    },
    lon: {
      type: 'string',
      valueName: 'LON',
      description:
        'longitude in decimal degrees, WGS84 (write negative values as --lon=-75.5); "none" clears',
    },
    start: {
      type: 'string',
      valueName: 'DATE',
      description: 'first day the station operated, YYYY-MM-DD; "none" clears',
    },
    end: {
      type: 'string',
      valueName: 'DATE',
      description: 'last day the station operated, YYYY-MM-DD; "none" clears',
    },
  },
  async run(ctx, { positionals, values }) {
    const [verb = 'list', ...rest] = positionals;
    switch (verb) {
      case 'list': {
        if (rest.length > 0) throw new UsageError('"stations list" takes no arguments');
        const stations = listStations(ctx.core());
        if (ctx.json) return void ctx.out(`${JSON.stringify(stations, null, 2)}\n`);
        if (stations.length === 0) {
          return void ctx.out('No stations yet: "tigerid import <folder> --station NAME" creates one.\n');
        }
        ctx.out(
          formatTable(
            [
              'station',
              'latitude',
              'longitude',
              'operated from',
              'to',
              'photos',
              'first photo',
              'last photo',
            ],
            stations.map((s) => [
              s.name,
              s.latitude,
              s.longitude,
              s.operationStart,
              s.operationEnd,
              s.photos,
              s.firstPhotoAt,
              s.lastPhotoAt,
            ]),
          ),
        );
        return;
      }
      case 'set': {
        if (rest.length === 0) throw new UsageError('"stations set" needs the station name');
        const patch = patchFrom(values);
        if (Object.keys(patch).length === 0) {
          throw new UsageError('"stations set" needs at least one of --lat/--lon, --start, --end');
        }
        const { station, photosOutsideOperation } = updateStation(ctx.core(), rest.join(' '), patch);
        if (ctx.json)
          return void ctx.out(`${JSON.stringify({ station, photosOutsideOperation }, null, 2)}\n`);
        const where =
          station.latitude === null ? 'no coordinates' : `at ${station.latitude}, ${station.longitude}`;
        const when = `operating ${station.operationStart ?? '(first photo)'} to ${station.operationEnd ?? '(last photo)'}`;
        ctx.out(`Station "${station.name}": ${where}, ${when}.\n`);
        if (photosOutsideOperation > 0) {
          ctx.log.warn(
            `${photosOutsideOperation} photo(s) of "${station.name}" were taken outside these operation dates; capture histories will leave them out.`,
          );
        }
        return;
      }
      default:
        throw new UsageError(`unknown action "${verb}"`);
    }
  },
};
