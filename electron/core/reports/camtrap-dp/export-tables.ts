import { APP_VERSION } from '../../app-version';
import type { CoreContext } from '../../context';
import { boxOf, type BoxColumns, type NormalisedBox } from '../../images/crop';
import { EngineError } from '../../errors';
import { WHOLE_FRAME_DETECTOR } from '../../inference/detector';
import { undatedWarning } from '../../gallery/capture-times';
import { listEncounters } from '../../gallery/encounters';
import { listSightings, type SightingFilter, type SightingRecord } from '../sightings';
import { galleryFileUrl, packageFileUrl } from './file-urls';
import {
  CamtrapRecords,
  groupRecords,
  type CamtrapRecord,
  type GroupedRecords,
  type RowData,
  type SourcePackage,
} from './records';
import { TIGER, withFlankTag } from './tiger';
import { utcTime, zonedTime, zoneOf, type ZonedTime } from './timestamps';

/**
 * The three tables of an export, as rows (field name → text). Gallery stations, photos and sightings become
 * rows; rows kept from imported Camtrap DP packages come back as they were written, with the fields the gallery
 * now owns (coordinates, operation period, file location, station, individual, box, flank, and the
 * classification once a reviewer changed it) taken from the gallery.
 */
export interface CamtrapTables {
  deployments: RowData[];
  media: RowData[];
  observations: RowData[];
  /** Source packages some exported row came from. */
  sources: SourcePackage[];
  /** True when some row was made by the gallery itself rather than kept from a package. */
  galleryRows: boolean;
  warnings: string[];
}

interface StationRow {
  id: number;
  name: string;
  latitude: number | null;
  longitude: number | null;
  operation_start: string | null;
  operation_end: string | null;
}

interface MediaRow {
  id: number;
  sha256: string;
  path: string;
  path_raw: Buffer | null;
  file_name: string;
  format: string;
  captured_at: string | null;
  station_id: number;
}

/** A media row with the instant of its timestamp, for the deployment periods. */
interface TimedRow {
  row: RowData;
  instant: number;
  /** The package's row whose time the gallery corrected since (a camera clock fix): its events move with it. */
  retimed?: boolean;
}

/** What narrows sightings beyond a station: rows that are not sightings cannot be judged by it, so they stay out. */
function narrowsSightings(filter: SightingFilter): boolean {
  return (
    filter.from !== undefined ||
    filter.to !== undefined ||
    filter.individualId !== undefined ||
    filter.detectionIds !== undefined
  );
}

export function buildCamtrapTables(
  ctx: CoreContext,
  options: { utcOffset: string | undefined; filter: SightingFilter },
): CamtrapTables {
  return new TableBuilder(ctx, options.utcOffset, options.filter).build();
}

/** Builds the tables in dependency order: media (for deployment periods), deployments, then observations. */
class TableBuilder {
  private readonly warnings: string[] = [];
  private readonly records: GroupedRecords;
  private readonly packages: Map<string, SourcePackage>;
  private readonly usedPackages = new Set<string>();
  private galleryRows = false;
  private readonly stations: StationRow[];
  /** station id → deploymentID; a station left out is removed. */
  private readonly deploymentIds = new Map<number, string>();
  /** gallery media id → its (first) media row, for the sightings on it. */
  private readonly exportedMedia = new Map<number, TimedRow>();
  private readonly mediaByStation = new Map<number, TimedRow[]>();
  /** Times without a zone (and no utcOffset): collected so that one error can name them all. */
  private readonly noZone: string[] = [];
  /** Detections exported as sightings. */
  private readonly sighted = new Set<number>();
  /** Observation IDs taken: the packages' and those given so far. */
  private readonly reservedObservationIds: Set<string>;
  private events: Map<number, string> | undefined;

  private readonly ctx: CoreContext;
  private readonly utcOffset: string | undefined;
  private readonly filter: SightingFilter;

