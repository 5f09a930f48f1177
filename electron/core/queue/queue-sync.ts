import type { CoreContext } from '../context';
import type { Manifest } from '../inference/manifest';
import type { RemoteInference } from '../inference/remote-inference';
import type { Logger } from '../log';
import type { ProgressListener } from '../progress';
import { getSetting } from '../settings';
import { plural } from '../wording';
import { jobCounts } from './job-store';
import { syncQueue, type SyncOptions, type SyncSummary } from './sync-worker';

/**
 * Keeps the durable queue moving in a long-running process (the app, `tigerid serve`): a sync starts by itself
 * when the connection returns (a periodic, rate-limited probe plus the operating system's online events), after
 * an import queued work, or when asked; one at a time. Each sync ends with a sentence for the user.
 */

export interface SyncReport {
  finishedAt: string;
  summary: SyncSummary;
  /** Distinct detections that got their queued results in this sync. */
  identifications: number;
  /** Of those, how many wait for a reviewer's decision. */
  needReview: number;
  message: string;
}

/** "12 queued identifications finished, 3 need review" plus why it stopped early, if it did. */
export function syncReport(ctx: CoreContext, summary: SyncSummary, now: Date): SyncReport {
  const detections = [...new Set(summary.detections)];
  const undecided =
    detections.length === 0
      ? 0
      : (ctx.db
          .prepare(
            `SELECT COUNT(*) FROM detections d WHERE d.id IN (${detections.map(() => '?').join(',')})
               AND NOT EXISTS (SELECT 1 FROM decisions x WHERE x.detection_id = d.id AND x.undone_at IS NULL)`,
          )
          .pluck()
          .get(...detections) as number);
  const parts: string[] = [];
  if (detections.length > 0) {
    parts.push(
      `${plural(detections.length, 'queued identification')} finished, ${undecided} need${undecided === 1 ? 's' : ''} review`,
    );
  }
  if (summary.skipped > 0) parts.push(`${summary.skipped} remote calls saved (stripes were decisive)`);
  if (summary.failed > 0) parts.push(`${plural(summary.failed, 'job')} failed (see the queue)`);
  // The parts are joined and end with one full stop: drop the message's own.
  if (summary.stoppedBy !== null)
    parts.push(`${summary.remaining} still queued: ${summary.stoppedBy.message.replace(/\.$/, '')}`);
  else if (summary.remaining > 0) parts.push(`${summary.remaining} still queued, retrying later`);
  return {
    finishedAt: now.toISOString(),
    summary,
    identifications: detections.length,
    needReview: undecided,
    message: parts.length === 0 ? 'The queue is empty' : `${parts.join('; ')}.`,
  };
}

export interface QueueSyncOptions {
  remote: RemoteInference;
  manifest: Manifest;
  log: Logger;
  /** How often to probe the connection while work is queued (default 30 s). */
  intervalMs?: number;
  /** Staggered mode's test: null sends the job to Modal, a reason skips it. */
  skipRemote?: SyncOptions['skipRemote'];
  /** Passed to every sync (tests shorten leases and waits). */
  syncOptions?: Pick<SyncOptions, 'leaseMs' | 'maxIdleWaitMs' | 'random'>;
}

export class QueueSync {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncReport> | null = null;
  private abort = new AbortController();
  private last: SyncReport | null = null;
  private readonly listeners = new Set<(report: SyncReport) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: CoreContext,
    private readonly options: QueueSyncOptions,
  ) {
    this.unsubscribe = options.remote.connectivity.onChange((online) => {
      if (online) this.kick();
    });
  }

  get syncing(): boolean {
    return this.running !== null;
  }

  get lastReport(): SyncReport | null {
    return this.last;
  }

  onReport(listener: (report: SyncReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
    this.kick();
  }

  /** The operating system reports the network (Electron `net.isOnline`, the browser's online/offline events). */
  connectivityChanged(online: boolean): void {
    // "Online" from the OS only means some network (a camp Wi-Fi without internet): check Modal before believing it.
    if (online) void this.options.remote.connectivity.probe(true);
    else this.options.remote.connectivity.report(false);
  }

  /** Starts a sync in the background when work is queued and Modal looks reachable; never throws. */
  kick(): void {
    if (this.running !== null) return;
    const counts = jobCounts(this.ctx);
    if (counts.pending + counts.running === 0 || !this.options.remote.modal.configured) return;
    void this.options.remote.connectivity.probe().then((online) => {
      if (online && this.running === null) {
        this.syncNow().catch((error: unknown) =>
          this.options.log.warn(`Queue sync failed: ${String(error)}`),
        );
      }
    });
  }

  /**
   * Runs one sync now (or joins the one running) and reports it. `byUser`: a person asked (after fixing the token
   * or deploying the app, say), so even a breaker that waits for a fix gets a fresh try.
   */
  syncNow(options: { byUser?: boolean; onProgress?: ProgressListener } = {}): Promise<SyncReport> {
    if (options.byUser && this.running === null) this.options.remote.refresh();
    this.running ??= this.run(options.onProgress).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(onProgress?: ProgressListener): Promise<SyncReport> {
    const { remote, manifest } = this.options;
    // The network said "go": a breaker paused by an earlier outage gets a fresh chance; one that waits for the
    // user to fix the token or deploy the app does not.
    const breaker = remote.modal.breaker;
    if (breaker.state !== 'closed' && Number.isFinite(breaker.retryInMs)) breaker.reset();
    const summary = await syncQueue(
      this.ctx,
      { modal: remote.modal, manifest },
      {
        concurrency: getSetting(this.ctx, 'queue.concurrency'),
        signal: this.abort.signal,
        ...(this.options.skipRemote ? { skipRemote: this.options.skipRemote } : {}),
        ...(onProgress ? { onProgress } : {}),
        ...this.options.syncOptions,
      },
    );
    // Modal answered: whatever the OS said, the connection works.
    if (summary.completed > 0 || summary.skipped > 0) remote.connectivity.report(true);
    const report = syncReport(this.ctx, summary, this.ctx.now());
    this.last = report;
    this.options.log.info(`Queue sync: ${report.message}`);
    for (const listener of this.listeners) listener(report);
    return report;
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe();
    this.abort.abort();
    await this.running?.catch(() => undefined);
    this.abort = new AbortController();
  }
}
