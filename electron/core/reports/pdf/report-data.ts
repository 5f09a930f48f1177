import { z } from 'zod';
import type { CoreContext } from '../../context';
import { EngineError } from '../../errors';
import { shownCandidate, type ShownCandidate, type Verdict } from '../../gallery/decisions';
import { findIndividual, type Flank } from '../../gallery/individuals';
import { boxOf, type BoxColumns, type NormalisedBox } from '../../images/crop';
import type { PhotoCheck } from './images';
import { getSetting } from '../../settings';
import { parseInput } from '../../validate';
import { listSightings, sightingFilterSchema, type SightingRecord } from '../sightings';

/**
 * Everything a match report states, gathered from the gallery: no drawing here. The PDF prints these facts and
 * seals exactly this data (plus the photo checks made while drawing), so the two cannot drift apart.
 */

export type ReportScope =
  { decisionId: number } | { individualId: number } | { from?: string; to?: string; stationId?: number };

const id = z.number().int().positive();
const reportScopeSchema = z.union([
  z.object({ decisionId: id }).strict(),
  z.object({ individualId: id }).strict(),
  sightingFilterSchema.pick({ from: true, to: true, stationId: true }).strict(),
]);

export type ScopeStatement =
  | { kind: 'decision'; decisionId: number }
  | { kind: 'individual'; individualId: number; code: string; name: string | null }
  | {
      kind: 'range';
      /** Inclusive bounds on capture time as given; null when open. */
      from: string | null;
      to: string | null;
      stationId: number | null;
      stationName: string | null;
    };

/** One decision on the detection, undone ones included: the audit trail of how it came to be assigned. */
export interface TrailEntry {
  decisionId: number;
  verdict: Verdict;
  individualId: number | null;
  individualCode: string | null;
  /** The code of the individual it was later merged into, when it was. */
  mergedIntoCode: string | null;
  reviewer: string;
  decidedAt: string;
  notes: string | null;
  undoneAt: string | null;
  undoneBy: string | null;
  /** The decision that assigns the detection now. */
  inForce: boolean;
}

/** A candidate as the reviewer saw it, best first. */
export interface CandidateEvidence extends ShownCandidate {
  rank: number;
  /** The individual the reviewer chose (as it was when deciding, before any merge). */
  chosen: boolean;
}

export interface SightingEvidence extends SightingRecord {
  /** Empty when the decision recorded none: older decisions, or no comparison was possible when deciding. */
  candidates: CandidateEvidence[];
  trail: TrailEntry[];
}

/** A detection whose picture the report shows: a sighting's own, or a candidate's best image. */
export interface PhotoRecord {
  detectionId: number;
  mediaId: number;
  file: string;
  /** SHA-256 of the photo file recorded at import. */
  mediaSha256: string;
  box: NormalisedBox;
}

export interface IndividualProfile {
  individualId: number;
  code: string;
  name: string | null;
  notes: string | null;
  sightings: number;
  /** Earliest and latest capture time among its dated sightings. */
  firstSeen: string | null;
  lastSeen: string | null;
  stations: { stationName: string | null; sightings: number }[];
  flanks: Flank[];
}