  constructor(ctx: CoreContext, utcOffset: string | undefined, filter: SightingFilter) {
    this.ctx = ctx;
    this.utcOffset = utcOffset;
    this.filter = filter;
    const store = new CamtrapRecords(ctx.db, () => ctx.now().toISOString());
    this.records = groupRecords(store.all());
    this.packages = new Map(store.packages().map((p) => [p.key, p]));
    this.stations = (
      filter.stationId === undefined
        ? ctx.db.prepare('SELECT * FROM stations ORDER BY name').all()
        : ctx.db.prepare('SELECT * FROM stations WHERE id = ?').all(filter.stationId)
    ) as StationRow[];
    // What a package called a thing stays its ID; the gallery's own things get readable, stable IDs that never
    // take one a package uses.
    this.reservedObservationIds = new Set(this.records.observations.map((r) => r.sourceId));
    const reserved = new Set(this.records.deployments.map((r) => r.sourceId));
    for (const station of this.stations) {
      const mapped = this.records.deploymentByStation.get(station.id);
      this.deploymentIds.set(station.id, mapped?.sourceId ?? uniqueId(station.name, reserved));
    }
  }

  build(): CamtrapTables {
    this.addGalleryMedia();
    this.addKeptMedia();
    const deployments = this.deployments();
    const observations = [
      ...this.sightingObservations(),
      ...this.contentObservations(),
      ...this.keptObservations(),
    ];
    return {
      deployments,
      media: [...this.mediaByStation.values()].flat().map((t) => t.row),
      observations,
      sources: [...this.usedPackages].map((key) => this.packages.get(key)).filter((p) => p !== undefined),
      galleryRows: this.galleryRows,
      warnings: this.warnings,
    };
  }

  /** Each photo of the exported stations once, or as each package row that names it. */
  private addGalleryMedia(): void {
    const { ctx, records } = this;
    const stationIds = new Set(this.stations.map((s) => s.id));
    const rows = (
      ctx.db
        .prepare(
          `SELECT id, sha256, path, path_raw, file_name, format, captured_at, station_id FROM media
            WHERE station_id IS NOT NULL ORDER BY station_id, captured_at, id`,
        )
        .all() as MediaRow[]
    ).filter((m) => stationIds.has(m.station_id));
    const withoutStation = ctx.db
      .prepare('SELECT COUNT(*) FROM media WHERE station_id IS NULL')
      .pluck()
      .get();
    if (typeof withoutStation === 'number' && withoutStation > 0 && this.filter.stationId === undefined) {
      this.warnings.push(
        `${withoutStation} photo(s) belong to no station and were left out: Camtrap DP ties every photo to a deployment (import them with --station).`,
      );
    }
    const reserved = new Set(records.media.map((r) => r.sourceId));
    // Photos whose time a standing clock correction set: for those the gallery's time beats the package's.
    const corrected = new Set(
      ctx.db
        .prepare(
          `SELECT DISTINCT i.media_id FROM capture_time_edit_media i
             JOIN capture_time_edits e ON e.id = i.edit_id WHERE e.undone_at IS NULL`,
        )
        .pluck()
        .all() as number[],
    );
    const undated = new Map<number, number>();
    const unreadable: string[] = [];
    for (const m of rows) {
      const deploymentID = this.deploymentIds.get(m.station_id) as string;
      const mapped = records.mediaByGallery.get(m.id);
      const timed: TimedRow[] = [];
      if (mapped !== undefined) {
        for (const record of mapped) {
          this.usedPackages.add(record.packageKey);
          // A public URL stays the better address for others; a local path or a missing file becomes ours.
          const keepUrl = /^https?:\/\//i.test(record.data.filePath ?? '');
          const row: RowData = {
            ...record.data,
            deploymentID,
            ...(keepUrl ? {} : { filePath: galleryFileUrl(m.path, m.path_raw), filePublic: 'false' }),
          };
          const fixed =
            corrected.has(m.id) && m.captured_at !== null
              ? zonedTime(m.captured_at, zoneOf(record.data.timestamp ?? '') ?? this.utcOffset)
              : null;
          if (fixed?.ok === false) {
            (fixed.reason === 'no-zone' ? this.noZone : unreadable).push(m.path);
            continue;
          }
          if (fixed)
            timed.push({ row: { ...row, timestamp: fixed.text }, instant: fixed.instant, retimed: true });
          else timed.push({ row, instant: Date.parse(row.timestamp ?? '') });
        }
        if (timed.length === 0) continue;
      } else {
        const time = m.captured_at === null ? null : zonedTime(m.captured_at, this.utcOffset);
        if (time === null || !time.ok) {
          if (time === null) undated.set(m.station_id, (undated.get(m.station_id) ?? 0) + 1);
          else if (time.reason === 'no-zone') this.noZone.push(m.path);
          else unreadable.push(`${m.path} (${m.captured_at})`);
          continue;
        }
        this.galleryRows = true;
        const row: RowData = {
          mediaID: uniqueId(m.sha256, reserved),
          deploymentID,
          // Tiger surveys use motion-triggered camera traps; a time-lapse frame seldom shows a flank.
          captureMethod: 'activityDetection',
          timestamp: time.text,
          filePath: galleryFileUrl(m.path, m.path_raw),
          filePublic: 'false',
          fileName: m.file_name,
          fileMediatype: `image/${m.format}`,
        };
        timed.push({ row, instant: time.instant });
      }
      this.exportedMedia.set(m.id, timed[0] as TimedRow);
      pushAll(this.mediaByStation, m.station_id, timed);
    }
    for (const station of this.stations) {
      const frames = undated.get(station.id);
      if (frames === undefined) continue;
      this.warnings.push(
        undatedWarning(
          { station: station.name, frames },
          'with their sightings: Camtrap DP requires a timestamp for every media file',
        ),
      );
    }
    if (unreadable.length > 0) {
      this.warnings.push(
        `${unreadable.length} photo(s) were left out, with their sightings, because their capture time is not an ISO date and time, which Camtrap DP requires (e.g. ${unreadable[0]}).`,
      );
    }
  }

