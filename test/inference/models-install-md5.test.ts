import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli';
import { bundledManifestPath, parseManifest } from '../../electron/core/inference/manifest';
import { constantYolov9DetectorModel } from '../support/onnx/test-models';
import { serveFiles, sha256, tempDir, testStore, writeBytes, type ModelServer } from './support';

/**
 * `tigerid models install megadetector-v6-c` end to end, with the shipped entry pointed at a local server that
 * serves a generated model of the same layout (input [1,3,640,640], output [1,7,N]) instead of Zenodo's file.
 */

const ID = 'megadetector-v6-c';
const model = constantYolov9DetectorModel(640, [[320, 320, 64, 64, 1, 0.9, 0.05, 0.05]]);
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stdin that says it is a terminal and answers `answer`, noting how many requests the server had seen by then. */
function terminal(answer: string, onAsked: () => void): NodeJS.ReadableStream {
  let sent = false;
  const stream = new Readable({
    read() {
      if (sent) return void this.push(null);
      sent = true;
      onAsked();
      this.push(answer);
    },
  });
  return Object.assign(stream, { isTTY: true });
}

describe('tigerid models install with a published md5 (MegaDetector v6)', () => {
  let temp: ReturnType<typeof tempDir>;
  let server: ModelServer;
  let data: string;
  beforeEach(async () => {
    temp = tempDir();
    data = join(temp.dir, 'data');
    server = await serveFiles({ '/MDV6-yolov9-c.onnx': model });
  });
  afterEach(async () => {
    await server.close();
    temp.cleanup();
  });

  /** The shipped manifest, with the v6 entry's url, size and md5 replaced for the local file. */
  function manifest(overrides: { md5?: string; size?: number } = {}): string {
    const shipped = JSON.parse(readFileSync(bundledManifestPath(), 'utf8')) as {
      models: Array<Record<string, unknown>>;
    };
    const models = shipped.models.map((m) =>
      m.id === ID
        ? {
            ...m,
            url: server.url('/MDV6-yolov9-c.onnx'),
            size: overrides.size ?? model.length,
            md5: overrides.md5 ?? md5(model),
          }
        : m,
    );
    const file = join(temp.dir, 'models.json');
    writeFileSync(file, JSON.stringify({ ...shipped, models }));
    return file;
  }

  async function tigerid(argv: string[], stdin: NodeJS.ReadableStream = Readable.from([''])): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--data', data], {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t), isTTY: false },
      env: {},
      stdin,
    });
    return { code, stdout, stderr };
  }

  const installed = () => join(data, 'models', ID);

  it('shows the licence and, off a terminal, needs --accept-licence before fetching anything', async () => {
    const run = await tigerid(['models', 'install', ID, '--manifest', manifest()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `Model "${ID}" is licensed under AGPL-3.0 (MegaDetector v6, Microsoft / PyTorch-Wildlife).\n` +
        'Licence and model page: https://zenodo.org/records/15398270\n' +
        'AGPL-3.0 in short: you may use and change the model freely; if you give copies to others, or let others use a changed version over a network, you must offer them its source under the same licence.\n' +
        `Download: ${model.length} bytes from ${new URL(server.url('/')).host}\n`,
    );
    expect(run.stderr).toContain(
      `tigerid models: standard input is not a terminal, so the licence of "${ID}" cannot be asked about: read it above and add --accept-licence (or --yes) to accept it`,
    );
    expect(server.requests).toEqual([]);
    expect(existsSync(installed())).toBe(false);
  });

  it('asks on a terminal before any byte is fetched; "n" installs nothing', async () => {
    let requestsWhenAsked = -1;
    const run = await tigerid(
      ['models', 'install', ID, '--manifest', manifest()],
      terminal('n\n', () => (requestsWhenAsked = server.requests.length)),
    );
    expect(run.code).toBe(1);
    expect(requestsWhenAsked).toBe(0);
    expect(run.stderr).toContain('Accept this licence and download? [y/N] ');
    expect(run.stderr).toContain(`Not installed: the licence of "${ID}" was not accepted.`);
    expect(server.requests).toEqual([]);
    expect(existsSync(installed())).toBe(false);
  });

  it('on "y", downloads, checks size and md5, and records the sha256 and md5', async () => {
    let requestsWhenAsked = -1;
    const file = manifest();
    const run = await tigerid(
      ['models', 'install', ID, '--manifest', file],
      terminal('y\n', () => (requestsWhenAsked = server.requests.length)),
    );
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(requestsWhenAsked).toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual(['/MDV6-yolov9-c.onnx']);
    expect(run.stdout).toBe(
      `Installed ${ID} (sha256 ${sha256(model)}, ${model.length} bytes) at ${join(installed(), 'MDV6-yolov9-c.onnx')}\n` +
        `The file matches the published md5 ${md5(model)}; its sha256 above is recorded as the model version.\n`,
    );
    expect(JSON.parse(readFileSync(join(installed(), 'installed.json'), 'utf8'))).toMatchObject({
      id: ID,
      file: 'MDV6-yolov9-c.onnx',
      sha256: sha256(model),
      md5: md5(model),
      size: model.length,
      source: { kind: 'download', url: server.url('/MDV6-yolov9-c.onnx') },
    });
    expect(readFileSync(join(installed(), 'MDV6-yolov9-c.onnx'))).toEqual(Buffer.from(model));

    // --yes accepts without asking; the same md5 is already installed, so nothing is fetched again.
    const again = await tigerid(['models', 'install', ID, '--manifest', file, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Already installed ${ID} (sha256 ${sha256(model)}`);
    expect(server.requests).toHaveLength(1);

    const list = await tigerid(['models', 'list', '--json', '--manifest', file]);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ id: ID, state: 'installed', sha256: sha256(model), downloadable: true }),
    );
    // A manifest that now pins another published file no longer accepts this install.
    const other = manifest({ md5: 'f'.repeat(32) });
    const stale = await tigerid(['models', 'list', '--json', '--manifest', other]);
    expect(JSON.parse(stale.stdout)).toContainEqual(
      expect.objectContaining({
        id: ID,
        state: 'corrupt',
        problem: `Installed "${ID}" (${join(installed(), 'MDV6-yolov9-c.onnx')}) has md5 ${md5(model)}, but the manifest expects ${'f'.repeat(32)}; reinstall it`,
      }),
    );
  });

  it('refuses a download whose md5 differs, naming both, and leaves nothing installed', async () => {
    const wrong = '0'.repeat(32);
    const run = await tigerid([
      'models',
      'install',
      ID,
      '--manifest',
      manifest({ md5: wrong }),
      '--accept-licence',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `tigerid models: Downloaded file from ${server.url('/MDV6-yolov9-c.onnx')} for model "${ID}" has md5 ${md5(model)}, but the manifest expects ${wrong}; it was not installed [MODEL_CORRUPT]`,
    );
    expect(server.requests).toHaveLength(1);
    expect(existsSync(installed())).toBe(false);
  });

  it('refuses a download whose size differs before taking its body, and leaves nothing behind', async () => {
    const run = await tigerid([
      'models',
      'install',
      ID,
      '--manifest',
      manifest({ size: model.length + 1 }),
      '--accept-licence',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `the server offers ${model.length} bytes but the manifest expects ${model.length + 1} [MODEL_DOWNLOAD_FAILED]`,
    );
    expect(existsSync(installed())).toBe(false);
  });

  it('checks an imported file against the published size and md5 too', async () => {
    const entry = (size: number, hash: string) =>
      parseManifest(JSON.parse(readFileSync(manifest({ size, md5: hash }), 'utf8')), 'test manifest');
    const file = writeBytes(temp.dir, 'local.onnx', model);

    const sized = testStore(join(temp.dir, 'sized'), entry(model.length - 1, md5(model))).store;
    await expect(sized.importFile(file, ID)).rejects.toMatchObject({
      code: 'MODEL_CORRUPT',
      message: `File ${file} for model "${ID}" has ${model.length} bytes, but the manifest expects ${model.length - 1}; it was not installed`,
      details: { id: ID, expectedSize: model.length - 1, actualSize: model.length },
    });
    expect(existsSync(join(temp.dir, 'sized', ID))).toBe(false);

    const good = testStore(join(temp.dir, 'good'), entry(model.length, md5(model))).store;
    const { record } = await good.importFile(file, ID);
    expect(record).toMatchObject({ sha256: sha256(model), md5: md5(model), size: model.length });
    expect(server.requests).toEqual([]);
  });
});
