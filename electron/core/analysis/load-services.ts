import type { CoreContext } from '../context';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../inference/detector';
import { installedDetector, installedEmbedders, installedLocalFeatures } from '../inference/installed-models';
import { loadManifest, type Manifest } from '../inference/manifest';
import { ModelStore } from '../inference/model-store';
import { OnnxEngine } from '../inference/onnx-engine';
import { loadStripeMatcher } from '../matching/stripe-matcher';
import type { RemoteInference } from '../inference/remote-inference';
import { routedEmbedder } from '../inference/routed-embedder';
import { embedderEntry } from '../queue/embed-job';
import type { AnalysisServices } from './services';

export interface LoadServicesOptions {
  manifest?: Manifest;
  /** Use only these installed models (ids); the built-in stripe matcher always runs. Default: all installed. */
  models?: readonly string[];
  /** Remote inference (Modal and the queue); without it every model runs locally. */
  remote?: RemoteInference;
}

/**
 * Builds the analysis services from what is installed in this gallery's model folder: the first installed
 * detector (else whole-frame detections), every installed re-identification model, and the built-in stripe
 * matcher, which needs no download.
 */
export async function loadAnalysisServices(
  ctx: CoreContext,
  options: LoadServicesOptions = {},
): Promise<AnalysisServices & { store: ModelStore; engine: OnnxEngine; close(): Promise<void> }> {
  const store = new ModelStore({
    modelsDir: ctx.paths.models,
    manifest: options.manifest ?? loadManifest(),
    log: ctx.log,
  });
  const engine = new OnnxEngine({ log: ctx.log });
  const wanted = (id: string) =>
    options.models === undefined || options.models.includes(id.split('@')[0] ?? id);
  const installed = await installedDetector(engine, store);
  const detector = wanted(installed.id)
    ? installed
    : { id: WHOLE_FRAME_DETECTOR, detect: async () => [wholeFrameDetection()] };
  let embedders = (await installedEmbedders(engine, store)).filter((e) => wanted(e.modelId));
  const remote = options.remote;
  if (remote !== undefined) {
    const cuda = (await engine.executionProvider()).provider === 'cuda';
    embedders = embedders.map((e) =>
      routedEmbedder(ctx, e, embedderEntry(store.manifest, e.modelId), remote, cuda),
    );
  }
  const stripes = await loadStripeMatcher();
  const localFeatures = await installedLocalFeatures(engine, store);
  return {
    detector,
    embedders,
    stripes,
    ...(localFeatures !== null && wanted(localFeatures.modelId) ? { localFeatures } : {}),
    ...(remote ? { queue: { maxSize: remote.config.queueMaxSize } } : {}),
    store,
    engine,
    close: async () => engine.close(),
  };
}
