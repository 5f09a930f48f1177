import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import type { ProgressListener } from '../progress';
import { setSetting, type SettingValue } from '../settings';
import type { GalleryIndex } from './gallery-index';
import { identify, storedQueryFeatures } from './identify';

const MIN_INDIVIDUALS = 3;

/**
 * Sets the "new individual?" threshold from the gallery's own decisions, not a guess. Each sampled gallery
 * detection is identified twice: once with only itself left out (as a known tiger would be seen), once with its
 * whole individual left out (as a tiger never seen before would be). The threshold is the score that best
 * separates the two (highest balanced accuracy; the middle of the best range).
 */
export function calibrateNewIndividual(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  options: { maxSamples?: number; matcher: string; onProgress?: ProgressListener },
): NonNullable<SettingValue<'matching.newIndividual'>> {
  index.refresh();
  const byIndividual = new Map<number, number[]>();
  for (const [detectionId, entry] of index.entries) {
    // Sightings whose crop gave no features can be neither a query nor an answer.
    if (!index.searchable(detectionId)) continue;
    const list = byIndividual.get(entry.individualId) ?? [];
    list.push(detectionId);
    byIndividual.set(entry.individualId, list);
  }
  if (byIndividual.size < MIN_INDIVIDUALS) {
    throw new EngineError(
      'NOT_CALIBRATED',
      `Calibration needs confirmed sightings of at least ${MIN_INDIVIDUALS} individuals; the gallery has ${byIndividual.size}.`,
    );
  }
  // Known queries need another sighting of their individual in the gallery.
  const eligible = [...index.entries.keys()]
    .filter(
      (id) =>
        index.searchable(id) &&
        (byIndividual.get(index.entries.get(id)?.individualId ?? -1)?.length ?? 0) >= 2,
    )
    .sort((a, b) => a - b);
  const maxSamples = options.maxSamples ?? 200;
  const step = Math.max(1, eligible.length / maxSamples);
  const sample: number[] = [];
  for (let i = 0; i < eligible.length && sample.length < maxSamples; i += step)
    sample.push(eligible[Math.floor(i)] as number);

  const known: number[] = [];
  const unknown: number[] = [];
  sample.forEach((detectionId, i) => {
    const query = storedQueryFeatures(ctx, services, detectionId);
    const individual = byIndividual.get(index.entries.get(detectionId)?.individualId ?? -1) ?? [];
    const asKnown = identify(ctx, services, index, query, { topK: 1, exclude: new Set([detectionId]) });
    const asUnknown = identify(ctx, services, index, query, { topK: 1, exclude: new Set(individual) });
    known.push(asKnown.candidates[0]?.score ?? 0);
    unknown.push(asUnknown.candidates[0]?.score ?? 0);
    options.onProgress?.({ phase: 'calibrate', done: i + 1, total: sample.length, unit: 'queries' });
  });

  const { threshold, knownBelow, unknownAbove } = bestSeparatingThreshold(known, unknown);
  const calibration = {
    threshold,
    knownBelow,
    unknownAbove,
    samples: sample.length,
    matcher: options.matcher,
    calibratedAt: ctx.now().toISOString(),
  };
  setSetting(ctx, 'matching.newIndividual', calibration);
  return calibration;
}

/** The threshold maximising balanced accuracy between known (should score high) and unknown (low) scores. */
export function bestSeparatingThreshold(
  known: number[],
  unknown: number[],
): { threshold: number; knownBelow: number; unknownAbove: number } {
  if (known.length === 0 || unknown.length === 0) {
    throw new RangeError('Expected at least one known and one unknown score to calibrate a threshold');
  }
  const cuts = [...new Set([...known, ...unknown])].sort((a, b) => a - b);
  // Below everything, between each pair of neighbouring scores, and above everything.
  const candidates = [
    (cuts[0] ?? 0) - 1e-9,
    ...cuts.slice(1).map((c, i) => (c + (cuts[i] ?? c)) / 2),
    (cuts.at(-1) ?? 0) + 1e-9,
  ];
  let bestScore = -Infinity;
  let bestRange: number[] = [];
  for (const t of candidates) {
    const tpr = known.filter((s) => s >= t).length / known.length;
    const tnr = unknown.filter((s) => s < t).length / unknown.length;
    const balanced = (tpr + tnr) / 2;
    if (balanced > bestScore + 1e-12) {
      bestScore = balanced;
      bestRange = [t];
    } else if (Math.abs(balanced - bestScore) <= 1e-12) {
      bestRange.push(t);
    }
  }
  const threshold = ((bestRange[0] ?? 0) + (bestRange.at(-1) ?? 0)) / 2;
  return {
    threshold,
    knownBelow: known.filter((s) => s < threshold).length / known.length,
    unknownAbove: unknown.filter((s) => s >= threshold).length / unknown.length,
  };
}
