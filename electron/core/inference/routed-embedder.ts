import type { CoreContext } from '../context';
import { EngineError } from '../errors';
import { vectorsFromOutput } from './embedder';
import type { InstalledEmbedder } from './installed-models';
import type { EmbedderEntry } from './manifest';
import { singleInput } from './preprocess';
import type { RemoteInference } from './remote-inference';

/**
 * An installed embedder whose requests go where the router says: the local engine, or Modal running the same
 * file on the same prepared input. Used where a user waits on one answer (identifying a photo); analysis asks
 * `route()` first and queues remote work instead.
 */
export function routedEmbedder(
  ctx: CoreContext,
  local: InstalledEmbedder,
  entry: EmbedderEntry,
  remote: RemoteInference,
  cudaAvailable: boolean,
): InstalledEmbedder {
  const route = () => remote.route(ctx, entry, cudaAvailable);
  return {
    modelId: local.modelId,
    modelHash: local.modelHash,
    weight: local.weight,
    route,
    embed: async (crop) => {
      const decision = route();
      if (decision.route === 'queue') {
        throw new EngineError(
          'REMOTE_UNAVAILABLE',
          `Model "${local.modelId}" runs on Modal here, which cannot be reached now (${decision.reason})`,
          { details: { modelId: local.modelId } },
        );
      }
      if (decision.route !== 'modal') return local.embed(crop);
      const output = await remote.modal.run(
        { id: local.modelId, sha256: local.modelHash },
        await singleInput(crop, entry.input),
      );
      const [vector] = vectorsFromOutput(output, local.modelId, entry.output.dim, 1);
      if (vector === undefined) throw new Error('vectorsFromOutput returned no vector for one crop');
      return vector;
    },
  };
}
