import { createInterface } from 'node:readline/promises';
import { dataPaths } from '../../core/data-paths';
import { licenceNotice } from '../../core/inference/licence-notice';
import {
  bundledManifestPath,
  canInstall,
  loadManifest,
  type ModelEntry,
} from '../../core/inference/manifest';
import { ModelStore, type InstallResult } from '../../core/inference/model-store';
import { UsageError, type CliContext, type Command, type ParsedArgs } from '../command';
import { formatTable } from '../table';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import { redescribe, type RedescribeSummary } from '../../core/analysis/redescribe';

const USAGE = [
  'models list [--manifest FILE]',
  'models install <id> [--accept-licence | --yes] [--manifest FILE]',
  'models import <file.onnx> --as <id> [--manifest FILE]',
  'models verify [<id>...] [--manifest FILE]',
  'models remove <id> [--manifest FILE]',
  'models redescribe',
];

/** The store for this data folder and manifest; models live in the data folder so they move with the gallery. */
export function modelStoreFor(ctx: CliContext, manifestFile: string | undefined): ModelStore {
  const manifest = loadManifest(manifestFile ?? bundledManifestPath());
  return new ModelStore({ modelsDir: dataPaths(ctx.dataDir).models, manifest, log: ctx.log });
}

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new UsageError(`--${name} takes one value`);
}

function reportInstall(ctx: CliContext, store: ModelStore, result: InstallResult): void {
  const { record } = result;
  if (ctx.json) return void ctx.out(`${JSON.stringify({ ...result }, null, 2)}\n`);
  const verb = result.alreadyInstalled ? 'Already installed' : 'Installed';
  ctx.out(`${verb} ${record.id} (sha256 ${record.sha256}, ${record.size} bytes) at ${result.path}\n`);
  const entry = store.entry(record.id);
  if (entry.sha256 === null && entry.md5 !== undefined) {
    ctx.out(
      `The file matches the published md5 ${entry.md5}; its sha256 above is recorded as the model version.\n`,
    );
  } else if (entry.sha256 === null) {
    // The manifest pins no hash: tell the user how to pin the one they now trust.
    ctx.out(
      `The manifest pins no sha256 for ${record.id}; to pin this file set "sha256": "${record.sha256}".\n`,
    );
  }
}

/**
 * Shows the licence before anything is downloaded and asks for it to be accepted: on a terminal by a question,
 * otherwise only by the flag (a script must not accept a licence by accident). False when the user declines.
 */
async function acceptLicence(ctx: CliContext, entry: ModelEntry, acceptedByFlag: boolean): Promise<boolean> {
  for (const line of licenceNotice(entry)) ctx.err(`${line}\n`);
  if (acceptedByFlag) return true;
  if (!('isTTY' in ctx.stdin && ctx.stdin.isTTY === true)) {
    throw new UsageError(
      `standard input is not a terminal, so the licence of "${entry.id}" cannot be asked about: read it above and add --accept-licence (or --yes) to accept it`,
    );
  }
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  try {
    ctx.err('Accept this licence and download? [y/N] ');
    const answer = await rl[Symbol.asyncIterator]().next();
    return !answer.done && /^y(es)?$/i.test(String(answer.value).trim());
  } finally {
    rl.close();
  }
}