  /** Package media whose photos stayed behind (URLs, missing files) belong to their deployment as written. */
  private addKeptMedia(): void {
    for (const record of this.records.unlinkedMedia) {
      const station = this.records.stationOfDeployment.get(record.data.deploymentID ?? '');
      if (station === undefined || !this.deploymentIds.has(station)) continue;
      this.usedPackages.add(record.packageKey);
      const folder = this.packages.get(record.packageKey)?.folder;
      const row: RowData = { ...record.data, filePath: packageFileUrl(record.data.filePath ?? '', folder) };
      pushAll(this.mediaByStation, station, [{ row, instant: Date.parse(row.timestamp ?? '') }]);
    }
  }

  private deployments(): RowData[] {
    const rows: RowData[] = [];
    const missingCoordinates: string[] = [];
    const unreadable: string[] = [];
    for (const station of this.stations) {
      const mapped = this.records.deploymentByStation.get(station.id);
      const media = this.mediaByStation.get(station.id) ?? [];
      const period = operationPeriod(station, media, this.utcOffset, mapped?.data);
      if (period === null) {
        this.warnings.push(
          `Station "${station.name}" was left out: it has no photos to take a deployment start and end from, and no operation period.`,
        );
        this.deploymentIds.delete(station.id);
        continue;
      }
      for (const [label, time] of [
        ['start', period.start],
        ['end', period.end],
      ] as const) {
        if (time.ok) continue;
        (time.reason === 'no-zone' ? this.noZone : unreadable).push(
          `station "${station.name}" operation ${label}`,
        );
      }
      if (station.latitude === null || station.longitude === null) {
        missingCoordinates.push(station.name);
        continue;
      }
      if (mapped) this.usedPackages.add(mapped.packageKey);
      else this.galleryRows = true;
      rows.push({
        ...(mapped?.data ?? {
          deploymentID: this.deploymentIds.get(station.id) as string,
          locationName: station.name,
        }),
        latitude: String(station.latitude),
        longitude: String(station.longitude),
        deploymentStart: period.start.ok ? period.start.text : '',
        deploymentEnd: period.end.ok ? period.end.text : '',
      });
    }
    throwIfUnexportable({ missingCoordinates, noZone: this.noZone, unreadable });
    return rows;
  }

