import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { isEngineError } from '../errors';
import type { EmbedPayload } from '../queue/embed-payload';
import { getSetting } from '../settings';
import type { GalleryIndex } from './gallery-index';
import { identify, storedQueryFeatures } from './identify';

/**
 * Staggered identification saves GPU money, as the original system advised: the free local stripe matcher looks
 * first, and the expensive remote model is called only when the stripes do not settle the question. "Settled"
 * means the best individual is geometrically verified (stripe score ≥ 0.5, see stripe-matcher.ts), clears the
 * calibrated new-individual threshold, and leads the runner-up by a clear margin.
 */

/** Lead over the second individual that counts as clear, in stripe-score units. */
export const DECISIVE_MARGIN = 0.1;
/** Stripe scores at or above this come from a geometrically verified match. */
const VERIFIED = 0.5;

export interface StripeVerdict {
  decisive: boolean;
  /** The stripe matcher's best individual, or null when it found none. */
  topIndividualId: number | null;
  reason: string;
}

export function stripeVerdict(
  ctx: CoreContext,
  services: AnalysisServices,
  index: GalleryIndex,
  detectionId: number,
): StripeVerdict {
  let result;
  try {
    result = identify(
      ctx,
      { ...services, embedders: [] },
      index,
      storedQueryFeatures(ctx, services, detectionId),
      {
        topK: 2,
        exclude: new Set([detectionId]),
      },
    );
  } catch (error) {
    if (isEngineError(error, 'NOT_FOUND')) {
      return { decisive: false, topIndividualId: null, reason: 'no stripe features' };
    }
    throw error;
  }
  const [top, second] = result.candidates;
  if (top === undefined) return { decisive: false, topIndividualId: null, reason: 'no stripe candidate' };
  const bar = Math.max(VERIFIED, result.threshold ?? VERIFIED);
  const lead = top.score - (second?.score ?? 0);
  const decisive = top.score >= bar && lead >= DECISIVE_MARGIN;
  return {
    decisive,
    topIndividualId: top.individualId,
    reason: decisive
      ? `stripes decisive: ${top.code} at ${top.score.toFixed(3)}, lead ${lead.toFixed(3)}`
      : `stripes not decisive (best ${top.score.toFixed(3)}, lead ${lead.toFixed(3)})`,
  };
}

/**
 * The queue's skip test in staggered mode (read from the settings at each job, so turning it on or off applies
 * to the next job): a reason to skip the remote call, or null to make it.
 */
export function staggeredSkip(
  ctx: CoreContext,
  load: () => Promise<{ services: AnalysisServices; index: GalleryIndex }>,
): (payload: EmbedPayload) => Promise<string | null> {
  return async (payload) => {
    if (!getSetting(ctx, 'inference.staggered')) return null;
    const { services, index } = await load();
    const verdict = stripeVerdict(ctx, services, index, payload.detectionId);
    return verdict.decisive ? verdict.reason : null;
  };
}
