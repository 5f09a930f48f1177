import type { CoreContext } from '../context';
import { WHOLE_FRAME_DETECTOR, wholeFrameDetection } from '../inference/detector';
import { installedDetector, installedEmbedders } from '../inference/installed-models';
import { loadManifest, type Manifest } from '../inference/manifest';
import { ModelStore } from '../inference/model-store';
import { OnnxEngine } from '../inference/onnx-engine';
import { loadStripeMatcher } from '../matching/stripe-matcher';
import type { AnalysisServices } from './services';

export interface LoadServicesOptions {
  manifest?: Manifest;
  /** Use only these installed models (ids); the built-in stripe matcher always runs. Default: all installed. */
  models?: readonly string[];
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
  const embedders = (await installedEmbedders(engine, store)).filter((e) => wanted(e.modelId));
  const stripes = await loadStripeMatcher();
  return { detector, embedders, stripes, store, engine, close: async () => engine.close() };
}