  /**
   * One row per sighting (a detection a standing decision assigns to an individual), with the event (the encounter:
   * frames of one station close in time) it belongs to; then one event-level row per individual and event.
   */
  private sightingObservations(): RowData[] {
    const { records } = this;
    const rows: RowData[] = [];
    const reserved = this.reservedObservationIds;
    const eventOf = this.eventOf();
    const events = new Map<
      string,
      { first: TimedRow; last: TimedRow; sighting: SightingRecord; deploymentID: string }
    >();
    let notExported = 0;
    for (const s of listSightings(this.ctx, this.filter)) {
      this.sighted.add(s.detectionId);
      const media = this.exportedMedia.get(s.mediaId);
      const deploymentID = s.stationId === null ? undefined : this.deploymentIds.get(s.stationId);
      if (media === undefined || deploymentID === undefined) {
        notExported += 1;
        continue;
      }
      const mapped = records.observationByDetection.get(s.detectionId);
      if (mapped) this.usedPackages.add(mapped.packageKey);
      else this.galleryRows = true;
      const eventID = mapped?.data.eventID || (eventOf.get(s.mediaId) ?? '');
      rows.push({
        ...sightingRow(s, {
          mapped,
          deploymentID,
          mediaID: media.row.mediaID as string,
          timestamp: media.row.timestamp as string,
          retimed: media.retimed === true,
          individualID: records.individualSource.get(s.individualId) ?? s.individualCode,
          observationID: mapped?.sourceId ?? uniqueId(`detection-${s.detectionId}`, reserved),
        }),
        eventID,
      });
      if (mapped || eventID === '') continue;
      const key = `${eventID}\u0000${s.individualId}`;
      const event = events.get(key);
      if (!event) events.set(key, { first: media, last: media, sighting: s, deploymentID });
      else {
        if (media.instant < event.first.instant) event.first = media;
        if (media.instant > event.last.instant) event.last = media;
      }
    }
    for (const [key, event] of events) {
      const eventID = key.split('\u0000')[0] as string;
      const s = event.sighting;
      rows.push({
        observationID: uniqueId(`event-${eventID}-${s.individualCode}`, reserved),
        deploymentID: event.deploymentID,
        mediaID: '',
        eventID,
        eventStart: event.first.row.timestamp as string,
        eventEnd: event.last.row.timestamp as string,
        observationLevel: 'event',
        observationType: 'animal',
        scientificName: TIGER.scientificName,
        count: '1',
        individualID: records.individualSource.get(s.individualId) ?? s.individualCode,
        classificationMethod: 'human',
        classifiedBy: s.reviewer,
        classificationTimestamp: utcTime(s.decidedAt),
        observationTags: withFlankTag('', s.flank),
      });
    }
    if (notExported > 0) {
      this.warnings.push(
        `${notExported} sighting(s) were left out because their photo has no station or no capture time.`,
      );
    }
    return rows;
  }

  /** gallery media id → eventID: the encounter (frames of one station close in time) it belongs to. */
  private eventOf(): Map<number, string> {
    if (this.events === undefined) {
      this.events = new Map();
      for (const encounter of listEncounters(this.ctx))
        for (const frame of encounter.frames) this.events.set(frame.mediaId, encounter.key);
    }
    return this.events;
  }

