import { z } from 'zod';
import type { CoreContext } from '../context';
import type { Flank } from '../gallery/individuals';
import { boxOf, type BoxColumns, type NormalisedBox } from '../images/crop';
import { parseInput } from '../validate';

/**
 * Sightings: detections assigned to an individual by a standing human decision, with everything an export needs.
 * Every report and export (PDF, CSV, Camtrap DP, capture histories) reads them through this one query, so they
 * agree on what counts as a sighting.
 */

export interface SightingRecord {
  detectionId: number;
  decisionId: number;
  individualId: number;
  individualCode: string;
  individualName: string | null;
  flank: Flank;
  mediaId: number;
  mediaSha256: string;
  file: string;
  fileName: string;
  /** ISO 8601 as read from EXIF (may lack a zone), or null when the photo has no capture time. */
  capturedAt: string | null;
  stationId: number | null;
  stationName: string | null;
  /** Photo GPS when present, else the station's coordinates. */
  latitude: number | null;
  longitude: number | null;
  box: NormalisedBox;
  detector: string;
  confidence: number | null;
  /** The scores the reviewer saw: `fused`, per model id, and `threshold` when calibrated. */
  scores: Record<string, number>;
  /** model id → file hash of every model behind those scores. */
  modelVersions: Record<string, string>;
  verdict: 'match' | 'new-individual';
  reviewer: string;
  decidedAt: string;
  notes: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

export const sightingFilterSchema = z
  .object({
    /** Inclusive lower bound on capture time (a date means its first instant). */
    from: z.string().regex(ISO_DATE, 'must be an ISO date such as 2024-03-01').optional(),
    /** Inclusive upper bound on capture time (a date means the whole day). */
    to: z.string().regex(ISO_DATE, 'must be an ISO date such as 2024-03-31').optional(),
    stationId: z.number().int().positive().optional(),
    individualId: z.number().int().positive().optional(),
    detectionIds: z.array(z.number().int().positive()).optional(),
  })
  .strict();

export type SightingFilter = z.input<typeof sightingFilterSchema>;

interface SightingRow extends BoxColumns {
  detection_id: number;
  decision_id: number;
  individual_id: number;
  code: string;
  name: string | null;
  flank: Flank;
  media_id: number;
  sha256: string;
  path: string;
  file_name: string;
  captured_at: string | null;
  station_id: number | null;
  station_name: string | null;
  latitude: number | null;
  longitude: number | null;
  detector: string;
  confidence: number | null;
  scores: string;
  model_versions: string;
  verdict: 'match' | 'new-individual';
  reviewer: string;
  decided_at: string;
  notes: string | null;
}

const jsonNumbers = z.record(z.string(), z.number());
const jsonStrings = z.record(z.string(), z.string());

function toSighting(r: SightingRow): SightingRecord {
  return {
    detectionId: r.detection_id,
    decisionId: r.decision_id,
    individualId: r.individual_id,
    individualCode: r.code,
    individualName: r.name,
    flank: r.flank,
    mediaId: r.media_id,
    mediaSha256: r.sha256,
    file: r.path,
    fileName: r.file_name,
    capturedAt: r.captured_at,
    stationId: r.station_id,
    stationName: r.station_name,
    latitude: r.latitude,
    longitude: r.longitude,
    box: boxOf(r),
    detector: r.detector,
    confidence: r.confidence,
    scores: jsonNumbers.parse(JSON.parse(r.scores)),
    modelVersions: jsonStrings.parse(JSON.parse(r.model_versions)),
    verdict: r.verdict,
    reviewer: r.reviewer,
    decidedAt: r.decided_at,
    notes: r.notes,
  };
}

/** `to` as a date covers the whole day: compare against the next day's start. */
export function upperBound(to: string): { op: '<' | '<='; value: string } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    const next = new Date(`${to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    return { op: '<', value: next.toISOString().slice(0, 10) };
  }
  return { op: '<=', value: to };
}

/**
 * The sightings matching the filter, ordered by capture time (undated last), then detection. Merged individuals
 * are followed to the one they were merged into; undone decisions do not count.
 */
export function listSightings(ctx: CoreContext, filter: SightingFilter = {}): SightingRecord[] {
  const f = parseInput(sightingFilterSchema, filter, 'sighting filter');
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (f.from !== undefined) {
    where.push('m.captured_at >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    const bound = upperBound(f.to);
    where.push(`m.captured_at ${bound.op} ?`);
    params.push(bound.value);
  }
  if (f.stationId !== undefined) {
    where.push('m.station_id = ?');
    params.push(f.stationId);
  }
  if (f.individualId !== undefined) {
    where.push('a.individual_id = ?');
    params.push(f.individualId);
  }
  if (f.detectionIds !== undefined) {
    if (f.detectionIds.length === 0) return [];
    where.push(`d.id IN (${f.detectionIds.map(() => '?').join(',')})`);
    params.push(...f.detectionIds);
  }
  const rows = ctx.db
    .prepare(
      `SELECT d.id AS detection_id, a.decision_id, a.individual_id, i.code, i.name, d.flank,
              m.id AS media_id, m.sha256, m.path, m.file_name, m.captured_at,
              s.id AS station_id, s.name AS station_name,
              COALESCE(m.latitude, s.latitude) AS latitude, COALESCE(m.longitude, s.longitude) AS longitude,
              d.box_x, d.box_y, d.box_w, d.box_h, d.detector, d.confidence,
              dc.scores, dc.model_versions, dc.verdict, dc.reviewer, dc.decided_at, dc.notes
         FROM current_assignments a
         JOIN detections d ON d.id = a.detection_id
         JOIN decisions dc ON dc.id = a.decision_id
         JOIN individuals i ON i.id = a.individual_id
         JOIN media m ON m.id = d.media_id
         LEFT JOIN stations s ON s.id = m.station_id
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY m.captured_at IS NULL, m.captured_at, d.id`,
    )
    .all(...params) as SightingRow[];
  return rows.map(toSighting);
}
