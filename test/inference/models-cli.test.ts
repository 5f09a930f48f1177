import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/cli/command';
import { doctorCommand, type DoctorReport } from '../../electron/cli/commands/doctor';
import { modelsCommand } from '../../electron/cli/commands/models';
import { openCore } from '../../electron/core/context';
import { cliContext } from '../support/cli-context';
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
      const values = { manifest: manifestFile };
      // Each command line gets its own context, as each is its own `tigerid` run.
      const install = cliContext({ dataDir: data });
      expect(
        await modelsCommand.run(install.ctx, {
          positionals: ['install', 'test-detector'],
          values: { ...values, 'accept-licence': true },
        }),
      ).toBeUndefined();
      expect(install.io.stderr).toContain('Model "test-detector" is licensed under test fixture.');
      expect(install.io.stdout).toContain(
        `Installed test-detector (sha256 ${sha256(model)}, ${model.length} bytes)`,
      );
      expect(install.io.progress.at(-1)?.phase).toBe('validate');
      expect(install.io.progress.some((e) => e.phase === 'download' && e.done === model.length)).toBe(true);

      const list = cliContext({ dataDir: data });
      await modelsCommand.run(list.ctx, { positionals: ['list'], values });
      expect(list.io.stdout).toMatch(/test-detector\s+detect\s+installed\s+[0-9a-f]{12}/);
      const verify = cliContext({ dataDir: data });
      expect(await modelsCommand.run(verify.ctx, { positionals: ['verify'], values })).toBe(0);
      expect(verify.io.stdout).toBe('test-detector: ok\n');
      const remove = cliContext({ dataDir: data });
      await modelsCommand.run(remove.ctx, { positionals: ['remove', 'test-detector'], values });
      expect(remove.io.stdout).toBe('Removed test-detector.\n');
    } finally {
      await server.close();
    }
  });

  it('imports with --as and suggests pinning the hash', async () => {
    writeManifest(null, null);
    const c = cliContext({ dataDir: join(temp.dir, 'data') });
    const file = writeBytes(temp.dir, 'md.onnx', model);
    await modelsCommand.run(c.ctx, {
      positionals: ['import', file],
      values: { manifest: manifestFile, as: 'test-detector' },
    });
    expect(c.io.stdout).toContain(`to pin this file set "sha256": "${sha256(model)}"`);
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
    openCore({ dataDir: data }).close(); // an empty gallery, for doctor to count
    const c = cliContext({ dataDir: data }, { json: true });
    try {
      await modelsCommand.run(cliContext({ dataDir: data }).ctx, {
        positionals: ['import', writeBytes(temp.dir, 'md.onnx', model)],
        values: { manifest: manifestFile, as: 'test-detector' },
      });
      expect(await doctorCommand.run(c.ctx, { positionals: [], values: { manifest: manifestFile } })).toBe(0);
      const report = JSON.parse(c.io.stdout) as DoctorReport;
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
    const c = cliContext({ dataDir: join(temp.dir, 'empty') });
    await doctorCommand.run(c.ctx, { positionals: [], values: {} });
    expect(c.io.stdout).toContain('(not created yet)');
    expect(c.io.stdout).toMatch(/Model {8}megadetector-v5a \(detect\): not-installed/);
  });
});