  /**
   * What the gallery's photos show besides tigers, one media-level row each: `blank` for a frame set aside as
   * empty (by analysis, or by a reviewer), `animal` for a detection a reviewer called not a tiger (with its species
   * when named), `unknown` for a frame analysis could not judge (its whole frame the detection) that nobody decided
   * on. Photos a package already classified keep the package's rows.
   */
  private contentObservations(): RowData[] {
    const classified = new Set(
      this.records.observations.map((r) => r.mediaId).filter((id): id is number => id !== null),
    );
    const target = (mediaId: number) => {
      const media = this.exportedMedia.get(mediaId);
      if (media === undefined || classified.has(mediaId)) return undefined;
      return media;
    };
    const rows: RowData[] = [];
    const row = (mediaId: number, media: TimedRow, id: string, fields: RowData): void => {
      const timestamp = media.row.timestamp as string;
      rows.push({
        observationID: uniqueId(id, this.reservedObservationIds),
        deploymentID: media.row.deploymentID as string,
        mediaID: media.row.mediaID as string,
        eventID: this.eventOf().get(mediaId) ?? '',
        eventStart: timestamp,
        eventEnd: timestamp,
        observationLevel: 'media',
        ...fields,
      });
    };
    const blanks = this.ctx.db
      .prepare(
        `SELECT m.id, m.content_source AS source, c.reviewer, c.made_at AS madeAt FROM media m
           LEFT JOIN content_marks c ON c.id = (
             SELECT MAX(x.id) FROM content_marks x WHERE x.media_id = m.id AND x.kind = 'empty' AND x.undone_at IS NULL)
          WHERE m.content = 'empty' ORDER BY m.id`,
      )
      .all() as { id: number; source: string; reviewer: string | null; madeAt: string | null }[];
    for (const b of blanks) {
      const media = target(b.id);
      if (media === undefined) continue;
      const byReviewer = b.source === 'reviewer' && b.reviewer !== null && b.madeAt !== null;
      row(b.id, media, `blank-${b.id}`, {
        observationType: 'blank',
        ...(byReviewer
          ? {
              classificationMethod: 'human',
              classifiedBy: b.reviewer as string,
              classificationTimestamp: utcTime(b.madeAt as string),
            }
          : { classificationMethod: 'machine', classifiedBy: `Tiger ID ${APP_VERSION} (background model)` }),
      });
    }
    const others = this.ctx.db
      .prepare(
        `SELECT d.id, d.media_id AS mediaId, d.species, d.box_x, d.box_y, d.box_w, d.box_h, d.detector,
                c.reviewer, c.made_at AS madeAt
           FROM detections d JOIN media m ON m.id = d.media_id
           LEFT JOIN content_marks c ON c.id = (
             SELECT MAX(k.mark_id) FROM content_mark_detections k JOIN content_marks x ON x.id = k.mark_id
              WHERE k.detection_id = d.id AND x.undone_at IS NULL)
          WHERE d.label = 'other' AND m.content IS NOT 'empty' ORDER BY d.id`,
      )
      .all() as (BoxColumns & {
      id: number;
      mediaId: number;
      species: string | null;
      detector: string;
      reviewer: string | null;
      madeAt: string | null;
    })[];
    for (const o of others) {
      const media = target(o.mediaId);
      if (media === undefined) continue;
      row(o.mediaId, media, `detection-${o.id}`, {
        observationType: 'animal',
        scientificName: o.species ?? '',
        count: '1',
        ...boxFields(o.detector, boxOf(o)),
        ...(o.reviewer !== null && o.madeAt !== null
          ? {
              classificationMethod: 'human',
              classifiedBy: o.reviewer,
              classificationTimestamp: utcTime(o.madeAt),
            }
          : {}),
        observationComments: o.species === null ? 'Not a tiger; species not named.' : 'Not a tiger.',
      });
    }
    const unknown = this.ctx.db
      .prepare(
        `SELECT m.id FROM media m WHERE m.content = 'unknown'
            AND NOT EXISTS (SELECT 1 FROM detections d WHERE d.media_id = m.id AND (d.label = 'other'
                  OR EXISTS (SELECT 1 FROM decisions x WHERE x.detection_id = d.id AND x.undone_at IS NULL)))
          ORDER BY m.id`,
      )
      .pluck()
      .all() as number[];
    for (const mediaId of unknown) {
      const media = target(mediaId);
      if (media !== undefined) row(mediaId, media, `unknown-${mediaId}`, { observationType: 'unknown' });
    }
    if (narrowsSightings(this.filter) && rows.length > 0) {
      this.warnings.push(
        `${rows.length} blank, other-species or unknown observation(s) were left out: a time or individual filter selects sightings only.`,
      );
      return [];
    }
    return rows;
  }

