import type { Verdict } from '../../gallery/decisions';
import { WHOLE_FRAME_DETECTOR } from '../../inference/detector';
import type { PhotoCheck } from './images';

/** How a report words the facts it prints. The sealed JSON keeps each value exactly as stored. */

const UTC_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(:\d{2})?)(\.\d+)?$/;

/** A time the app recorded (always UTC), to the second. */
export function formatInstant(iso: string): string {
  const m = UTC_INSTANT.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/**
 * A capture time as the camera wrote it. Camera clocks rarely record a zone; the report says so rather than
 * presenting local camera time as UTC.
 */
export function formatCaptured(captured: string | null): string {
  if (captured === null) return 'not recorded (the photo has no capture time)';
  const local = LOCAL_TIME.exec(captured);
  if (local) return `${local[1]} ${local[2]} (camera clock, time zone not recorded)`;
  return captured.replace('T', ' ');
}

/** A short form for tables and captions. */
export function formatCapturedShort(captured: string | null): string {
  if (captured === null) return 'undated';
  return captured.replace('T', ' ').replace(/\.\d+/, '');
}

export function formatScore(score: number | undefined): string {
  return score === undefined ? 'n/a' : score.toFixed(3);
}

export function formatGps(latitude: number | null, longitude: number | null): string {
  if (latitude === null || longitude === null) return 'not recorded';
  return `${latitude.toFixed(5)}, ${longitude.toFixed(5)} (WGS 84 decimal degrees)`;
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  match: 'match',
  'new-individual': 'new individual',
  'no-match': 'no match',
  'cant-tell': "can't tell",
};

export function formatDetector(detector: string, confidence: number | null): string {
  if (detector === WHOLE_FRAME_DETECTOR)
    return `${detector} (no detector ran: the whole frame is the detection)`;
  return confidence === null ? detector : `${detector}, confidence ${confidence.toFixed(3)}`;
}

/** The decision's own scores: fused and threshold first, then each model's. */
export function formatDecisionScores(scores: Record<string, number>): string {
  const lines: string[] = [];
  if (scores.fused !== undefined) lines.push(`fused ${formatScore(scores.fused)}`);
  if (scores.threshold !== undefined) lines.push(`match threshold ${formatScore(scores.threshold)}`);
  for (const [model, score] of Object.entries(scores).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (model !== 'fused' && model !== 'threshold') lines.push(`${model} ${formatScore(score)}`);
  }
  return lines.length > 0 ? lines.join('\n') : 'none recorded';
}

/** What a picture slot says when the photo cannot be shown. */
export function photoProblem(
  check: Exclude<PhotoCheck, { status: 'verified' }>,
  file: string,
  recorded: string,
): string {
  switch (check.status) {
    case 'missing':
      return `image file missing: ${file}`;
    case 'changed':
      return `image file changed since import: ${file} (SHA-256 now ${check.actualSha256}, recorded ${recorded})`;
    case 'unreadable':
      return `image file unreadable: ${file} (${check.reason})`;
  }
}
