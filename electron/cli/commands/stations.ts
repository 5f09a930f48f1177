import {
  editCaptureTimes,
  listCaptureTimeEdits,
  previewCaptureTimes,
  undoCaptureTimeEdit,
  type CaptureTimePlan,
  type CaptureTimeRequest,
  type CaptureTimeScope,
} from '../../core/gallery/capture-times';
import { listStations, updateStation, type StationPatch } from '../../core/gallery/stations';
import { reviewerName } from '../../core/reviewer';
import { UsageError, type CliContext, type Command, type ParsedArgs } from '../command';
import { formatTable } from '../table';

const USAGE = [
  'stations [list]',
  'stations set <name> [--lat=LAT --lon=LON] [--start DATE] [--end DATE]',
  'stations shift-time (<name> | --folder PATH) --by=OFFSET [--from TIME] [--to TIME] [--dry-run]',
  'stations set-time (<name> | --folder PATH) --at TIME [--step SECONDS] [--dry-run]',
  'stations undo-time [<edit-id>]',
  'stations time-edits',
];

type Values = ParsedArgs['values'];

function text(values: Values, key: string): string | undefined {
  const value = values[key];
  return typeof value === 'string' ? value : undefined;
}

/** A station by name (the positionals), or a folder (--folder), never both. */
function scopeOf(verb: string, rest: string[], values: Values): CaptureTimeScope {
  const folder = text(values, 'folder');
  if (folder !== undefined && rest.length > 0) {
    throw new UsageError(`"stations ${verb}" takes a station name or --folder, not both`);
  }
  if (folder !== undefined) return { folder };
  if (rest.length === 0) throw new UsageError(`"stations ${verb}" needs a station name or --folder PATH`);
  return { station: rest.join(' ') };
}

function timeRequest(verb: 'shift-time' | 'set-time', rest: string[], values: Values): CaptureTimeRequest {
  const scope = scopeOf(verb, rest, values);
  if (verb === 'shift-time') {
    const by = text(values, 'by');
    if (by === undefined) {
      throw new UsageError('"stations shift-time" needs --by, such as --by=+1y or --by=-01:00:00');
    }
    const from = text(values, 'from');
    const to = text(values, 'to');
    return {
      scope,
      change: { kind: 'shift', by, ...(from !== undefined && { from }), ...(to !== undefined && { to }) },
    };
  }
  const at = text(values, 'at');
  if (at === undefined)
    throw new UsageError('"stations set-time" needs --at, such as --at 2024-03-01T06:00:00');
  const step = text(values, 'step');
  if (step !== undefined && !/^\d+$/.test(step)) {
    throw new UsageError(`--step takes a whole number of seconds, got "${step}"`);
  }
  return {
    scope,
    change: { kind: 'set', start: at, ...(step !== undefined && { stepSeconds: Number(step) }) },
  };
}

