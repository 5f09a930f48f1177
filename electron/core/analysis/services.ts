import type {
  InstalledDetector,
  InstalledEmbedder,
  InstalledLocalFeatures,
} from '../inference/installed-models';
import type { StripeMatcher } from '../matching/stripe-matcher';

/**
 * What analysis and identification run with, built once per process from the installed models: a detector
 * (the whole frame when none is installed), the deep re-identification models, and the built-in stripe matcher
 * with its learned local features where installed.
 */
export interface AnalysisServices {
  detector: InstalledDetector;
  stripes: StripeMatcher;
  embedders: InstalledEmbedder[];
  /** Learned local features (ALIKE) beside the stripe matcher, when one is installed. */
  localFeatures?: InstalledLocalFeatures;
  /** Set when remote inference is configured: crops routed to Modal wait in the durable queue, up to this size. */
  queue?: { maxSize: number };
}