  /** Package observations the gallery holds no sighting for (other species, events, blanks), as written. */
  private keptObservations(): RowData[] {
    const exportedDeployments = new Set(this.deploymentIds.values());
    const exportedMedia = new Set<string>();
    for (const list of this.mediaByStation.values())
      for (const { row } of list) exportedMedia.add(row.mediaID ?? '');
    const narrowed = narrowsSightings(this.filter);
    const rows: RowData[] = [];
    let filteredOut = 0;
    let undecided = 0;
    for (const record of this.records.observations) {
      if (record.detectionId !== null) {
        // A sighting once: counted when its decision no longer stands (undone, or changed to no match).
        const onExportedPhoto = record.mediaId !== null && this.exportedMedia.has(record.mediaId);
        if (!this.sighted.has(record.detectionId) && !narrowed && onExportedPhoto) {
          undecided += 1;
        }
        continue;
      }
      const { deploymentID = '', mediaID = '' } = record.data;
      if (!exportedDeployments.has(deploymentID) || (mediaID !== '' && !exportedMedia.has(mediaID))) continue;
      if (narrowed) {
        filteredOut += 1;
        continue;
      }
      this.usedPackages.add(record.packageKey);
      rows.push(record.data);
    }
    if (filteredOut > 0) {
      this.warnings.push(
        `${filteredOut} observation(s) kept from imported Camtrap DP packages are not tiger sightings and were left out: a time or individual filter selects sightings only.`,
      );
    }
    if (undecided > 0) {
      this.warnings.push(
        `${undecided} imported observation(s) were left out because their decision was undone or changed to no match.`,
      );
    }
    return rows;
  }
}

/** A detection's box as Camtrap DP writes it; none for a whole-frame detection (no box was drawn). */
function boxFields(detector: string, box: NormalisedBox): RowData {
  return detector === WHOLE_FRAME_DETECTOR
    ? { bboxX: '', bboxY: '', bboxWidth: '', bboxHeight: '' }
    : { bboxX: String(box.x), bboxY: String(box.y), bboxWidth: String(box.w), bboxHeight: String(box.h) };
}

/** The observation row of a sighting: the package's row with the gallery's fields, or a new one. */
function sightingRow(
  s: SightingRecord,
  ids: {
    mapped: CamtrapRecord | undefined;
    deploymentID: string;
    mediaID: string;
    timestamp: string;
    retimed: boolean;
    individualID: string;
    observationID: string;
  },
): RowData {
  const { mapped } = ids;
  const box = boxFields(s.detector, s.box);
  const fused = s.scores.fused;
  // The import's own decision still standing: the package's classification is still the one in force.
  const classification: RowData =
    mapped !== undefined && mapped.decisionId === s.decisionId
      ? {}
      : {
          classificationMethod: 'human',
          classifiedBy: s.reviewer,
          classificationTimestamp: utcTime(s.decidedAt),
          // A similarity rather than a calibrated probability; written only where it can be read as one.
          classificationProbability: fused !== undefined && fused >= 0 && fused <= 1 ? String(fused) : '',
        };
  const base: RowData = mapped?.data ?? {
    observationID: ids.observationID,
    eventStart: ids.timestamp,
    eventEnd: ids.timestamp,
    observationLevel: 'media',
    observationType: 'animal',
    scientificName: TIGER.scientificName,
    count: '1',
    observationComments: s.notes ?? '',
  };
  return {
    ...base,
    // A media-level observation happens when its photo was taken: a corrected clock moves it too.
    ...(ids.retimed && base.observationLevel === 'media'
      ? { eventStart: ids.timestamp, eventEnd: ids.timestamp }
      : {}),
    deploymentID: ids.deploymentID,
    mediaID: mapped?.data.mediaID ?? ids.mediaID,
    individualID: ids.individualID,
    ...box,
    ...classification,
    observationTags: withFlankTag(base.observationTags ?? '', s.flank),
  };
}