function printPlan(ctx: CliContext, plan: CaptureTimePlan, line: string): void {
  ctx.out(`${line}\n`);
  if (plan.frames > 0) {
    ctx.out(
      formatTable(
        ['', 'first', 'last'],
        [
          ['before', plan.before.first ?? '(no time)', plan.before.last ?? '(no time)'],
          ['after', plan.after.first, plan.after.last],
        ],
      ),
    );
  }
  if (plan.outsideOperation > 0) {
    ctx.log.warn(
      `${plan.outsideOperation} frame(s) now fall outside their station's operation dates, so capture histories leave them out: widen the dates with "tigerid stations set NAME --start DATE --end DATE".`,
    );
  }
  const { withoutTime, outsideRange, withTime } = plan.unchanged;
  if (withoutTime > 0) {
    ctx.log.warn(
      `${withoutTime} frame(s) have no capture time, so a shift cannot move them: give them one with "tigerid stations set-time".`,
    );
  }
  if (outsideRange > 0)
    ctx.log.info(`${outsideRange} frame(s) fall outside --from/--to and keep their time.`);
  if (withTime > 0) ctx.log.info(`${withTime} frame(s) already have a capture time and keep it.`);
}

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
  summary:
    'List camera stations, record where each stands and when it operated (needed by the exports), and fix camera clocks',
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
    by: {
      type: 'string',
      valueName: 'OFFSET',
      description:
        'shift-time: how far to move the clock, such as --by=+1y, --by=-01:00:00 or --by="+1y 2d 03:00:00" (y d h m s, hh:mm:ss, or seconds)',
    },
    from: {
      type: 'string',
      valueName: 'TIME',
      description: 'shift-time: only frames captured at or after TIME (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)',
    },
    to: {
      type: 'string',
      valueName: 'TIME',
      description: 'shift-time: only frames captured at or before TIME (a date covers the whole day)',
    },
    at: {
      type: 'string',
      valueName: 'TIME',
      description: 'set-time: the time given to the first frame without one, YYYY-MM-DDThh:mm:ss[±hh:mm]',
    },
    step: {
      type: 'string',
      valueName: 'SECONDS',
      description:
        'set-time: seconds between consecutive frames in file-name order (default 0: all get --at)',
    },
    folder: {
      type: 'string',
      valueName: 'PATH',
      description: 'shift-time, set-time: the frames imported from under PATH instead of a station',
    },
    'dry-run': {
      type: 'boolean',
      description: 'shift-time, set-time: show what would change, change nothing',
    },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'who makes the change (default: $TIGERID_REVIEWER or your user name)',
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
              'no time',
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
              s.undatedPhotos,
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
      case 'shift-time':
      case 'set-time': {
        const request = timeRequest(verb, rest, values);
        if (values['dry-run'] === true) {
          const plan = previewCaptureTimes(ctx.core(), request);
          if (ctx.json) return void ctx.out(`${JSON.stringify(plan, null, 2)}\n`);
          printPlan(ctx, plan, `Would ${plan.summary[0]?.toLowerCase()}${plan.summary.slice(1)} (dry run).`);
          return;
        }
        const edit = editCaptureTimes(ctx.core(), request, reviewerName(values.reviewer, ctx.env));
        if (ctx.json) return void ctx.out(`${JSON.stringify(edit, null, 2)}\n`);
        printPlan(
          ctx,
          edit,
          `${edit.summary} (edit ${edit.editId}; "tigerid stations undo-time ${edit.editId}" reverts it).`,
        );
        return;
      }
      case 'undo-time': {
        if (rest.length > 1 || (rest[0] !== undefined && !/^\d+$/.test(rest[0]))) {
          throw new UsageError(
            `"stations undo-time" takes one edit id (a whole number), got "${rest.join(' ')}"`,
          );
        }
        const id = rest[0] === undefined ? undefined : Number(rest[0]);
        const edit = undoCaptureTimeEdit(ctx.core(), reviewerName(values.reviewer, ctx.env), id);
        if (ctx.json) return void ctx.out(`${JSON.stringify(edit, null, 2)}\n`);
        ctx.out(
          `Undid capture time edit ${edit.editId}: ${edit.summary}. ${edit.frames} frame(s) have their previous time again.\n`,
        );
        return;
      }
      case 'time-edits': {
        if (rest.length > 0) throw new UsageError('"stations time-edits" takes no arguments');
        const edits = listCaptureTimeEdits(ctx.core());
        if (ctx.json) return void ctx.out(`${JSON.stringify(edits, null, 2)}\n`);
        if (edits.length === 0) return void ctx.out('No capture time edits yet.\n');
        ctx.out(
          formatTable(
            ['edit', 'made', 'by', 'frames', 'change', 'undone'],
            edits.map((e) => [e.editId, e.madeAt, e.reviewer, e.frames, e.summary, e.undoneAt]),
          ),
        );
        return;
      }
      default:
        throw new UsageError(`unknown action "${verb}"`);
    }
  },
};