export const modelsCommand: Command = {
  name: 'models',
  summary:
    'List, install, import, verify and remove the ONNX models (detector, re-identification, learned features); describe the gallery again with the installed learned features',
  usage: USAGE,
  options: {
    manifest: {
      type: 'string',
      valueName: 'FILE',
      description: 'use this model manifest instead of the bundled models/models.json',
    },
    as: {
      type: 'string',
      valueName: 'ID',
      description: 'model id the imported file is installed as (models import)',
    },
    'accept-licence': {
      type: 'boolean',
      description:
        "accept the model's licence without being asked (models install; needed when not on a terminal)",
    },
    yes: { type: 'boolean', short: 'y', description: 'same as --accept-licence' },
  },
  async run(ctx, args) {
    const [verb, ...rest] = args.positionals;
    const store = () => modelStoreFor(ctx, stringOption(args, 'manifest'));
    switch (verb) {
      case 'list': {
        const listing = await store().list();
        if (ctx.json) {
          const rows = listing.map((m) => ({
            id: m.id,
            task: m.task,
            state: m.state,
            sha256: m.installed?.sha256 ?? null,
            path: m.path,
            licence: m.entry.licence,
            downloadable: canInstall(m.entry),
            problem: m.problem ?? null,
          }));
          return void ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
        }
        ctx.out(
          formatTable(
            ['id', 'task', 'state', 'sha256', 'licence'],
            listing.map((m) => [
              m.id,
              m.task,
              m.state,
              m.installed?.sha256.slice(0, 12) ?? null,
              m.entry.licence,
            ]),
          ),
        );
        for (const m of listing) if (m.problem !== undefined) ctx.err(`${m.id}: ${m.problem}\n`);
        return;
      }
      case 'install': {
        if (rest.length !== 1) throw new UsageError('"models install" needs exactly one model id');
        const id = rest[0] as string;
        const s = store();
        const entry = s.entry(id);
        // An entry that cannot be downloaded gets its explanation from install() without a pointless question.
        if (canInstall(entry)) {
          const byFlag = args.values['accept-licence'] === true || args.values.yes === true;
          if (!(await acceptLicence(ctx, entry, byFlag))) {
            ctx.err(`Not installed: the licence of "${id}" was not accepted.\n`);
            return 1;
          }
        }
        const progress = ctx.progress(`Installing ${id}`);
        let result: InstallResult;
        try {
          result = await s.install(id, { onProgress: progress, signal: ctx.signal });
        } finally {
          progress.done();
        }
        reportInstall(ctx, s, result);
        return;
      }
      case 'import': {
        const asId = stringOption(args, 'as');
        if (rest.length !== 1 || asId === undefined)
          throw new UsageError('"models import" needs a file and --as <id>');
        const s = store();
        const progress = ctx.progress(`Importing ${asId}`);
        let result: InstallResult;
        try {
          result = await s.importFile(rest[0] as string, asId, { onProgress: progress, signal: ctx.signal });
        } finally {
          progress.done();
        }
        reportInstall(ctx, s, result);
        return;
      }
      case 'verify': {
        const results = await store().verify(rest.length > 0 ? rest : undefined);
        if (ctx.json) {
          const rows = results.map((r) => ({
            id: r.id,
            ok: r.ok,
            code: r.error?.code ?? null,
            message: r.error?.message ?? null,
          }));
          ctx.out(`${JSON.stringify(rows, null, 2)}\n`);
        } else if (results.length === 0) {
          ctx.out('No models are installed.\n');
        } else {
          for (const r of results)
            ctx.out(r.ok ? `${r.id}: ok\n` : `${r.id}: ${r.error?.code}: ${r.error?.message}\n`);
        }
        return results.every((r) => r.ok) ? 0 : 1;
      }
      case 'redescribe': {
        if (rest.length !== 0) throw new UsageError('"models redescribe" takes no arguments');
        const core = ctx.core();
        const services = await loadAnalysisServices(core);
        const progress = ctx.progress(
          `Describing the gallery with ${services.localFeatures?.modelId ?? 'learned features'}`,
        );
        let summary: RedescribeSummary;
        try {
          summary = await redescribe(core, services, { onProgress: progress, signal: ctx.signal });
        } finally {
          progress.done();
          await services.close();
        }
        if (ctx.json) return void ctx.out(`${JSON.stringify(summary, null, 2)}\n`);
        ctx.out(
          `Described ${summary.described} detection(s) with ${summary.modelId}; ${summary.alreadyDone} already were.\n`,
        );
        for (const f of summary.failed) ctx.err(`detection ${f.detectionId}: ${f.reason}\n`);
        if (summary.failed.length > 0) {
          ctx.err(
            `${summary.failed.length} detection(s) could not be described; run this again once their photos are back.\n`,
          );
        }
        return summary.failed.length > 0 ? 1 : 0;
      }
      case 'remove': {
        if (rest.length !== 1) throw new UsageError('"models remove" needs exactly one model id');
        const removed = await store().remove(rest[0] as string);
        if (ctx.json) return void ctx.out(`${JSON.stringify({ id: rest[0], removed })}\n`);
        ctx.out(removed ? `Removed ${rest[0]}.\n` : `${rest[0]} was not installed.\n`);
        return;
      }
      default:
        throw new UsageError(
          verb === undefined
            ? 'missing subcommand'
            : `unknown subcommand "${verb}" (one of: list, install, import, verify, remove, redescribe)`,
        );
    }
  },
};
