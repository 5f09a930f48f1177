import { existsSync } from 'node:fs';
import { dataPaths } from '../../core/data-paths';
import { messageOf } from '../../core/errors';
import type { ModelState } from '../../core/inference/model-store';
import { OnnxEngine } from '../../core/inference/onnx-engine';
import type { RemoteStatus } from '../../core/inference/remote-inference';
import { jobCounts, type JobCounts } from '../../core/queue/job-store';
import type { CliContext, Command } from '../command';
import { modelStoreFor } from './models';

export interface DoctorReport {
  node: string;
  platform: string;
  dataDir: string;
  database: {
    path: string;
    exists: boolean;
    /** Row counts of the gallery tables that exist; null when the database could not be read. */
    counts: Record<string, number> | null;
    error: string | null;
  };
  onnxruntime: string;
  executionProvider: { provider: 'cuda' | 'cpu'; reason: string };
  models: Array<{
    id: string;
    task: string;
    state: ModelState;
    sha256: string | null;
    problem: string | null;
  }>;
  modelsError: string | null;
  /** Remote inference: policy, Modal configuration (never the token), queue, and where each installed model runs. */
  remote:
    | (RemoteStatus & { queue: JobCounts; routes: Array<{ model: string; route: string; reason: string }> })
    | { error: string };
}

const GALLERY_TABLES = ['media', 'detections', 'individuals'] as const;

function databaseState(ctx: CliContext): DoctorReport['database'] {
  const path = dataPaths(ctx.dataDir).database;
  // Doctor only looks: it must not create a gallery in a folder that has none.
  if (!existsSync(path)) return { path, exists: false, counts: null, error: null };
  try {
    const db = ctx.core().db;
    const present = new Set(
      (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>
      ).map((r) => r.name),
    );
    const counts: Record<string, number> = {};
    for (const table of GALLERY_TABLES) {
      if (!present.has(table)) continue;
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
      counts[table] = row.n;
    }
    return { path, exists: true, counts, error: null };
  } catch (error) {
    return { path, exists: true, counts: null, error: messageOf(error) };
  }
}

/** Everything doctor prints, gathered without side effects beyond reading (model files are re-hashed). */
export async function gatherDoctorReport(ctx: CliContext, manifestFile?: string): Promise<DoctorReport> {
  const engine = new OnnxEngine({ log: ctx.log });
  let provider: DoctorReport['executionProvider'];
  try {
    const status = await engine.executionProvider();
    provider = { provider: status.provider, reason: status.reason };
  } finally {
    await engine.close();
  }
  const database = databaseState(ctx);
  let models: DoctorReport['models'] = [];
  let modelsError: string | null = null;
  try {
    const listing = await modelStoreFor(ctx, manifestFile).list({ verify: true });
    models = listing.map((m) => ({
      id: m.id,
      task: m.task,
      state: m.state,
      sha256: m.installed?.sha256 ?? null,
      problem: m.problem ?? null,
    }));
  } catch (error) {
    modelsError = messageOf(error);
  }
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    dataDir: ctx.dataDir,
    database,
    onnxruntime: OnnxEngine.runtimeVersion(),
    executionProvider: provider,
    models,
    modelsError,
    remote: await remoteState(ctx, database, models, provider.provider === 'cuda', manifestFile),
  };
}

async function remoteState(
  ctx: CliContext,
  database: DoctorReport['database'],
  models: DoctorReport['models'],
  cuda: boolean,
  manifestFile: string | undefined,
): Promise<DoctorReport['remote']> {
  // Doctor must not create a gallery; the policy and the Modal overrides live in it.
  if (!database.exists || database.error !== null) {
    return { error: 'no gallery yet: the remote settings are shown once one exists' };
  }
  try {
    const remote = ctx.remote(manifestFile);
    const core = ctx.core();
    if (remote.modal.configured) await remote.connectivity.probe();
    const manifest = modelStoreFor(ctx, manifestFile).manifest;
    const routes = [];
    for (const m of models) {
      const entry = manifest.models.find((e) => e.id === m.id);
      if ((m.state !== 'installed' && m.state !== 'verified') || entry?.task !== 'embed') continue;
      try {
        routes.push({ model: m.id, ...remote.route(core, entry, cuda) });
      } catch (error) {
        routes.push({ model: m.id, route: 'none', reason: messageOf(error) });
      }
    }
    return { ...remote.status(core), queue: jobCounts(core), routes };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

function remoteLines(r: DoctorReport['remote']): string[] {
  if ('error' in r) return [`Remote       ${r.error}`];
  const token =
    r.token === null
      ? 'no token'
      : `token from ${r.token === 'secret-store' ? `the secret store (${r.tokenStorage})` : r.token === 'environment' ? 'the environment' : 'the Modal profile (~/.modal.toml)'}`;
  const modal = r.enabled
    ? `Modal on, ${token}, app ${r.appName}${r.environment ? ` (environment ${r.environment})` : ''}, ${r.online === null ? 'connection not checked' : r.online ? 'reachable' : 'offline'}${r.breaker === 'closed' ? '' : `, paused: ${r.breakerReason}`}`
    : 'Modal off (MODAL_ENABLED)';
  return [
    `Remote       policy ${r.policy}${r.staggered ? ' (staggered)' : ''}; ${modal}`,
    `Queue        ${r.queue.pending} pending, ${r.queue.running} running, ${r.queue.failed} failed, ${r.queue.done} done (max ${r.config.queueMaxSize})`,
    ...r.routes.map((x) => `Route        ${x.model}: ${x.route} — ${x.reason}`),
  ];
}

function formatReport(r: DoctorReport): string {
  const db = r.database;
  const dbLine = !db.exists
    ? `${db.path} (not created yet)`
    : db.error !== null
      ? `${db.path} (unreadable: ${db.error})`
      : `${db.path}: ${Object.entries(db.counts ?? {})
          .map(([table, n]) => `${n} ${table}`)
          .join(', ')}`;
  const lines = [
    `Node         ${r.node} (${r.platform})`,
    `Data folder  ${r.dataDir}`,
    `Database     ${dbLine}`,
    `onnxruntime  ${r.onnxruntime}`,
    `Inference    ${r.executionProvider.provider}: ${r.executionProvider.reason}`,
  ];
  if (r.modelsError !== null) lines.push(`Models       cannot be listed: ${r.modelsError}`);
  for (const m of r.models) {
    const hash = m.sha256 === null ? '' : ` sha256 ${m.sha256.slice(0, 12)}`;
    lines.push(
      `Model        ${m.id} (${m.task}): ${m.state}${hash}${m.problem === null ? '' : ` — ${m.problem}`}`,
    );
  }
  lines.push(...remoteLines(r.remote));
  return `${lines.join('\n')}\n`;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'Show the environment: Node, data folder and gallery counts, onnxruntime, CUDA or CPU and why, installed models, remote inference and the queue',
  usage: ['doctor [--manifest FILE] [--json]'],
  options: {
    manifest: {
      type: 'string',
      valueName: 'FILE',
      description: 'model manifest to check against (default: the bundled one)',
    },
  },
  async run(ctx, args) {
    const manifest = args.values.manifest;
    const report = await gatherDoctorReport(ctx, typeof manifest === 'string' ? manifest : undefined);
    ctx.out(ctx.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    const broken =
      report.models.some((m) => m.state === 'corrupt' || m.state === 'missing') ||
      report.modelsError !== null;
    return broken ? 1 : 0;
  },
};
