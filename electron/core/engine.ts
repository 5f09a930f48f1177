import { loadAnalysisServices } from './analysis/load-services';
import { openCore, type CoreContext } from './context';
import { GalleryIndex } from './identification/gallery-index';
import { staggeredSkip } from './identification/staggered';
import { ImportJobs } from './import-jobs';
import { dirname } from 'node:path';
import { bundledManifestPath, loadManifest, type Manifest } from './inference/manifest';
import { openRemoteInference, type RemoteInference } from './inference/remote-inference';
import { QueueSync } from './queue/queue-sync';
import { silentLogger, type Logger } from './log';
import type { SecretStore } from './secrets';

export type LoadedServices = Awaited<ReturnType<typeof loadAnalysisServices>>;

export interface EngineOptions {
  dataDir: string;
  secrets: SecretStore;
  /** The models manifest; default the one in the repository (a packaged app passes its resources copy). */
  manifestFile?: string;
  log?: Logger;
  now?: () => Date;
  /** MODAL_* configuration; default the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Where a `.env` file is looked for; default the working directory. */
  cwd?: string;
}

/**
 * The engine of a long-lived process (the desktop app or `tigerid serve`): one open gallery, the analysis
 * services loaded once, the searchable gallery index kept current, and background imports. Dependencies come in
 * through the options, so tests, the bridge and Electron build it the same way.
 */
export class Engine {
  readonly core: CoreContext & { close(): void };
  readonly secrets: SecretStore;
  readonly imports: ImportJobs;
  readonly remote: RemoteInference;
  readonly queueSync: QueueSync;
  private servicesPromise: Promise<LoadedServices> | undefined;
  private indexInstance: GalleryIndex | undefined;
  /** The models manifest, read once: analysis and the queue work from the same one. */
  readonly manifest: Manifest;
  /** The folder of the manifest: modal-classes.json and the licences' texts lie beside it. */
  readonly modelsFolder: string;

  constructor(options: EngineOptions) {
    this.core = openCore({
      dataDir: options.dataDir,
      log: options.log ?? silentLogger,
      ...(options.now ? { now: options.now } : {}),
    });
    this.secrets = options.secrets;
    this.manifest = loadManifest(options.manifestFile);
    this.modelsFolder = dirname(options.manifestFile ?? bundledManifestPath());
    const log = options.log ?? silentLogger;
    // Invalid MODAL_* values stop the start here, with the variable's name.
    this.remote = openRemoteInference(this.core, {
      secrets: options.secrets,
      env: options.env ?? process.env,
      modelsFolder: this.modelsFolder,
      cwd: options.cwd ?? process.cwd(),
      log,
    });
    this.queueSync = new QueueSync(this.core, {
      remote: this.remote,
      manifest: this.manifest,
      log,
      skipRemote: staggeredSkip(this.core, async () => ({
        services: await this.services(),
        index: await this.index(),
      })),
    });
    this.queueSync.start();
    this.imports = new ImportJobs(
      this.core,
      () => this.services(),
      () => this.queueSync.kick(),
    );
  }

  services(): Promise<LoadedServices> {
    this.servicesPromise ??= loadAnalysisServices(this.core, {
      manifest: this.manifest,
      remote: this.remote,
    });
    return this.servicesPromise;
  }

  async index(): Promise<GalleryIndex> {
    this.indexInstance ??= new GalleryIndex(this.core, await this.services());
    return this.indexInstance;
  }

  async close(): Promise<void> {
    await this.imports.stopAll();
    await this.queueSync.stop();
    this.remote.close();
    if (this.servicesPromise) await (await this.servicesPromise).close();
    this.core.close();
  }
}