/** One line of a range report's summary: an individual at a station. */
export interface SummaryRow {
  individualId: number;
  code: string;
  name: string | null;
  stationName: string | null;
  sightings: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export const REPORT_FORMAT = 'tigerid.match-report/1';

/** Candidates whose best picture a sighting shows beside its own; the score table lists every candidate kept. */
export const CANDIDATE_PICTURES = 4;

export interface ReportData {
  format: typeof REPORT_FORMAT;
  scope: ScopeStatement;
  generatedAt: string;
  appVersion: string;
  reviewerOfRecord: string | null;
  gallery: { folder: string; individuals: number; photos: number; sightings: number };
  /** Fraction of the box added on each side of a crop, as the reviewer saw it in the app. */
  cropPadding: number;
  /** For an individual report. */
  individual: IndividualProfile | null;
  /** For a range report: sightings per individual and station. */
  summary: SummaryRow[];
  sightings: SightingEvidence[];
  /** Every picture shown, one per detection, in detection order. */
  photos: PhotoRecord[];
}

/** What the seal covers: the report's data plus what reading each photo file found while the PDF was drawn. */
export interface ReportContent extends Omit<ReportData, 'photos'> {
  photos: (PhotoRecord & { check: PhotoCheck })[];
}

export function reportContent(data: ReportData, checks: ReadonlyMap<number, PhotoCheck>): ReportContent {
  return {
    ...data,
    photos: data.photos.map((photo) => {
      const check = checks.get(photo.detectionId);
      if (!check) throw new Error(`photo of detection ${photo.detectionId} was never drawn`);
      return { ...photo, check };
    }),
  };
}

export interface ReportHeader {
  appVersion: string;
  reviewerOfRecord: string | null;
  generatedAt: Date;
}

/**
 * Gathers a report's data. Throws EngineError NOT_FOUND when the scope names nothing in the gallery or holds no
 * sighting (no report is better than an empty one), INVALID_ARGUMENT for a range that ends before it starts.
 */
export function gatherReportData(ctx: CoreContext, scope: ReportScope, header: ReportHeader): ReportData {
  const parsed = parseInput(reportScopeSchema, scope, 'report scope');
  const { statement, sightings } = resolveScope(ctx, parsed);
  if (sightings.length === 0) {
    throw new EngineError('NOT_FOUND', `${describeEmpty(statement)}; no report was written.`, {
      details: { scope: parsed },
    });
  }
  const evidence = sightings.map((s) => sightingEvidence(ctx, s));
  return {
    format: REPORT_FORMAT,
    scope: statement,
    generatedAt: header.generatedAt.toISOString(),
    appVersion: header.appVersion,
    reviewerOfRecord: header.reviewerOfRecord,
    gallery: galleryFacts(ctx),
    cropPadding: getSetting(ctx, 'detection.cropPadding'),
    individual: statement.kind === 'individual' ? profile(ctx, statement, sightings) : null,
    summary: statement.kind === 'range' ? summarise(sightings) : [],
    sightings: evidence,
    photos: photoRecords(ctx, evidence),
  };
}

function resolveScope(
  ctx: CoreContext,
  scope: z.output<typeof reportScopeSchema>,
): { statement: ScopeStatement; sightings: SightingRecord[] } {
  if ('decisionId' in scope) {
    return {
      statement: { kind: 'decision', decisionId: scope.decisionId },
      sightings: [decisionSighting(ctx, scope.decisionId)],
    };
  }
  if ('individualId' in scope) {
    const individual = findIndividual(ctx, scope.individualId);
    return {
      statement: {
        kind: 'individual',
        individualId: individual.id,
        code: individual.code,
        name: individual.name,
      },
      sightings: listSightings(ctx, { individualId: individual.id }),
    };
  }
  if (scope.from !== undefined && scope.to !== undefined && scope.from.slice(0, 10) > scope.to.slice(0, 10)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `The range starts (${scope.from}) after it ends (${scope.to}).`,
      {
        details: { from: scope.from, to: scope.to },
      },
    );
  }
  let stationName: string | null = null;
  if (scope.stationId !== undefined) {
    const name = ctx.db.prepare('SELECT name FROM stations WHERE id = ?').pluck().get(scope.stationId) as
      string | undefined;
    if (name === undefined)
      throw new EngineError('NOT_FOUND', `No station ${scope.stationId} in the gallery.`);
    stationName = name;
  }
  return {
    statement: {
      kind: 'range',
      from: scope.from ?? null,
      to: scope.to ?? null,
      stationId: scope.stationId ?? null,
      stationName,
    },
    sightings: listSightings(ctx, scope),
  };
}

