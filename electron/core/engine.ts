import { loadAnalysisServices } from './analysis/load-services';
import { openCore, type CoreContext } from './context';
import { GalleryIndex } from './identification/gallery-index';
import { ImportJobs } from './import-jobs';
import { loadManifest } from './inference/manifest';
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
  private servicesPromise: Promise<LoadedServices> | undefined;
  private indexInstance: GalleryIndex | undefined;
  private readonly manifestFile: string | undefined;

  constructor(options: EngineOptions) {
    this.core = openCore({
      dataDir: options.dataDir,
      log: options.log ?? silentLogger,
      ...(options.now ? { now: options.now } : {}),
    });
    this.secrets = options.secrets;
    this.manifestFile = options.manifestFile;
    this.imports = new ImportJobs(this.core, () => this.services());
  }

  services(): Promise<LoadedServices> {
    this.servicesPromise ??= loadAnalysisServices(
      this.core,
      this.manifestFile ? { manifest: loadManifest(this.manifestFile) } : {},
    );
    return this.servicesPromise;
  }

  async index(): Promise<GalleryIndex> {
    this.indexInstance ??= new GalleryIndex(this.core, await this.services());
    return this.indexInstance;
  }

  async close(): Promise<void> {
    await this.imports.stopAll();
    if (this.servicesPromise) await (await this.servicesPromise).close();
    this.core.close();
  }
}
