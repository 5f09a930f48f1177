import { join } from 'node:path';
import type { CoreContext } from '../context';
import type { Logger } from '../log';
import { Connectivity, modalTarget } from '../queue/connectivity';
import { MODAL_TOKEN_ID, MODAL_TOKEN_SECRET, type SecretStore } from '../secrets';
import { getSetting } from '../settings';
import type { BreakerState } from './circuit-breaker';
import type { ModelEntry } from './manifest';
import { loadModalConfig, type ModalConfig } from './modal-config';
import { loadModalClasses, ModalEngine, type ModalCredentials, type ModalStats } from './modal-engine';
import { deployCommand } from './modal-errors';
import { modalProfileToken } from './modal-profile';
import { chooseRoute, type InferencePolicy, type RouteDecision } from './router';

/**
 * Everything remote inference needs, built once per process by a door (CLI, app, bridge): the Modal
 * configuration (environment, `.env`, app settings), the token from the secret store, the Modal engine with its
 * circuit breaker, and the connectivity probe. The token is read here and handed to the SDK, nowhere else.
 */

export interface RemoteInferenceOptions {
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  /** A `.env` file read for MODAL_* values the environment does not set. */
  dotEnvFile?: string;
  /** model id → Modal class name (models/modal-classes.json). */
  classes: Record<string, string>;
  log: Logger;
  connectivity?: Connectivity;
}

export interface RemoteStatus {
  policy: InferencePolicy;
  staggered: boolean;
  enabled: boolean;
  /** Where the token comes from; never the token itself. */
  token: 'secret-store' | 'environment' | 'modal-profile' | null;
  tokenStorage: SecretStore['backend'];
  appName: string;
  environment: string | null;
  online: boolean | null;
  breaker: BreakerState;
  breakerReason: string | null;
  stats: ModalStats;
  deployCommand: string;
  config: Pick<
    ModalConfig,
    'maxRetries' | 'retryDelayMs' | 'timeoutMs' | 'queueMaxSize' | 'fallbackToQueue' | 'sources'
  >;
}

export class RemoteInference {
  readonly connectivity: Connectivity;
  private readonly options: RemoteInferenceOptions;
  private current: { config: ModalConfig; modal: ModalEngine };
  /** The token as last read: every route decision asks for it, so the secret store is not read each time. */
  private token: { source: RemoteStatus['token']; credentials: ModalCredentials | null } | undefined;

  /** Reads the configuration now: invalid MODAL_* values are refused here, at start. */
  constructor(ctx: CoreContext, options: RemoteInferenceOptions) {
    this.options = options;
    this.current = this.build(ctx);
    this.connectivity = options.connectivity ?? new Connectivity({ target: modalTarget(options.env) });
  }

  get config(): ModalConfig {
    return this.current.config;
  }

  /** The Modal engine of the current configuration (replaced by `reload`, so read it at each use). */
  get modal(): ModalEngine {
    return this.current.modal;
  }

  /** Applies changed settings (policy aside, which is read per request): a new engine, a fresh breaker. */
  reload(ctx: CoreContext): void {
    const next = this.build(ctx);
    this.current.modal.close();
    this.current = next;
    this.token = undefined;
  }

  /** The user acted (set or removed the token, deployed the app): read the token again and give Modal a fresh try. */
  refresh(): void {
    this.token = undefined;
    this.modal.reset();
  }

  private build(ctx: CoreContext): { config: ModalConfig; modal: ModalEngine } {
    const config = loadModalConfig({
      env: this.options.env,
      ...(this.options.dotEnvFile !== undefined ? { dotEnvFile: this.options.dotEnvFile } : {}),
      settings: {
        enabled: getSetting(ctx, 'modal.enabled'),
        appName: getSetting(ctx, 'modal.appName'),
        environment: getSetting(ctx, 'modal.environment'),
      },
    });
    const modal = new ModalEngine({
      config,
      credentials: () => this.credentials(),
      classes: this.options.classes,
      log: this.options.log,
    });
    return { config, modal };
  }

  private tokenSource(): { source: RemoteStatus['token']; credentials: ModalCredentials | null } {
    this.token ??= this.readToken();
    return this.token;
  }

  /** Where the token comes from, first found: the app's secret store, MODAL_TOKEN_*, Modal's own profile file. */
  private readToken(): { source: RemoteStatus['token']; credentials: ModalCredentials | null } {
    const { secrets, env } = this.options;
    const tokenId = secrets.get(MODAL_TOKEN_ID);
    const tokenSecret = secrets.get(MODAL_TOKEN_SECRET);
    if (tokenId !== null && tokenSecret !== null) {
      return { source: 'secret-store', credentials: { tokenId, tokenSecret } };
    }
    if (env.MODAL_TOKEN_ID && env.MODAL_TOKEN_SECRET) {
      return {
        source: 'environment',
        credentials: { tokenId: env.MODAL_TOKEN_ID, tokenSecret: env.MODAL_TOKEN_SECRET },
      };
    }
    const profile = modalProfileToken(env);
    return profile === null
      ? { source: null, credentials: null }
      : { source: 'modal-profile', credentials: profile };
  }

  private credentials(): ModalCredentials | null {
    return this.tokenSource().credentials;
  }

  /** Modal may be called now: configured, not paused by the breaker, and not known to be offline. */
  get reachable(): boolean {
    return this.modal.ready && this.connectivity.online !== false;
  }

  /** Where a request for this model goes right now. */
  route(ctx: CoreContext, entry: ModelEntry, cudaAvailable: boolean): RouteDecision {
    return chooseRoute({
      policy: getSetting(ctx, 'inference.policy'),
      cudaAvailable,
      modal: {
        configured: this.modal.configured,
        serves: this.modal.supports(entry.id),
        reachable: this.reachable,
      },
      cpuCapable: entry.cpuCapable,
      fallbackToQueue: this.config.fallbackToQueue,
    });
  }

  status(ctx: CoreContext): RemoteStatus {
    const stats = this.modal.stats();
    const { maxRetries, retryDelayMs, timeoutMs, queueMaxSize, fallbackToQueue, sources } = this.config;
    return {
      policy: getSetting(ctx, 'inference.policy'),
      staggered: getSetting(ctx, 'inference.staggered'),
      enabled: this.config.enabled,
      token: this.tokenSource().source,
      tokenStorage: this.options.secrets.backend,
      appName: this.config.appName,
      environment: this.config.environment,
      online: this.connectivity.online,
      breaker: stats.breaker,
      breakerReason: stats.breakerReason,
      stats,
      deployCommand: deployCommand(this.config),
      config: { maxRetries, retryDelayMs, timeoutMs, queueMaxSize, fallbackToQueue, sources },
    };
  }

  close(): void {
    this.modal.close();
  }
}

export interface OpenRemoteOptions {
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  /** Folder of the models manifest: modal-classes.json sits beside models.json. */
  modelsFolder: string;
  /** Where a `.env` file is looked for (the working directory, as python-dotenv does). */
  cwd: string;
  log: Logger;
}

/** The one way the doors (CLI, app, bridge) build remote inference. */
export function openRemoteInference(ctx: CoreContext, options: OpenRemoteOptions): RemoteInference {
  return new RemoteInference(ctx, {
    secrets: options.secrets,
    env: options.env,
    dotEnvFile: join(options.cwd, '.env'),
    classes: loadModalClasses(options.modelsFolder),
    log: options.log,
  });
}
