import { readFile } from 'node:fs/promises';
import { ANALYSIS_MAX_SIDE, describeAnimals } from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import { boxOf, type BoxColumns, type NormalisedBox } from '../images/crop';
import type { CoreContext } from '../context';
import { fileUnreadable } from '../images/file-access';
import { decodeImage } from '../images/decode';
import type { GalleryIndex } from './gallery-index';
import { modelKey } from './gallery-index';
import { identify, storedQueryFeatures, type Identification, type IdentifyOptions } from './identify';
import { sha256Hex } from '../sha256';

export interface AnimalIdentification extends Identification {
  box: NormalisedBox;
  confidence: number | null;
  /** The gallery detection this is, when the photo was already imported (it is then never matched with itself). */
  detectionId: number | null;
}

/**
 * Identifies every animal in a photo, as the app would: an already-imported photo uses its stored detections;
 * a new one is detected and described on the fly and nothing is stored.
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
  const stored = ctx.db
    .prepare(
      `SELECT d.id, d.box_x, d.box_y, d.box_w, d.box_h, d.confidence
         FROM detections d JOIN media m ON m.id = d.media_id WHERE m.sha256 = ? ORDER BY d.id`,
    )
    .all(sha256) as (BoxColumns & { id: number; confidence: number | null })[];
  if (stored.length > 0) {
    return stored.map((d) => ({
      ...identify(ctx, services, index, storedQueryFeatures(ctx, services, d.id), {
        ...identifyOptions,
        exclude: new Set([...(identifyOptions.exclude ?? []), d.id]),
      }),
      box: boxOf(d),
      confidence: d.confidence,
      detectionId: d.id,
    }));
  }
  const { image } = await decodeImage(bytes, { maxSide: ANALYSIS_MAX_SIDE });
  const animals = await describeAnimals(
    ctx,
    services,
    image,
    onModelUnavailable ? { onModelUnavailable } : {},
  );
  return animals
    .filter((a) => a.stripes !== null || a.vectors.length > 0)
    .map((a) => ({
      ...identify(
        ctx,
        services,
        index,
        {
          flank: 'unknown',
          stripes: a.stripes,
          vectors: new Map(a.vectors.map((v) => [modelKey(v.modelId, v.modelHash), v.vector])),
        },
        identifyOptions,
      ),
      box: a.animal.box,
      confidence: a.animal.confidence,
      detectionId: null,
    }));
}
