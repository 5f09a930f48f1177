import { existsSync } from 'node:fs';
import { dataPaths } from '../../core/data-paths';
import { messageOf } from '../../core/errors';
import type { ModelState } from '../../core/inference/model-store';
import { OnnxEngine } from '../../core/inference/onnx-engine';
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
    database: databaseState(ctx),
    onnxruntime: OnnxEngine.runtimeVersion(),
    executionProvider: provider,
    models,
    modelsError,
  };
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
  return `${lines.join('\n')}\n`;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'Show the environment: Node, data folder and gallery counts, onnxruntime, CUDA or CPU and why, installed models',
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
