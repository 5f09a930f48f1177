import type { InstalledDetector, InstalledEmbedder } from '../inference/installed-models';
import type { StripeMatcher } from '../matching/stripe-matcher';

/**
 * What analysis and identification run with, built once per process from the installed models: a detector
 * (the whole frame when none is installed), the deep re-identification models, and the built-in stripe matcher.
 */
export interface AnalysisServices {
  detector: InstalledDetector;
  stripes: StripeMatcher;
  embedders: InstalledEmbedder[];
  /** Set when remote inference is configured: crops routed to Modal wait in the durable queue, up to this size. */
  queue?: { maxSize: number };
}
