import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import type { Flank } from '../gallery/individuals';
import { STRIPE_MATCHER_ID, STRIPE_MATCHER_VERSION, type StripeIndex } from '../matching/stripe-matcher';
import { detectionPlacements } from './frame-placement';
import { decodeLearnedFeatures } from '../matching/learned-features/learned-features';
import { LearnedFeatureIndex } from '../matching/learned-features/learned-feature-index';

interface GalleryEntry {
  individualId: number;
  flank: Flank;
}

/**
 * The searchable gallery: every detection currently assigned to an individual, with its stripe descriptor and
 * deep embeddings. It follows the database: `refresh()` adds and removes only what decisions changed, so a
 * long-running process (the app, the bridge) stays current without rebuilding.
 */
export class GalleryIndex {
  readonly stripes: StripeIndex;
  /** Learned local features of the installed model (empty when none is installed). */
  readonly learned = new LearnedFeatureIndex();
  readonly entries = new Map<number, GalleryEntry>();
  private readonly stripeIds = new Set<number>();
  /** Grows whenever the searchable gallery changes, so results computed at an older revision can be told apart. */
  revision = 0;
  /** model id + hash -> detection id -> vector. Only vectors of one model file are ever compared. */
  readonly vectors = new Map<string, Map<number, Float32Array>>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly services: AnalysisServices,
  ) {
    this.stripes = services.stripes.createIndex();
    for (const e of services.embedders) this.vectors.set(modelKey(e.modelId, e.modelHash), new Map());
  }

  refresh(): void {
    const rows = this.ctx.db
      .prepare(
        `SELECT a.detection_id, a.individual_id, d.flank FROM current_assignments a JOIN detections d ON d.id = a.detection_id`,
      )
      .all() as { detection_id: number; individual_id: number; flank: Flank }[];
    const current = new Set<number>();
    const added: number[] = [];
    let changed = false;
    for (const r of rows) {
      current.add(r.detection_id);
      const before = this.entries.get(r.detection_id);
      if (!before) added.push(r.detection_id);
      if (before?.individualId !== r.individual_id || before.flank !== r.flank) changed = true;
      this.entries.set(r.detection_id, { individualId: r.individual_id, flank: r.flank });
    }
    for (const id of [...this.entries.keys()]) {
      if (current.has(id)) continue;
      changed = true;
      this.entries.delete(id);
      this.dropFeatures(id);
    }
    if (added.length > 0) this.load(added);
    if (changed) this.revision++;
  }

  /**
   * Drops what the index holds of these detections, so the next `refresh()` loads them again: their features were
   * described anew (a box moved by hand) while their assignment stayed the same.
   */
  forget(detectionIds: readonly number[]): void {
    for (const id of detectionIds) {
      if (!this.entries.delete(id)) continue;
      this.dropFeatures(id);
      this.revision++;
    }
  }

  private dropFeatures(id: number): void {
    if (this.stripeIds.delete(id)) this.stripes.remove(id);
    this.learned.remove(id);
    for (const byDetection of this.vectors.values()) byDetection.delete(id);
  }

  /** Whether a detection of the gallery has features to be matched (a crop too small or plain has none). */
  searchable(detectionId: number): boolean {
    return (
      this.stripeIds.has(detectionId) ||
      this.learned.has(detectionId) ||
      [...this.vectors.values()].some((byDetection) => byDetection.has(detectionId))
    );
  }

  private load(detectionIds: number[]): void {
    const select = this.ctx.db.prepare(
      `SELECT detection_id, model_id, model_hash, vector FROM embeddings
        WHERE detection_id IN (SELECT value FROM json_each(?))`,
    );
    const placements = detectionPlacements(this.ctx, detectionIds);
    // Chunks keep the JSON parameter small on galleries of tens of thousands of detections.
    for (let i = 0; i < detectionIds.length; i += 5000) {
      const rows = select.all(JSON.stringify(detectionIds.slice(i, i + 5000))) as {
        detection_id: number;
        model_id: string;
        model_hash: string;
        vector: Buffer;
      }[];
      for (const r of rows) {
        if (r.model_id === STRIPE_MATCHER_ID) {
          if (r.model_hash === STRIPE_MATCHER_VERSION) {
            const placement = placements.get(r.detection_id);
            const individual = this.entries.get(r.detection_id)?.individualId;
            this.stripes.add(
              r.detection_id,
              this.services.stripes.decode(r.vector),
              placement && individual !== undefined ? { ...placement, individual } : placement,
            );
            this.stripeIds.add(r.detection_id);
          }
          continue;
        }
        const local = this.services.localFeatures;
        if (local !== undefined && r.model_id === local.modelId) {
          // Features of another file of this model (before an upgrade) are not compared with the current ones.
          if (r.model_hash === local.modelHash)
            this.learned.add(r.detection_id, decodeLearnedFeatures(r.vector));
          continue;
        }
        this.vectors.get(modelKey(r.model_id, r.model_hash))?.set(r.detection_id, toFloat32(r.vector));
      }
    }
  }
}

export function modelKey(modelId: string, modelHash: string): string {
  return `${modelId}@${modelHash}`;
}

/** Copies a SQLite blob into its own aligned buffer before viewing it as float32. */
export function toFloat32(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
