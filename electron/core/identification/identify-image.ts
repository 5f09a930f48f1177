import { readFile } from 'node:fs/promises';
import { ANALYSIS_MAX_SIDE, describeAnimals } from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import { boxOf, type BoxColumns, type NormalisedBox } from '../images/crop';
import type { CoreContext } from '../context';
import { fileUnreadable } from '../images/file-access';
import { decodeImage } from '../images/decode';
import type { GalleryIndex } from './gallery-index';
import { modelKey } from './gallery-index';
import {
  identify,
  storedQueryFeatures,
  type Identification,
  type IdentifyOptions,
  type QueryFeatures,
} from './identify';
import { MAYBE_TIGER } from '../gallery/decisions';
import { sha256Hex } from '../sha256';

export interface AnimalIdentification extends Identification {
  box: NormalisedBox;
  confidence: number | null;
  /** The gallery detection this is, when the photo was already imported (it is then never matched with itself). */
  detectionId: number | null;
}

/**
 * Identifies every animal in a photo, as the app would: an already-imported photo uses its stored detections (none
 * when it was set aside as empty or holds only other species); a new one is detected and described on the fly and
 * nothing is stored.
 */
export async function identifyImageFile(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  file: string,
  options: IdentifyOptions & {
    /** A remote model that cannot answer now: identification goes on with the other models, the caller says so. */
    onModelUnavailable?: (modelId: string, reason: string) => void;
  } = {},
): Promise<AnimalIdentification[]> {
  const { onModelUnavailable, ...identifyOptions } = options;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw fileUnreadable(file, error);
  }
  const sha256 = sha256Hex(bytes);
  const media = ctx.db.prepare('SELECT id, analysed_at FROM media WHERE sha256 = ?').get(sha256) as
    { id: number; analysed_at: string | null } | undefined;
  // Boxes a reviewer called another species, or on a frame set aside as empty, are not tigers to identify.
  const stored = media
    ? (ctx.db
        .prepare(
          `SELECT d.id, d.box_x, d.box_y, d.box_w, d.box_h, d.confidence
             FROM detections d WHERE d.media_id = ? AND ${MAYBE_TIGER} ORDER BY d.id`,
        )
        .all(media.id) as (BoxColumns & { id: number; confidence: number | null })[])
    : [];
  if (stored.length > 0) {
    const identified: AnimalIdentification[] = [];
    let unusable: unknown;
    for (const d of stored) {
      let query: QueryFeatures;
      try {
        query = storedQueryFeatures(ctx, services, d.id);
      } catch (error) {
        // A box too small or plain to describe is passed over; only a photo with no usable box fails.
        unusable ??= error;
        continue;
      }
      identified.push({
        ...identify(ctx, services, index, query, {
          ...identifyOptions,
          exclude: new Set([...(identifyOptions.exclude ?? []), d.id]),
        }),
        box: boxOf(d),
        confidence: d.confidence,
        detectionId: d.id,
      });
    }
    if (identified.length === 0) throw unusable;
    return identified;
  }
  // An analysed frame with no tiger left (set aside as empty, or only other species) has nothing to identify;
  // describing it whole would invent an animal.
  if (media?.analysed_at != null) return [];
  const { image } = await decodeImage(bytes, { maxSide: ANALYSIS_MAX_SIDE });
  const animals = await describeAnimals(
    ctx,
    services,
    image,
    onModelUnavailable ? { onModelUnavailable } : {},
  );
  return animals
    .filter((a) => a.stripes !== null || a.learned !== null || a.vectors.length > 0)
    .map((a) => ({
      ...identify(
        ctx,
        services,
        index,
        {
          flank: 'unknown',
          stripes: a.stripes,
          learned: a.learned,
          vectors: new Map(a.vectors.map((v) => [modelKey(v.modelId, v.modelHash), v.vector])),
          view: a.view,
        },
        identifyOptions,
      ),
      box: a.animal.box,
      confidence: a.animal.confidence,
      detectionId: null,
    }));
}
