import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

const REPO = join(import.meta.dirname, '..', '..');

/**
 * Packages a staged copy of the app with electron-builder and a stub Electron (no download, no network) and checks
 * the layout with build/package-layout.mjs. The stage plants an ATRW folder and a 6 MB .onnx in models/ to prove
 * the builder config keeps data and weights out of the package.
 */
describe('packaging layout', () => {
  const stage = tempDir('tigerid-pack-');
  afterAll(() => stage.cleanup());

  it('builds main and preload', () => {
    execFileSync(process.execPath, [join(REPO, 'build', 'build-main.mjs')], { cwd: REPO, stdio: 'pipe' });
    for (const file of ['main.js', 'preload.cjs', 'migrations/0001_gallery.sql']) {
      expect(existsSync(join(REPO, 'dist', 'electron', file)), file).toBe(true);
    }
  });

  it('lays out app.asar, unpacked native modules and the model manifest, without data or weights', () => {
    const project = join(stage.path, 'app');
    mkdirSync(join(project, 'dist'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO, file), join(project, file));
    symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'), 'dir');
    cpSync(join(REPO, 'dist', 'electron'), join(project, 'dist', 'electron'), { recursive: true });
    mkdirSync(join(project, 'dist', 'renderer'));
    writeFileSync(join(project, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Tiger ID</title>');
    cpSync(join(REPO, 'models', 'models.json'), join(project, 'models', 'models.json'));
    cpSync(join(REPO, 'models', 'modal-classes.json'), join(project, 'models', 'modal-classes.json'));
    cpSync(join(REPO, 'models', 'licences'), join(project, 'models', 'licences'), { recursive: true });
    mkdirSync(join(project, 'models', 'atrw', 'train'), { recursive: true });
    writeFileSync(join(project, 'models', 'atrw', 'train', '000001.jpg'), 'not really a tiger');
    writeFileSync(join(project, 'models', 'MegaDescriptor-L-384.onnx'), Buffer.alloc(6 * 1024 * 1024));

    const result = spawnSync(
      process.execPath,
      [join(REPO, 'build', 'package-layout.mjs'), '--project', project, '--out', join(stage.path, 'out')],
      {
        encoding: 'utf8',
      },
    );
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/Packaging layout check passed\./);
    expect(result.status).toBe(0);
    const resources = join(stage.path, 'out', 'release', 'linux-unpacked', 'resources');
    expect(existsSync(join(resources, 'app.asar'))).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(existsSync(join(resources, 'models', 'models.json'))).toBe(true);
    expect(existsSync(join(resources, 'models', 'modal-classes.json'))).toBe(true);
    // ALIKE's BSD-3 notice travels with every copy (the converted model is a binary copy of its weights).
    expect(readFileSync(join(resources, 'models', 'licences', 'ALIKE-BSD-3-Clause.txt'), 'utf8')).toMatch(
      /Copyright \(c\) 2022, Zhao Xiaoming/,
    );
    expect(existsSync(join(resources, 'models', 'atrw'))).toBe(false);
    expect(existsSync(join(resources, 'models', 'MegaDescriptor-L-384.onnx'))).toBe(false);
  }, 120_000);
});