/** The sighting a decision made, if that decision is the one assigning its detection now. */
function decisionSighting(ctx: CoreContext, decisionId: number): SightingRecord {
  const row = ctx.db
    .prepare('SELECT detection_id, verdict, undone_at FROM decisions WHERE id = ?')
    .get(decisionId) as { detection_id: number; verdict: Verdict; undone_at: string | null } | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No decision ${decisionId} in the gallery.`);
  const [sighting] = listSightings(ctx, { detectionIds: [row.detection_id] });
  if (sighting?.decisionId === decisionId) return sighting;
  const why =
    row.undone_at !== null
      ? `it was undone at ${row.undone_at}`
      : row.verdict !== 'match' && row.verdict !== 'new-individual'
        ? `its verdict "${row.verdict}" assigns no individual`
        : sighting
          ? `decision ${sighting.decisionId} has since assigned detection ${row.detection_id}`
          : `its individual is no longer in the gallery`;
  throw new EngineError(
    'NOT_FOUND',
    `Decision ${decisionId} is not a sighting in force (${why}), so there is no match to report.`,
    { details: { decisionId, detectionId: row.detection_id } },
  );
}

function describeEmpty(statement: ScopeStatement): string {
  switch (statement.kind) {
    case 'decision':
      return `Decision ${statement.decisionId} has no sighting`;
    case 'individual':
      return `${statement.code} has no sightings`;
    case 'range':
      return `No sightings ${rangeText(statement)}`;
  }
}

/** "captured from 2024-03-01 to 2024-03-31 at station A", as the report prints the scope. */
export function rangeText(scope: Extract<ScopeStatement, { kind: 'range' }>): string {
  const dates =
    scope.from !== null && scope.to !== null
      ? `captured ${scope.from} to ${scope.to}`
      : scope.from !== null
        ? `captured from ${scope.from}`
        : scope.to !== null
          ? `captured up to ${scope.to}`
          : 'of any date';
  return `${dates} ${scope.stationName === null ? 'at any station' : `at station ${scope.stationName}`}`;
}

interface DecisionRow {
  id: number;
  verdict: Verdict;
  individual_id: number | null;
  code: string | null;
  reviewer: string;
  decided_at: string;
  notes: string | null;
  undone_at: string | null;
  undone_by: string | null;
  candidates: string;
}

const storedCandidates = z.array(shownCandidate);

function sightingEvidence(ctx: CoreContext, sighting: SightingRecord): SightingEvidence {
  const rows = ctx.db
    .prepare(
      `SELECT dc.id, dc.verdict, dc.individual_id, i.code, dc.reviewer, dc.decided_at, dc.notes,
              dc.undone_at, dc.undone_by, dc.candidates
         FROM decisions dc LEFT JOIN individuals i ON i.id = dc.individual_id
        WHERE dc.detection_id = ? ORDER BY dc.id`,
    )
    .all(sighting.detectionId) as DecisionRow[];
  const inForce = rows.find((r) => r.id === sighting.decisionId);
  if (!inForce) throw new Error(`decision ${sighting.decisionId} vanished while the report was gathered`);
  const shown = parseInput(
    storedCandidates,
    JSON.parse(inForce.candidates),
    `candidates of decision ${inForce.id}`,
  );
  return {
    ...sighting,
    candidates: shown.map((c, i) => ({
      ...c,
      rank: i + 1,
      chosen: c.individualId === inForce.individual_id,
    })),
    trail: rows.map((r) => ({
      decisionId: r.id,
      verdict: r.verdict,
      individualId: r.individual_id,
      individualCode: r.code,
      mergedIntoCode: r.individual_id === null ? null : mergedIntoCode(ctx, r.individual_id),
      reviewer: r.reviewer,
      decidedAt: r.decided_at,
      notes: r.notes,
      undoneAt: r.undone_at,
      undoneBy: r.undone_by,
      inForce: r.id === sighting.decisionId,
    })),
  };
}

/** Follows merges to the individual an id now belongs to; null when it was never merged. */
function mergedIntoCode(ctx: CoreContext, individualId: number): string | null {
  const step = ctx.db.prepare('SELECT merged_into, code FROM individuals WHERE id = ?');
  let row = step.get(individualId) as { merged_into: number | null; code: string } | undefined;
  if (row?.merged_into == null) return null;
  // Bounded like the current_assignments view, so a corrupt cycle cannot hang a report.
  for (let depth = 0; depth < 64 && row?.merged_into != null; depth++) {
    row = step.get(row.merged_into) as typeof row;
  }
  return row?.code ?? null;
}

function photoRecords(ctx: CoreContext, sightings: SightingEvidence[]): PhotoRecord[] {
  const ids = new Set<number>();
  for (const s of sightings) {
    ids.add(s.detectionId);
    for (const c of s.candidates.slice(0, CANDIDATE_PICTURES)) ids.add(c.bestDetectionId);
  }
  const lookup = ctx.db.prepare(
    `SELECT d.id, d.media_id, m.path, m.sha256, d.box_x, d.box_y, d.box_w, d.box_h
       FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?`,
  );
  const photos: PhotoRecord[] = [];
  for (const detectionId of [...ids].sort((a, b) => a - b)) {
    const r = lookup.get(detectionId) as
      (BoxColumns & { id: number; media_id: number; path: string; sha256: string }) | undefined;
    // A candidate's best detection can have been deleted with its photo since; the report says so where it shows it.
    if (!r) continue;
    photos.push({
      detectionId: r.id,
      mediaId: r.media_id,
      file: r.path,
      mediaSha256: r.sha256,
      box: boxOf(r),
    });
  }
  return photos;
}

function galleryFacts(ctx: CoreContext): ReportData['gallery'] {
  const count = (sql: string) => ctx.db.prepare(sql).pluck().get() as number;
  return {
    folder: ctx.paths.root,
    individuals: count('SELECT COUNT(*) FROM individuals WHERE merged_into IS NULL AND retired_at IS NULL'),
    photos: count('SELECT COUNT(*) FROM media'),
    sightings: count('SELECT COUNT(*) FROM current_assignments'),
  };
}

function datedSpan(sightings: SightingRecord[]): { firstSeen: string | null; lastSeen: string | null } {
  const dated = sightings.flatMap((s) => (s.capturedAt === null ? [] : [s.capturedAt])).sort();
  return { firstSeen: dated[0] ?? null, lastSeen: dated.at(-1) ?? null };
}

function profile(
  ctx: CoreContext,
  statement: Extract<ScopeStatement, { kind: 'individual' }>,
  sightings: SightingRecord[],
): IndividualProfile {
  const notes = ctx.db
    .prepare('SELECT notes FROM individuals WHERE id = ?')
    .pluck()
    .get(statement.individualId) as string | null;
  const stations = new Map<string | null, number>();
  for (const s of sightings) stations.set(s.stationName, (stations.get(s.stationName) ?? 0) + 1);
  return {
    individualId: statement.individualId,
    code: statement.code,
    name: statement.name,
    notes,
    sightings: sightings.length,
    ...datedSpan(sightings),
    stations: [...stations].map(([stationName, n]) => ({ stationName, sightings: n })).sort(byStation),
    flanks: [...new Set(sightings.map((s) => s.flank))].sort(),
  };
}

/** Named stations alphabetically, photos without a station last. */
function byStation(a: { stationName: string | null }, b: { stationName: string | null }): number {
  if (a.stationName === b.stationName) return 0;
  if (a.stationName === null) return 1;
  if (b.stationName === null) return -1;
  return a.stationName < b.stationName ? -1 : 1;
}

function summarise(sightings: SightingRecord[]): SummaryRow[] {
  const groups = new Map<string, SightingRecord[]>();
  for (const s of sightings) {
    const key = JSON.stringify([s.individualId, s.stationName]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()]
    .map((group) => {
      const first = group[0] as SightingRecord;
      return {
        individualId: first.individualId,
        code: first.individualCode,
        name: first.individualName,
        stationName: first.stationName,
        sightings: group.length,
        ...datedSpan(group),
      };
    })
    .sort((a, b) => (a.code === b.code ? byStation(a, b) : a.code < b.code ? -1 : 1));
}
