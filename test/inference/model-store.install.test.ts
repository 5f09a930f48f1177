import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import type { ProgressEvent } from '../../electron/core/progress';
import { constantDetectorModel, wrongRankDetectorModel } from '../support/onnx/test-models';
import {
  DETECTOR_ROWS,
  DETECTOR_SIZE,
  serveFiles,
  sha256,
  tempDir,
  testManifest,
  testStore,
  type ModelServer,
} from './support';

const model = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ModelStore.install over HTTP', () => {
  let temp: ReturnType<typeof tempDir>;
  let server: ModelServer | undefined;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    temp.cleanup();
  });

  function storeFor(url: string, hash: string | null, size: number | null = null) {
    return testStore(join(temp.dir, 'models'), testManifest({ detector: { url, sha256: hash, size } }));
  }

  it('downloads with byte progress, checks the hash and the ONNX signature, and records the install', async () => {
    server = await serveFiles({ '/md.onnx': model });
    const { store } = storeFor(server.url('/md.onnx'), sha256(model), model.length);
    const events: ProgressEvent[] = [];
    const result = await store.install('test-detector', { onProgress: (e) => events.push(e) });

    expect(result.alreadyInstalled).toBe(false);
    expect(result.path).toBe(join(temp.dir, 'models', 'test-detector', 'detector.onnx'));
    expect(readFileSync(result.path)).toEqual(Buffer.from(model));
    const record = JSON.parse(
      readFileSync(join(temp.dir, 'models', 'test-detector', 'installed.json'), 'utf8'),
    );
    expect(record).toEqual({
      id: 'test-detector',
      file: 'detector.onnx',
      sha256: sha256(model),
      size: model.length,
      installedAt: '2025-01-02T03:04:05.000Z',
      source: { kind: 'download', url: server.url('/md.onnx') },
    });
    const downloads = events.filter((e) => e.phase === 'download');
    expect(downloads[0]).toEqual({ phase: 'download', done: 0, total: model.length, unit: 'bytes' });
    expect(downloads.at(-1)).toEqual({
      phase: 'download',
      done: model.length,
      total: model.length,
      unit: 'bytes',
    });
    expect(events.some((e) => e.phase === 'verify')).toBe(true);
    expect(readdirSync(join(temp.dir, 'models', 'test-detector')).sort()).toEqual([
      'detector.onnx',
      'installed.json',
    ]);

    const again = await store.install('test-detector');
    expect(again.alreadyInstalled).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('resumes a cut download with a Range request for the rest', async () => {
    server = await serveFiles({ '/md.onnx': model }, { cutFirstAfter: Math.floor(model.length / 2) });
    const { store, log } = storeFor(server.url('/md.onnx'), sha256(model));
    const first = await rejection(store.install('test-detector'));
    expect(first.code).toBe('MODEL_DOWNLOAD_FAILED');
    const part = join(temp.dir, 'models', 'test-detector', 'detector.onnx.part');
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(model.length);

    const result = await store.install('test-detector');
    expect(readFileSync(result.path)).toEqual(Buffer.from(model));
    expect(server.requests.map((r) => r.range)).toEqual([undefined, `bytes=${kept}-`]);
    expect(log.lines).toContain(`info: Resumed download of "test-detector" at byte ${kept}`);
    expect(existsSync(part)).toBe(false);
  });

  it('follows redirects', async () => {
    server = await serveFiles(
      { '/cdn/md.onnx': model },
      { redirects: { '/releases/md.onnx': '/cdn/md.onnx' } },
    );
    const { store } = storeFor(server.url('/releases/md.onnx'), sha256(model));
    const result = await store.install('test-detector');
    expect(readFileSync(result.path)).toEqual(Buffer.from(model));
    expect(server.requests.map((r) => r.url)).toEqual(['/releases/md.onnx', '/cdn/md.onnx']);
  });

  it('restarts from zero when the server ignores Range', async () => {
    server = await serveFiles({ '/md.onnx': model }, { honourRange: false });
    const { store, log } = storeFor(server.url('/md.onnx'), sha256(model));
    const dir = join(temp.dir, 'models', 'test-detector');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'detector.onnx.part'), Buffer.from(model.subarray(0, 100)));

    const result = await store.install('test-detector');
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=100-']);
    expect(readFileSync(result.path)).toEqual(Buffer.from(model));
    expect(log.lines.some((l) => l.includes('ignored the resume request'))).toBe(true);
  });

  it('refuses a file whose hash differs, naming both hashes, and leaves nothing installed', async () => {
    server = await serveFiles({ '/md.onnx': model });
    const expected = 'a'.repeat(64);
    const { store } = storeFor(server.url('/md.onnx'), expected);
    const error = await rejection(store.install('test-detector'));
    expect(error.code).toBe('MODEL_CORRUPT');
    expect(error.message).toBe(
      `Downloaded file from ${server.url('/md.onnx')} for model "test-detector" has sha256 ${sha256(model)}, but the manifest expects ${expected}; it was not installed`,
    );
    expect(existsSync(join(temp.dir, 'models', 'test-detector'))).toBe(false);
    expect((await store.list()).find((m) => m.id === 'test-detector')?.state).toBe('not-installed');
  });

  it('refuses a file that is not an ONNX model', async () => {
    const notOnnx = Buffer.from('this is an HTML error page, not a model');
    server = await serveFiles({ '/md.onnx': notOnnx });
    const { store } = storeFor(server.url('/md.onnx'), sha256(notOnnx));
    const error = await rejection(store.install('test-detector'));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/^File for "test-detector" is not a loadable ONNX model: /);
    expect(existsSync(join(temp.dir, 'models', 'test-detector'))).toBe(false);
  });

  it('refuses a model whose input has the wrong rank', async () => {
    const wrong = wrongRankDetectorModel(DETECTOR_SIZE);
    server = await serveFiles({ '/md.onnx': wrong });
    const { store } = storeFor(server.url('/md.onnx'), sha256(wrong));
    const error = await rejection(store.install('test-detector'));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toBe(
      'Model file for "test-detector" does not fit the manifest: input "images" [1,3,64] has rank 3, expected rank 4 (NCHW [batch,3,64,64])',
    );
  });

  it('refuses a detector whose rows are not 5 + classes wide', async () => {
    const narrow = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS, { rowWidth: 6 });
    server = await serveFiles({ '/md.onnx': narrow });
    const { store } = storeFor(server.url('/md.onnx'), sha256(narrow));
    const error = await rejection(store.install('test-detector'));
    expect(error.message).toBe(
      'Model file for "test-detector" does not fit the manifest: output "output" [1,6,6] has size 6 in dimension 2, expected 8 (yolov5-md detections [batch,N,8])',
    );
  });

  it('reports HTTP errors, size disagreements and a manifest entry without url', async () => {
    server = await serveFiles({ '/md.onnx': model });
    const missing = await rejection(
      storeFor(server.url('/nope.onnx'), sha256(model)).store.install('test-detector'),
    );
    expect(missing.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(missing.message).toBe(`Download of ${server.url('/nope.onnx')} failed: HTTP 404 Not Found`);

    const sized = await rejection(
      storeFor(server.url('/md.onnx'), sha256(model), 10).store.install('test-detector'),
    );
    expect(sized.message).toContain(`the server offers ${model.length} bytes but the manifest expects 10`);

    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const noUrl = await rejection(store.install('test-detector'));
    expect(noUrl.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(noUrl.message).toContain('tigerid models import FILE.onnx --as test-detector');
    expect(noUrl.details).toEqual({ id: 'test-detector', reason: 'no-url' });
  });

  it('keeps the partial file when aborted, for a later resume', async () => {
    server = await serveFiles({ '/md.onnx': model }, { cutFirstAfter: 1000 });
    const { store } = storeFor(server.url('/md.onnx'), sha256(model));
    const controller = new AbortController();
    const promise = store.install('test-detector', {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.phase === 'download' && e.done > 0) controller.abort(new Error('stopped by user'));
      },
    });
    await expect(promise).rejects.toThrow('stopped by user');
    expect(existsSync(join(temp.dir, 'models', 'test-detector', 'installed.json'))).toBe(false);
    expect(existsSync(join(temp.dir, 'models', 'test-detector', 'detector.onnx.part'))).toBe(true);
  });
});
