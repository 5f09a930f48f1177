import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnalysisServices } from '../../electron/core/analysis/load-services';
import type { CoreContext } from '../../electron/core/context';
import { importAndAnalyse } from '../../electron/core/importing/import-and-analyse';
import { parseManifest, type Manifest } from '../../electron/core/inference/manifest';
import { RemoteInference } from '../../electron/core/inference/remote-inference';
import type { Logger } from '../../electron/core/log';
import { Connectivity, modalTarget } from '../../electron/core/queue/connectivity';
import { FileSecretStore, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET } from '../../electron/core/secrets';
import { setSetting } from '../../electron/core/settings';
import { startFakeModal, type FakeModal } from '../fakes/modal/fake-modal';
import { loadServedModel, modelMethods, type ServedModel } from '../fakes/modal/onnx-methods';
import { linearEmbedderModel } from '../support/onnx/test-models';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';

/**
 * A gallery whose re-identification model runs on a fake Modal: a generated ONNX embedder installed locally
 * (as every model is: the same file everywhere), a real gRPC fake serving the same file through onnxruntime-node,
 * and remote inference configured the way a user would (MODAL_* variables, the token in the secret store).
 */

export const MODEL_ID = 'test-embedder';
export const MODAL_CLASS = 'EmbedderSmall';
export const TOKEN = { id: 'ak-testtoken1234', secret: 'as-testsecret5678' };
/** 32×32 float32 RGB = 12 KiB per tensor: above the SDK's 8 KiB inline limit, so spawns go through blobs. */
const SIDE = 32;
/** Rank-3 projection to 8 dimensions, hand-chosen so different colour balances give different directions. */
const MATRIX = [
  [1, 0, 0.5, -1, 0.25, 0, 2, 1],
  [0, 1, 0.5, 1, -0.5, 1, 0, 1],
  [0, 0, 1, 0, 1, -1, 1, 1],
];

export function remoteManifest(cpuCapable: boolean): Manifest {
  return parseManifest(
    {
      version: 1,
      models: [
        {
          id: MODEL_ID,
          task: 'embed',
          file: 'embedder.onnx',
          url: null,
          sha256: null,
          size: null,
          licence: 'test fixture',
          description: 'generated linear embedder',
          cpuCapable,
          input: {
            width: SIDE,
            height: SIDE,
            resize: 'stretch',
            mean: [0.5, 0.5, 0.5],
            std: [0.25, 0.5, 1],
            layout: 'NCHW',
            scale: 1 / 255,
          },
          output: { dim: MATRIX[0]?.length ?? 0 },
          ensembleWeight: 1,
        },
      ],
    },
    'remote test manifest',
  );
}

export function embedderBytes(): Uint8Array {
  return linearEmbedderModel(SIDE, SIDE, MATRIX);
}

export interface RemoteFixture {
  fake: FakeModal;
  served: ServedModel;
  modelFile: string;
}

/** Starts the fake Modal with the app's class serving the embedder file (port 0 = any, or a fixed one to restart on). */
export async function startModalFake(dir: string, port = 0): Promise<RemoteFixture> {
  const modelFile = join(dir, 'embedder.onnx');
  writeFileSync(modelFile, embedderBytes());
  const served = await loadServedModel(modelFile, MODEL_ID);
  const fake = await startFakeModal({
    port,
    tokenId: TOKEN.id,
    tokenSecret: TOKEN.secret,
    apps: { 'tiger-id-models': { [MODAL_CLASS]: modelMethods(served) } },
  });
  // The SDK reads the endpoint from the environment each time a client is made (PLATFORM-NOTES).
  process.env.MODAL_SERVER_URL = fake.url;
  return { fake, served, modelFile };
}

/** The MODAL_* environment a test runs with: enabled, fast retries, a short per-call timeout. */
export function modalEnv(
  fake: Pick<FakeModal, 'url'>,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    MODAL_ENABLED: 'true',
    MODAL_RETRY_DELAY: '0.05',
    MODAL_TIMEOUT: '5',
    MODAL_SERVER_URL: fake.url,
    ...extra,
  };
}

/** Remote inference as the app builds it, with the token in the gallery's secret store. */
export function remoteFor(
  core: CoreContext,
  fake: Pick<FakeModal, 'url'>,
  log: Logger,
  extra: Record<string, string> = {},
) {
  const secrets = new FileSecretStore(join(core.paths.root, 'secrets.json'));
  secrets.set(MODAL_TOKEN_ID, TOKEN.id);
  secrets.set(MODAL_TOKEN_SECRET, TOKEN.secret);
  const env = modalEnv(fake, extra);
  return new RemoteInference(core, {
    secrets,
    env,
    classes: { [MODEL_ID]: MODAL_CLASS },
    log,
    connectivity: new Connectivity({ target: modalTarget(env), minIntervalMs: 0, timeoutMs: 500 }),
  });
}

/** Installs the embedder in the gallery's model folder (hash recorded), policy "modal". */
export async function installEmbedder(
  core: CoreContext,
  modelFile: string,
  manifest: Manifest,
): Promise<void> {
  const services = await loadAnalysisServices(core, { manifest });
  try {
    await services.store.importFile(modelFile, MODEL_ID);
  } finally {
    await services.close();
  }
  setSetting(core, 'inference.policy', 'modal');
}

/** Writes `count` synthetic striped-tiger photos (distinct individuals and views) into a new folder. */
export async function writePhotos(folder: string, count: number, seed = 0): Promise<string> {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(folder, `p${seed}-${i}.jpg`),
      await syntheticTigerPhoto(1 + ((i + seed) % 7), i + seed, 320, 210),
    );
  }
  return folder;
}

/** Imports and analyses a folder with remote inference: the embedder's work goes to the queue. */
export async function importWithRemote(
  core: CoreContext,
  remote: RemoteInference,
  manifest: Manifest,
  folder: string,
): Promise<void> {
  const services = await loadAnalysisServices(core, { manifest, remote });
  try {
    const result = await importAndAnalyse(core, services, { folder });
    if (result.import.failed.length > 0 || (result.analysis?.failed.length ?? 0) > 0) {
      throw new Error(`fixture import failed: ${JSON.stringify(result)}`);
    }
  } finally {
    await services.close();
  }
}
