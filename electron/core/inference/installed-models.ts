import type { RawImage } from '../images/raw-image';
import { EngineError } from '../errors';
import { detectAnimals, WHOLE_FRAME_DETECTOR, wholeFrameDetection, type Detection } from './detector';
import { embed } from './embedder';
import { modelTag } from './manifest';
import type { ModelStore } from './model-store';
import type { OnnxEngine } from './onnx-engine';
import type { RouteDecision } from './router';
import { extractAlike, type AlikeExtraction } from './alike/alike-extractor';

/**
 * The installed models as ready-to-call objects for analysis: one detector (the first installed, else the whole
 * frame) and every installed embedder. Their shapes match `AnalysisServices` in core/analysis/services.ts
 * structurally, so analysis depends on these without inference importing analysis.
 */

export interface InstalledDetector {
  /** `modelId@sha256-prefix`, or 'whole-frame'. */
  readonly id: string;
  detect(image: RawImage): Promise<Detection[]>;
}

export interface InstalledEmbedder {
  readonly modelId: string;
  readonly modelHash: string;
  readonly weight: number;
  embed(crop: RawImage): Promise<Float32Array>;
  /**
   * Where the next request would run (see router.ts); absent when only local inference is set up. Analysis
   * queues the crops of a model routed to Modal or the queue instead of waiting for the network.
   */
  route?(): RouteDecision;
}

/** Learned local features (ALIKE) for the built-in matcher: keypoints and descriptors of a crop. */
export interface InstalledLocalFeatures {
  readonly modelId: string;
  readonly modelHash: string;
  readonly weight: number;
  describe(crop: RawImage): Promise<AlikeExtraction>;
}

/** The first installed local-features model in manifest order (the manifest lists the preferred size first). */
export async function installedLocalFeatures(
  engine: OnnxEngine,
  store: ModelStore,
): Promise<InstalledLocalFeatures | null> {
  const model = await store.firstInstalled('local-features');
  if (model === null || model.entry.task !== 'local-features') return null;
  const { extraction, ensembleWeight } = model.entry;
  return {
    modelId: model.id,
    modelHash: model.sha256,
    weight: ensembleWeight,
    describe: (crop) =>
      extractAlike(crop, (input) => engine.run(model, input), {
        side: extraction.side,
        limit: extraction.keypoints,
      }),
  };
}

export async function installedDetector(engine: OnnxEngine, store: ModelStore): Promise<InstalledDetector> {
  const model = await store.firstInstalled('detect');
  if (model === null) return { id: WHOLE_FRAME_DETECTOR, detect: async () => [wholeFrameDetection()] };
  const id = modelTag(model.id, model.sha256);
  return {
    id,
    detect: async (image) => {
      const detections = await detectAnimals(engine, store, image, { modelId: model.id });
      // The id is stored with every detection: a file replaced since these services were built must not be
      // recorded under the old version.
      const other = detections.find((d) => d.detector !== id);
      if (other !== undefined) throw stale(model.id, id, other.detector);
      return detections;
    },
  };
}

function stale(modelId: string, was: string, now: string): EngineError {
  return new EngineError(
    'CONFLICT',
    `Model "${modelId}" changed from ${was} to ${now} while in use; reload the models`,
    {
      details: { id: modelId },
    },
  );
}

export async function installedEmbedders(
  engine: OnnxEngine,
  store: ModelStore,
): Promise<InstalledEmbedder[]> {
  const embedders: InstalledEmbedder[] = [];
  for (const entry of store.manifest.models) {
    if (entry.task !== 'embed' || (await store.record(entry.id)) === null) continue;
    const model = await store.resolve(entry.id);
    embedders.push({
      modelId: model.id,
      modelHash: model.sha256,
      weight: entry.ensembleWeight,
      embed: async (crop) => {
        const [result] = await embed(engine, store, model.id, [crop]);
        // embed() returns exactly one result per crop or throws; this guards the type, not a real case.
        if (result === undefined) throw new Error('embed returned no result for one crop');
        if (result.modelSha256 !== model.sha256) throw stale(model.id, model.sha256, result.modelSha256);
        return result.vector;
      },
    });
  }
  return embedders;
}
