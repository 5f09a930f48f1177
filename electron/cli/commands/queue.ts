import { loadAnalysisServices } from '../../core/analysis/load-services';
import type { LoadedServices } from '../../core/engine';
import { GalleryIndex } from '../../core/identification/gallery-index';
import { staggeredSkip } from '../../core/identification/staggered';
import { loadManifest } from '../../core/inference/manifest';
import { cancelJobs, jobCounts, listJobs, retryJobs, type JobRecord } from '../../core/queue/job-store';
import { embedPayloadSchema } from '../../core/queue/embed-payload';
import { QueueSync } from '../../core/queue/queue-sync';
import { UsageError, type CliContext, type Command } from '../command';
import { formatTable } from '../table';

const USAGE = [
  'queue [list] [--all]',
  'queue sync [--manifest FILE]',
  'queue retry [<job-id>...]',
  'queue cancel <job-id>... | --all',
];

function jobIds(args: string[]): number[] {
  return args.map((a) => {
    const id = Number(a);
    if (!/^\d+$/.test(a) || !Number.isSafeInteger(id) || id < 1) {
      throw new UsageError(`Expected a job id (a positive whole number) but received ${JSON.stringify(a)}`);
    }
    return id;
  });
}

function describeJob(job: JobRecord): string {
  const payload = embedPayloadSchema.safeParse(job.payload);
  return payload.success ? `detection ${payload.data.detectionId} · ${payload.data.modelId}` : job.key;
}

/** Sends the queued work to Modal now, with progress; returns the exit code (1 when it stopped early). */
export async function syncNow(ctx: CliContext, manifestFile?: string): Promise<number> {
  const remote = ctx.remote(manifestFile);
  if (!remote.modal.configured) {
    ctx.err(
      'Modal is not set up: set MODAL_ENABLED=true and a token (MODAL_TOKEN_ID / MODAL_TOKEN_SECRET, or "tigerid modal token set"). See README, "Remote inference on Modal".\n',
    );
    return 1;
  }
  const core = ctx.core();
  const manifest = loadManifest(manifestFile);
  // Staggered mode needs the gallery index: built only if a job asks (the index costs seconds at 10,000 images).
  let loaded: Promise<{ services: LoadedServices; index: GalleryIndex }> | undefined;
  const load = () =>
    (loaded ??= loadAnalysisServices(core).then((services) => ({
      services,
      index: new GalleryIndex(core, services),
    })));
  const queueSync = new QueueSync(core, {
    remote,
    manifest,
    log: ctx.log,
    skipRemote: staggeredSkip(core, load),
  });
  const progress = ctx.progress('Syncing');
  const abort = () => void queueSync.stop();
  ctx.signal.addEventListener('abort', abort);
  try {
    const report = await queueSync.syncNow({ byUser: true, onProgress: progress });
    progress.done();
    if (ctx.json) ctx.out(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.out(`${report.message}\n`);
    return report.summary.stoppedBy === null ? 0 : 1;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await queueSync.stop();
    if (loaded) await (await loaded).services.close();
  }
}

export const queueCommand: Command = {
  name: 'queue',
  summary: 'See and manage the offline queue of remote (Modal) work: list, sync now, retry, cancel',
  usage: USAGE,
  options: {
    all: { type: 'boolean', description: 'list: include finished jobs; cancel: every open job' },
    manifest: {
      type: 'string',
      valueName: 'FILE',
      description: 'sync: model manifest (default: the bundled one); modal-classes.json is read beside it',
    },
  },
  async run(ctx, { positionals, values }) {
    const [verb = 'list', ...rest] = positionals;
    switch (verb) {
      case 'list': {
        const jobs = listJobs(ctx.core(), values.all ? {} : { states: ['running', 'pending', 'failed'] });
        const counts = jobCounts(ctx.core());
        if (ctx.json) return void ctx.out(`${JSON.stringify({ counts, jobs }, null, 2)}\n`);
        ctx.out(
          `${counts.pending} pending, ${counts.running} running, ${counts.failed} failed, ${counts.done} done, ${counts.cancelled} cancelled\n`,
        );
        if (jobs.length > 0) {
          ctx.out(
            formatTable(
              ['id', 'state', 'work', 'tries', 'next try', 'last error'],
              jobs.map((j) => [j.id, j.state, describeJob(j), j.attempts, j.nextAttemptAt, j.lastError]),
            ),
          );
        }
        return;
      }
      case 'sync':
        return syncNow(ctx, typeof values.manifest === 'string' ? values.manifest : undefined);
      case 'retry': {
        const n = retryJobs(ctx.core(), rest.length > 0 ? jobIds(rest) : undefined);
        ctx.out(`${n} job(s) queued again. Run "tigerid queue sync" to send them now.\n`);
        return;
      }
      case 'cancel': {
        if (rest.length === 0 && values.all !== true)
          throw new UsageError('give job ids to cancel, or --all');
        const n = cancelJobs(ctx.core(), values.all === true ? undefined : jobIds(rest));
        ctx.out(`${n} job(s) cancelled.\n`);
        return;
      }
      default:
        throw new UsageError(`unknown queue action "${verb}"`);
    }
  },
};