/**
 * A deployment's start and end: the station's operation dates, else its first and last photo. An imported
 * deployment keeps the exact times its package gave while the station's dates are still those days; a date the
 * user changed is read in the zone the package wrote.
 */
function operationPeriod(
  station: StationRow,
  media: TimedRow[],
  utcOffset: string | undefined,
  written: RowData | undefined,
): { start: ZonedTime; end: ZonedTime } | null {
  const dated = media.filter((m) => !Number.isNaN(m.instant));
  const first = dated.reduce<TimedRow | undefined>(
    (a, m) => (a && a.instant <= m.instant ? a : m),
    undefined,
  );
  const last = dated.reduce<TimedRow | undefined>((a, m) => (a && a.instant >= m.instant ? a : m), undefined);
  const photoTime = (m: TimedRow | undefined): ZonedTime | null =>
    m === undefined ? null : { ok: true, text: m.row.timestamp as string, instant: m.instant };
  const recorded = (
    date: string | null,
    exact: string | undefined,
    dateOnly: '00:00:00' | '23:59:59',
  ): ZonedTime | null => {
    if (date === null) return null;
    if (exact !== undefined && exact.slice(0, 10) === date) return zonedTime(exact, undefined);
    return zonedTime(date, (exact === undefined ? undefined : zoneOf(exact)) ?? utcOffset, dateOnly);
  };
  const start = recorded(station.operation_start, written?.deploymentStart, '00:00:00') ?? photoTime(first);
  const end = recorded(station.operation_end, written?.deploymentEnd, '23:59:59') ?? photoTime(last);
  return start === null || end === null ? null : { start, end };
}

function throwIfUnexportable(problems: {
  missingCoordinates: string[];
  noZone: string[];
  unreadable: string[];
}): void {
  const { missingCoordinates, noZone, unreadable } = problems;
  if (missingCoordinates.length > 0) {
    const names = missingCoordinates.map((n) => `"${n}"`).join(', ');
    throw new EngineError(
      'PACKAGE_INVALID',
      `Camtrap DP requires coordinates for every deployment, and ${missingCoordinates.length} station(s) have none: ${names}. ` +
        'Set them on the Stations page, or with `tigerid stations set NAME --lat=LAT --lon=LON` (decimal degrees, WGS84), then export again.',
      { details: { stations: missingCoordinates } },
    );
  }
  if (noZone.length > 0) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${noZone.length} capture or operation time(s) have no time zone (e.g. ${noZone[0]}), and Camtrap DP needs one. ` +
        'Give the UTC offset the camera clocks were set to, such as "+05:30" (--utc-offset on the command line, "UTC offset of the camera clocks" in the app).',
      { details: { examples: noZone.slice(0, 10) } },
    );
  }
  if (unreadable.length > 0) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `Some operation dates are not ISO dates (${unreadable.join(', ')}); set them again as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss.`,
      { details: { fields: unreadable } },
    );
  }
}

/** `preferred`, or `preferred-2`, `-3`... when a package already uses it; the chosen ID is reserved. */
function uniqueId(preferred: string, taken: Set<string>): string {
  let id = preferred;
  for (let n = 2; taken.has(id); n++) id = `${preferred}-${n}`;
  taken.add(id);
  return id;
}

function pushAll<K, V>(map: Map<K, V[]>, key: K, values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}
