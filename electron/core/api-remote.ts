import type { AppApi, QueueJobDto, RemoteStatusDto } from './api';
import { apiArgs } from './api-schema';
import type { Engine } from './engine';
import { messageOf } from './errors';
import { embedPayloadSchema } from './queue/embed-payload';
import { cancelJobs, jobCounts, listJobs, retryJobs, type JobRecord } from './queue/job-store';
import { getSetting, setSetting } from './settings';

/**
 * The AppApi methods of remote inference and the offline queue. The token never appears in any of them: the
 * status says only whether one is set and where it is kept.
 */

type RemoteMethods =
  | 'remote.status'
  | 'remote.configure'
  | 'remote.connectivity'
  | 'queue.list'
  | 'queue.sync'
  | 'queue.retry'
  | 'queue.cancel';

async function remoteStatus(engine: Engine): Promise<RemoteStatusDto> {
  const ctx = engine.core;
  const services = await engine.services();
  const cuda = (await services.engine.executionProvider()).provider === 'cuda';
  const status = engine.remote.status(ctx);
  const routes: RemoteStatusDto['routes'] = services.embedders.map((e) => {
    const entry = services.store.manifest.models.find((m) => m.id === e.modelId);
    if (entry === undefined) return { modelId: e.modelId, route: 'none', reason: 'not in the manifest' };
    try {
      return { modelId: e.modelId, ...engine.remote.route(ctx, entry, cuda) };
    } catch (error) {
      return { modelId: e.modelId, route: 'none', reason: messageOf(error) };
    }
  });
  const last = engine.queueSync.lastReport;
  const { sent, succeeded, failed, retried, failureRate } = status.stats;
  return {
    policy: status.policy,
    staggered: status.staggered,
    concurrency: getSetting(ctx, 'queue.concurrency'),
    settings: {
      modalEnabled: getSetting(ctx, 'modal.enabled'),
      appName: getSetting(ctx, 'modal.appName'),
      environment: getSetting(ctx, 'modal.environment'),
    },
    modal: {
      enabled: status.enabled,
      token: status.token,
      tokenStorage: status.tokenStorage,
      appName: status.appName,
      environment: status.environment,
      online: status.online,
      breaker: status.breaker,
      pausedBecause: status.breakerReason,
      deployCommand: status.deployCommand,
      stats: { sent, succeeded, failed, retried, failureRate },
    },
    queue: { ...jobCounts(ctx), maxSize: status.config.queueMaxSize },
    syncing: engine.queueSync.syncing,
    lastSync:
      last === null
        ? null
        : {
            finishedAt: last.finishedAt,
            message: last.message,
            identifications: last.identifications,
            needReview: last.needReview,
          },
    routes,
  };
}

function jobDto(job: JobRecord): QueueJobDto {
  const payload = embedPayloadSchema.safeParse(job.payload);
  return {
    jobId: job.id,
    state: job.state,
    detectionId: payload.success ? payload.data.detectionId : null,
    modelId: payload.success ? payload.data.modelId : null,
    attempts: job.attempts,
    nextAttemptAt: job.nextAttemptAt,
    lastError: job.lastError,
    updatedAt: job.updatedAt,
  };
}

export function remoteHandlers(engine: Engine): Pick<AppApi, RemoteMethods> {
  const ctx = engine.core;
  return {
    async 'remote.status'(input) {
      apiArgs('remote.status', input);
      return remoteStatus(engine);
    },
    async 'remote.configure'(input) {
      const c = apiArgs('remote.configure', input);
      if (c.policy !== undefined) setSetting(ctx, 'inference.policy', c.policy);
      if (c.staggered !== undefined) setSetting(ctx, 'inference.staggered', c.staggered);
      if (c.concurrency !== undefined) setSetting(ctx, 'queue.concurrency', c.concurrency);
      const modalChanged =
        c.modalEnabled !== undefined || c.appName !== undefined || c.environment !== undefined;
      if (c.modalEnabled !== undefined) setSetting(ctx, 'modal.enabled', c.modalEnabled);
      if (c.appName !== undefined) setSetting(ctx, 'modal.appName', c.appName);
      if (c.environment !== undefined) setSetting(ctx, 'modal.environment', c.environment);
      if (modalChanged) engine.remote.reload(ctx);
      engine.queueSync.kick();
      return remoteStatus(engine);
    },
    async 'remote.connectivity'(input) {
      const { online } = apiArgs('remote.connectivity', input);
      engine.queueSync.connectivityChanged(online);
      return remoteStatus(engine);
    },
    async 'queue.list'(input) {
      const { states, limit } = apiArgs('queue.list', input);
      return listJobs(ctx, { ...(states ? { states } : {}), limit }).map(jobDto);
    },
    async 'queue.sync'(input) {
      apiArgs('queue.sync', input);
      await engine.queueSync.syncNow({ byUser: true });
      return remoteStatus(engine);
    },
    async 'queue.retry'(input) {
      const { jobIds } = apiArgs('queue.retry', input);
      const count = retryJobs(ctx, jobIds);
      engine.queueSync.kick();
      return { count };
    },
    async 'queue.cancel'(input) {
      const { jobIds } = apiArgs('queue.cancel', input);
      return { count: cancelJobs(ctx, jobIds) };
    },
  };
}
