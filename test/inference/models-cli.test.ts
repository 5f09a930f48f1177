import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../electron/cli/command';
import { bundledManifestPath } from '../../electron/core/inference/manifest';
import { openRemoteInference } from '../../electron/core/inference/remote-inference';
import { FileSecretStore } from '../../electron/core/secrets';
import { UsageError } from '../../electron/cli/command';
import { doctorCommand, type DoctorReport } from '../../electron/cli/commands/doctor';
import { modelsCommand } from '../../electron/cli/commands/models';
import { openCore, type CoreContext } from '../../electron/core/context';
import { memoryLogger } from '../../electron/core/log';
import type { ProgressEvent } from '../../electron/core/progress';
import { constantDetectorModel } from '../support/onnx/test-models';
import {
  DETECTOR_ROWS,
  DETECTOR_SIZE,
  serveFiles,
  sha256,
  tempDir,
  testManifest,
  writeBytes,
} from './support';

interface Captured {
  ctx: CliContext;
  out: string[];
  err: string[];
  progress: ProgressEvent[];
  close(): void;
}

function cliContext(dataDir: string, json = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const progress: ProgressEvent[] = [];
  let core: (CoreContext & { close(): void }) | undefined;
  const log = memoryLogger();
  const ctx: CliContext = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    log,
    progress: () => Object.assign((e: ProgressEvent) => void progress.push(e), { done() {} }),
    core: () => (core ??= openCore({ dataDir, log })),
    dataDir,
    remote: () =>
      openRemoteInference(ctx.core(), {
        secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
        env: {},
        modelsFolder: dirname(bundledManifestPath()),
        cwd: dataDir,
        log: memoryLogger(),
      }),
    env: {},
    json,
    stdin: Readable.from([]),
    signal: new AbortController().signal,
  };
  return { ctx, out, err, progress, close: () => core?.close() };
}

describe('tigerid models / doctor', () => {
  let temp: ReturnType<typeof tempDir>;
  let manifestFile: string;
  const model = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.cleanup());

  function writeManifest(url: string | null, hash: string | null) {
    manifestFile = join(temp.dir, 'manifest.json');
    const manifest = testManifest({ detector: { url, sha256: hash } });
    writeFileSync(manifestFile, JSON.stringify(manifest));
  }

  it('installs with progress, lists, verifies and removes', async () => {
    const server = await serveFiles({ '/md.onnx': model });
    try {
      writeManifest(server.url('/md.onnx'), sha256(model));
      const data = join(temp.dir, 'data');
      const c = cliContext(data);
      const values = { manifest: manifestFile };
      expect(
        await modelsCommand.run(c.ctx, { positionals: ['install', 'test-detector'], values }),
      ).toBeUndefined();
      expect(c.out.join('')).toContain(
        `Installed test-detector (sha256 ${sha256(model)}, ${model.length} bytes)`,
      );
      expect(c.progress.at(-1)?.phase).toBe('validate');
      expect(c.progress.some((e) => e.phase === 'download' && e.done === model.length)).toBe(true);

      await modelsCommand.run(c.ctx, { positionals: ['list'], values });
      expect(c.out.at(-1)).toMatch(/test-detector\s+detect\s+installed\s+[0-9a-f]{12}/);
      expect(await modelsCommand.run(c.ctx, { positionals: ['verify'], values })).toBe(0);
      expect(c.out.at(-1)).toBe('test-detector: ok\n');
      await modelsCommand.run(c.ctx, { positionals: ['remove', 'test-detector'], values });
      expect(c.out.at(-1)).toBe('Removed test-detector.\n');
    } finally {
      await server.close();
    }
  });

  it('imports with --as and suggests pinning the hash', async () => {
    writeManifest(null, null);
    const c = cliContext(join(temp.dir, 'data'));
    const file = writeBytes(temp.dir, 'md.onnx', model);
    await modelsCommand.run(c.ctx, {
      positionals: ['import', file],
      values: { manifest: manifestFile, as: 'test-detector' },
    });
    expect(c.out.join('')).toContain(`to pin this file set "sha256": "${sha256(model)}"`);
    await expect(
      modelsCommand.run(c.ctx, { positionals: ['import', file], values: { manifest: manifestFile } }),
    ).rejects.toThrow(new UsageError('"models import" needs a file and --as <id>'));
    await expect(modelsCommand.run(c.ctx, { positionals: ['frobnicate'], values: {} })).rejects.toThrow(
      UsageError,
    );
  });

  it('doctor reports provider, database counts and model states as JSON', async () => {
    writeManifest(null, null);
    const data = join(temp.dir, 'data');
    const setup = cliContext(data);
    setup.ctx.core();
    setup.close();
    const c = cliContext(data, true);
    try {
      await modelsCommand.run(c.ctx, {
        positionals: ['import', writeBytes(temp.dir, 'md.onnx', model)],
        values: { manifest: manifestFile, as: 'test-detector' },
      });
      expect(await doctorCommand.run(c.ctx, { positionals: [], values: { manifest: manifestFile } })).toBe(0);
      const report = JSON.parse(c.out.at(-1) ?? '{}') as DoctorReport;
      expect(report.node).toBe(process.version);
      expect(report.onnxruntime).toBe('1.30.0');
      expect(report.executionProvider.provider).toBe('cpu');
      expect(report.executionProvider.reason).toContain('not found');
      expect(report.database).toEqual({
        path: join(data, 'gallery.sqlite'),
        exists: true,
        counts: { media: 0, detections: 0, individuals: 0 },
        error: null,
      });
      expect(report.models).toEqual([
        { id: 'test-detector', task: 'detect', state: 'verified', sha256: sha256(model), problem: null },
        { id: 'test-embedder', task: 'embed', state: 'not-installed', sha256: null, problem: null },
      ]);
    } finally {
      c.close();
    }
  });

  it('doctor does not create a gallery where there is none', async () => {
    const c = cliContext(join(temp.dir, 'empty'));
    await doctorCommand.run(c.ctx, { positionals: [], values: {} });
    expect(c.out.join('')).toContain('(not created yet)');
    expect(c.out.join('')).toMatch(/Model {8}megadetector-v5a \(detect\): not-installed/);
  });
});
