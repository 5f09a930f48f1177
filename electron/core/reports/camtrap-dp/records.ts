import { z } from 'zod';
import type { GalleryDatabase } from '../../db/open';

/** Rows of imported Camtrap DP packages and what each became in the gallery (see migration 0003). */

export type RecordKind = 'deployment' | 'media' | 'observation' | 'individual';

/** A CSV row as the package wrote it: field name → text. */
export type RowData = Record<string, string>;

export interface RecordLinks {
  stationId: number | null;
  mediaId: number | null;
  detectionId: number | null;
  decisionId: number | null;
  individualId: number | null;
}

export interface CamtrapRecord extends RecordLinks {
  kind: RecordKind;
  sourceId: string;
  packageKey: string;
  data: RowData;
}

export interface SourcePackage {
  key: string;
  folder: string;
  descriptor: Record<string, unknown>;
}

const rowData = z.record(z.string(), z.string());
const id = z.number().int().nullable();
const recordRow = z.object({
  kind: z.enum(['deployment', 'media', 'observation', 'individual']),
  source_id: z.string(),
  package_key: z.string(),
  data: z.string(),
  station_id: id,
  media_id: id,
  detection_id: id,
  decision_id: id,
  individual_id: id,
});
const packageRow = z.object({ key: z.string(), folder: z.string(), descriptor: z.string() });

const NO_LINKS: RecordLinks = {
  stationId: null,
  mediaId: null,
  detectionId: null,
  decisionId: null,
  individualId: null,
};

export class CamtrapRecords {
  private readonly db: GalleryDatabase;
  private readonly now: () => string;

  constructor(db: GalleryDatabase, now: () => string) {
    this.db = db;
    this.now = now;
  }

  packages(): SourcePackage[] {
    return z
      .array(packageRow)
      .parse(this.db.prepare('SELECT key, folder, descriptor FROM camtrap_packages ORDER BY key').all())
      .map((r) => ({
        key: r.key,
        folder: r.folder,
        descriptor: z.record(z.string(), z.unknown()).parse(JSON.parse(r.descriptor)),
      }));
  }

  /** Records the package, or refreshes where it now lives and its metadata when imported again. */
  savePackage(pkg: SourcePackage): void {
    this.db
      .prepare(
        `INSERT INTO camtrap_packages (key, folder, descriptor, imported_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET folder = excluded.folder, descriptor = excluded.descriptor`,
      )
      .run(pkg.key, pkg.folder, JSON.stringify(pkg.descriptor), this.now());
  }

  all(kind?: RecordKind): CamtrapRecord[] {
    const rows =
      kind === undefined
        ? this.db.prepare('SELECT * FROM camtrap_records ORDER BY id').all()
        : this.db.prepare('SELECT * FROM camtrap_records WHERE kind = ? ORDER BY id').all(kind);
    return z.array(recordRow).parse(rows).map(toRecord);
  }

  get(kind: RecordKind, sourceId: string): CamtrapRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM camtrap_records WHERE kind = ? AND source_id = ?')
      .get(kind, sourceId);
    return row === undefined ? undefined : toRecord(recordRow.parse(row));
  }

  /** Adds a record; one already there (the same package imported again) is left as it is. */
  add(
    kind: RecordKind,
    sourceId: string,
    packageKey: string,
    data: RowData,
    links: Partial<RecordLinks> = {},
  ): void {
    const l = { ...NO_LINKS, ...links };
    this.db
      .prepare(
        `INSERT INTO camtrap_records
           (kind, source_id, package_key, data, station_id, media_id, detection_id, decision_id, individual_id, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, source_id) DO NOTHING`,
      )
      .run(
        kind,
        sourceId,
        packageKey,
        JSON.stringify(data),
        l.stationId,
        l.mediaId,
        l.detectionId,
        l.decisionId,
        l.individualId,
        this.now(),
      );
  }

  /** Sets what a record became in the gallery (the fields given; the others are kept). */
  link(kind: RecordKind, sourceId: string, links: Partial<RecordLinks>): void {
    const columns: Record<keyof RecordLinks, string> = {
      stationId: 'station_id',
      mediaId: 'media_id',
      detectionId: 'detection_id',
      decisionId: 'decision_id',
      individualId: 'individual_id',
    };
    const entries = Object.entries(links) as [keyof RecordLinks, number | null][];
    if (entries.length === 0) return;
    this.db
      .prepare(
        `UPDATE camtrap_records SET ${entries.map(([k]) => `${columns[k]} = ?`).join(', ')}
          WHERE kind = ? AND source_id = ?`,
      )
      .run(...entries.map(([, v]) => v), kind, sourceId);
  }
}

function toRecord(r: z.infer<typeof recordRow>): CamtrapRecord {
  return {
    kind: r.kind,
    sourceId: r.source_id,
    packageKey: r.package_key,
    data: rowData.parse(JSON.parse(r.data)),
    stationId: r.station_id,
    mediaId: r.media_id,
    detectionId: r.detection_id,
    decisionId: r.decision_id,
    individualId: r.individual_id,
  };
}

/** Records by what they became, as an export looks them up. */
export interface GroupedRecords {
  deployments: CamtrapRecord[];
  media: CamtrapRecord[];
  observations: CamtrapRecord[];
  deploymentByStation: Map<number, CamtrapRecord>;
  stationOfDeployment: Map<string, number>;
  mediaByGallery: Map<number, CamtrapRecord[]>;
  unlinkedMedia: CamtrapRecord[];
  observationByDetection: Map<number, CamtrapRecord>;
  individualSource: Map<number, string>;
}

export function groupRecords(all: CamtrapRecord[]): GroupedRecords {
  const g: GroupedRecords = {
    deployments: [],
    media: [],
    observations: [],
    deploymentByStation: new Map(),
    stationOfDeployment: new Map(),
    mediaByGallery: new Map(),
    unlinkedMedia: [],
    observationByDetection: new Map(),
    individualSource: new Map(),
  };
  for (const r of all) {
    switch (r.kind) {
      case 'deployment':
        g.deployments.push(r);
        if (r.stationId !== null) {
          g.deploymentByStation.set(r.stationId, r);
          g.stationOfDeployment.set(r.sourceId, r.stationId);
        }
        break;
      case 'media':
        g.media.push(r);
        if (r.mediaId === null) g.unlinkedMedia.push(r);
        else g.mediaByGallery.set(r.mediaId, [...(g.mediaByGallery.get(r.mediaId) ?? []), r]);
        break;
      case 'observation':
        g.observations.push(r);
        if (r.detectionId !== null) g.observationByDetection.set(r.detectionId, r);
        break;
      case 'individual':
        if (r.individualId !== null) g.individualSource.set(r.individualId, r.sourceId);
        break;
    }
  }
  return g;
}
