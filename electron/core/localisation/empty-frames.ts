import { analyseMedia } from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { ERROR_CODES, EngineError } from '../errors';
import { wholeFrameWithoutStrip } from './localise-frames';

/** A frame set aside as empty: it showed only its camera's background. */
export interface EmptyFrame {
  mediaId: number;
  file: string;
  station: string | null;
  capturedAt: string | null;
  /** Who set it aside: analysis, or a reviewer who said it holds no animal. */
  source: 'localisation' | 'reviewer';
}

/** The frames set aside as empty, newest capture first; `total` counts all of them. */
export function listEmptyFrames(
  ctx: CoreContext,
  options: { limit: number; offset?: number },
): { total: number; items: EmptyFrame[] } {
  const total = ctx.db.prepare("SELECT COUNT(*) FROM media WHERE content = 'empty'").pluck().get() as number;
  const items = ctx.db
    .prepare(
      `SELECT m.id AS mediaId, m.path AS file, s.name AS station, m.captured_at AS capturedAt,
              m.content_source AS source
         FROM media m LEFT JOIN stations s ON s.id = m.station_id
        WHERE m.content = 'empty'
        ORDER BY m.captured_at IS NULL, m.captured_at DESC, m.id DESC
        LIMIT ? OFFSET ?`,
    )
    .all(options.limit, options.offset ?? 0) as EmptyFrame[];
  return { total, items };
}

/**
 * Pulls a frame set aside as empty back in: it gets a whole-frame detection (less the info strip), described by
 * every matcher, and so appears in Review. The user's word stands: the frame is 'unknown' from then on and is not
 * localised again.
 */
export async function restoreEmptyFrame(
  ctx: CoreContext,
  services: AnalysisServices,
  mediaId: number,
): Promise<{ mediaId: number; detections: number }> {
  const row = ctx.db
    .prepare('SELECT content, strip_top, strip_bottom FROM media WHERE id = ?')
    .get(mediaId) as { content: string | null; strip_top: number; strip_bottom: number } | undefined;
  if (row === undefined) throw new EngineError('NOT_FOUND', `No frame ${mediaId} in the gallery`);
  if (row.content !== 'empty') {
    throw new EngineError('CONFLICT', `Frame ${mediaId} was not set aside as empty`, {
      details: { mediaId, content: row.content },
    });
  }
  // Pending again, with the user's verdict recorded first: if describing it fails now (a model down), the next
  // analysis run picks it up as a whole frame instead of setting it aside again.
  ctx.db
    .prepare(
      "UPDATE media SET analysed_at = NULL, content = 'unknown', content_source = 'reviewer' WHERE id = ? AND content = 'empty'",
    )
    .run(mediaId);
  const strip = { top: row.strip_top, bottom: row.strip_bottom };
  const outcome = await analyseMedia(ctx, services, mediaId, {
    content: 'unknown',
    detections: [wholeFrameWithoutStrip(strip)],
    strip,
  });
  if (outcome.error) {
    const failed = outcome.error.code;
    throw new EngineError(
      ERROR_CODES.find((c) => c === failed) ?? 'INFERENCE_FAILED',
      `Frame ${mediaId} is back in Review's queue but could not be described yet: ${outcome.error.message}`,
      { details: { mediaId } },
    );
  }
  return { mediaId, detections: outcome.detections };
}
