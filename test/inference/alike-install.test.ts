import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledManifestPath, findEntry, loadManifest } from '../../electron/core/inference/manifest';
import { runCli } from '../support/run-cli';
import { ALIKE_SKIP_REASON, ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS } from '../support/shared-data';
import { serveFiles, sha256, tempDir, type ModelServer } from './support';

/**
 * `tigerid models install alike-t` and `models import alike-t.pth` end to end: the published weights (from
 * ../shared/models/alike, served by a local HTTP server in place of GitHub) are checked against the manifest,
 * converted on this computer, and the converted file must be exactly the pinned one.
 */
const ID = 'alike-t';
const shipped = findEntry(loadManifest(), ID);

describe.skipIf(!HAS_ALIKE_WEIGHTS)(
  `tigerid models install / import of ALIKE${HAS_ALIKE_WEIGHTS ? '' : ` (${ALIKE_SKIP_REASON})`}`,
  () => {
    let temp: ReturnType<typeof tempDir>;
    let server: ModelServer;
    let data: string;
    const weights = () => readFileSync(join(ALIKE_WEIGHTS_DIR, 'alike-t.pth'));
    beforeEach(async () => {
      temp = tempDir();
      data = join(temp.dir, 'data');
      server = await serveFiles({
        '/alike-t.pth': weights(),
        '/alike-s.pth': readFileSync(join(ALIKE_WEIGHTS_DIR, 'alike-s.pth')),
      });
    });
    afterEach(async () => {
      await server.close();
      temp.cleanup();
    });

    /** The shipped manifest with alike-t's weights fetched from the local server at `path`. */
    function manifest(path = '/alike-t.pth'): string {
      const text = JSON.parse(readFileSync(bundledManifestPath(), 'utf8')) as {
        models: Array<Record<string, unknown>>;
      };
      const models = text.models.map((m) =>
        m.id === ID ? { ...m, weights: { ...(m.weights as object), url: server.url(path) } } : m,
      );
      const file = join(temp.dir, 'models.json');
      writeFileSync(file, JSON.stringify({ ...text, models }));
      return file;
    }

    const tigerid = (argv: string[]) => runCli([...argv, '--data', data]);

    const installedFile = () => join(data, 'models', ID, 'alike-t.onnx');

    it('shows the BSD-3 notice, downloads the weights, converts them and installs exactly the pinned file', async () => {
      const refused = await tigerid(['models', 'install', ID, '--manifest', manifest()]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`Model "${ID}" is licensed under BSD-3-Clause`);
      expect(refused.stderr).toContain('copies must carry its copyright notice');
      expect(refused.stderr).toContain(
        `of published weights from ${new URL(server.url('/')).host}, converted to ONNX`,
      );
      expect(server.requests).toEqual([]);

      const run = await tigerid(['models', 'install', ID, '--manifest', manifest(), '--accept-licence']);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(server.requests.map((r) => r.url)).toEqual(['/alike-t.pth']);
      expect(sha256(readFileSync(installedFile()))).toBe(shipped.sha256);
      expect(JSON.parse(readFileSync(join(data, 'models', ID, 'installed.json'), 'utf8'))).toMatchObject({
        id: ID,
        sha256: shipped.sha256,
        source: { kind: 'download', url: server.url('/alike-t.pth') },
      });
      // Only the converted model stays: the downloaded weights were a means.
      expect(existsSync(join(data, 'models', ID, 'alike-t.weights.part'))).toBe(false);
    });

    it('refuses weights that are not the published file, and installs nothing', async () => {
      const run = await tigerid(['models', 'install', ID, '--manifest', manifest('/alike-s.pth'), '--yes']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(
        /offers 724468 bytes but the manifest expects 350644 \[MODEL_DOWNLOAD_FAILED\]/,
      );
      expect(existsSync(join(data, 'models', ID))).toBe(false);
      const wrong = join(temp.dir, 'alike-t.pth');
      writeFileSync(wrong, readFileSync(join(ALIKE_WEIGHTS_DIR, 'alike-s.pth')));
      const imported = await tigerid(['models', 'import', wrong, '--as', ID]);
      expect(imported.code).not.toBe(0);
      expect(imported.stderr).toMatch(
        /is not the published weights of "alike-t": 724468 bytes with sha256 a9c0789f/,
      );
      expect(existsSync(join(data, 'models', ID))).toBe(false);
    });

    it('imports a copy of the weights: the same converted file as a download', async () => {
      const file = join(temp.dir, 'alike-t.pth');
      writeFileSync(file, weights());
      const run = await tigerid(['models', 'import', file, '--as', ID]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(sha256(readFileSync(installedFile()))).toBe(shipped.sha256);
      expect(existsSync(file)).toBe(true);
      const verify = await tigerid(['models', 'verify', ID]);
      expect(verify.stdout).toBe(`${ID}: ok\n`);
    });
  },
);
