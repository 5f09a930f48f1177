import { randomUUID } from 'node:crypto';
import type { AnalysisServices } from './analysis/services';
import type { ImportJobDto } from './api';
import type { CoreContext } from './context';
import { EngineError, isEngineError, messageOf } from './errors';
import { importAndAnalyse } from './importing/import-and-analyse';

/** How far back the rate is measured: a moving window, so the ETA follows the current pace. */
const RATE_WINDOW_MS = 10_000;

interface RunningJob {
  dto: ImportJobDto;
  abort: AbortController;
  samples: { t: number; done: number; phase: string }[];
}

/**
 * Imports running in a long-lived process (the app, the HTTP bridge): started in the background, watched by
 * polling, cancelled between files. A cancelled or killed import resumes when the same folder is imported again.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly services: () => Promise<AnalysisServices>,
    private readonly onFinished: () => void = () => {},
  ) {}

  start(folder: string, station?: string): ImportJobDto {
    const running = [...this.jobs.values()].find((j) => j.dto.state === 'running');
    if (running) {
      throw new EngineError(
        'CONFLICT',
        `An import of ${running.dto.folder} is running; wait for it or cancel it first.`,
      );
    }
    const job: RunningJob = {
      abort: new AbortController(),
      samples: [],
      dto: {
        jobId: randomUUID(),
        folder,
        station: station ?? null,
        state: 'running',
        phase: 'scan',
        done: 0,
        total: null,
        ratePerSecond: 0,
        etaSeconds: null,
        imported: 0,
        duplicates: 0,
        detections: 0,
        emptyFrames: 0,
        failed: [],
        error: null,
        startedAt: this.ctx.now().toISOString(),
        finishedAt: null,
      },
    };
    this.jobs.set(job.dto.jobId, job);
    void this.run(job, folder, station);
    return { ...job.dto };
  }

  private async run(job: RunningJob, folder: string, station: string | undefined): Promise<void> {
    const { dto } = job;
    try {
      const services = await this.services();
      const result = await importAndAnalyse(
        this.ctx,
        services,
        { folder, ...(station ? { station } : {}) },
        {
          signal: job.abort.signal,
          onProgress: (event) => this.progress(job, event.phase, event.done, event.total),
          onFile: (file) => {
            if (file.status === 'failed')
              dto.failed.push({ path: file.path, code: file.code ?? 'UNKNOWN', message: file.message ?? '' });
          },
        },
      );
      dto.imported = result.import.imported;
      dto.duplicates = result.import.duplicates;
      dto.detections = result.analysis?.detections ?? 0;
      dto.emptyFrames = result.analysis?.empty ?? 0;
      for (const f of result.analysis?.failed ?? []) {
        dto.failed.push({ path: f.file, code: f.error?.code ?? 'UNKNOWN', message: f.error?.message ?? '' });
      }
      dto.state = job.abort.signal.aborted || !result.import.completed ? 'cancelled' : 'done';
    } catch (error) {
      dto.state = 'failed';
      dto.error = isEngineError(error) ? error.message : `Unexpected failure: ${messageOf(error)}`;
      this.ctx.log.error(`Import of ${folder} failed: ${messageOf(error)}`);
    } finally {
      dto.finishedAt = this.ctx.now().toISOString();
      dto.etaSeconds = null;
      this.onFinished();
    }
  }

  private progress(job: RunningJob, phase: string, done: number, total: number | undefined): void {
    const now = performance.now();
    if (job.dto.phase !== phase) job.samples = [];
    job.samples.push({ t: now, done, phase });
    while (job.samples.length > 2 && now - (job.samples[0]?.t ?? now) > RATE_WINDOW_MS) job.samples.shift();
    const first = job.samples[0];
    const seconds = first ? (now - first.t) / 1000 : 0;
    const rate = first && seconds > 0.2 ? (done - first.done) / seconds : 0;
    Object.assign(job.dto, {
      phase,
      done,
      total: total ?? null,
      ratePerSecond: rate,
      etaSeconds: rate > 0 && total !== undefined ? (total - done) / rate : null,
    });
  }

  list(): ImportJobDto[] {
    return [...this.jobs.values()].map((j) => ({ ...j.dto, failed: [...j.dto.failed] })).reverse();
  }

  cancel(jobId: string): ImportJobDto {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('NOT_FOUND', `No import ${jobId} in this session.`);
    job.abort.abort();
    return { ...job.dto };
  }

  /** Stops running imports at their next safe point and waits for them, before the database closes. */
  async stopAll(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort();
    while ([...this.jobs.values()].some((j) => j.dto.state === 'running'))
      await new Promise((r) => setTimeout(r, 20));
  }
}
