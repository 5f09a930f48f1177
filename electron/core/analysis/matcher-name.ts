import { STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION } from '../matching/stripe-matcher';
import type { AnalysisServices } from './services';

/** Which matchers and detector ran, e.g. "builtin-stripes@3 + megadescriptor-l-384@1a2b3c4d + detector whole-frame". */
export function matcherName(services: AnalysisServices): string {
  return [
    `${STRIPE_MATCHER_ID}@${STRIPE_MATCHER_VERSION}`,
    ...(services.localFeatures
      ? [`${services.localFeatures.modelId}@${services.localFeatures.modelHash.slice(0, 8)}`]
      : []),
    ...services.embedders.map((e) => `${e.modelId}@${e.modelHash.slice(0, 8)}`),
    `detector ${services.detector.id}`,
  ].join(' + ');
}
