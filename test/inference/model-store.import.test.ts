import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { constantDetectorModel, linearEmbedderModel } from '../support/onnx/test-models';
import {
  DETECTOR_ROWS,
  DETECTOR_SIZE,
  EMBED_MATRIX,
  sha256,
  tempDir,
  testManifest,
  testStore,
  writeBytes,
} from './support';

const detector = constantDetectorModel(DETECTOR_SIZE, DETECTOR_ROWS);
const embedder = linearEmbedderModel(4, 4, EMBED_MATRIX);

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ModelStore import, list, verify, resolve and remove', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.cleanup());

  it('imports a local file with no pinned hash and records the hash it has', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const file = writeBytes(temp.dir, 'my-export.onnx', embedder);
    const result = await store.importFile(file, 'test-embedder');
    expect(result.record).toMatchObject({
      sha256: sha256(embedder),
      size: embedder.length,
      source: { kind: 'import', path: file },
    });
    expect(readFileSync(result.path)).toEqual(Buffer.from(embedder));
    expect(existsSync(file)).toBe(true);

    const listing = await store.list({ verify: true });
    expect(listing.map((m) => [m.id, m.state])).toEqual([
      ['test-detector', 'not-installed'],
      ['test-embedder', 'verified'],
    ]);
    expect(await store.resolve('test-embedder')).toMatchObject({
      id: 'test-embedder',
      sha256: sha256(embedder),
      path: result.path,
    });
  });

  it('refuses an import whose hash differs from the one the manifest pins', async () => {
    const { store } = testStore(
      join(temp.dir, 'models'),
      testManifest({ detector: { sha256: 'b'.repeat(64) } }),
    );
    const file = writeBytes(temp.dir, 'md.onnx', detector);
    const error = await rejection(store.importFile(file, 'test-detector'));
    expect(error.code).toBe('MODEL_CORRUPT');
    expect(error.message).toBe(
      `File ${file} for model "test-detector" has sha256 ${sha256(detector)}, but the manifest expects ${'b'.repeat(64)}; it was not installed`,
    );
    expect(existsSync(join(temp.dir, 'models', 'test-detector'))).toBe(false);
  });

  it('refuses to import a detector as an embedder (wrong signature)', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const error = await rejection(
      store.importFile(writeBytes(temp.dir, 'md.onnx', detector), 'test-embedder'),
    );
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toBe(
      'Model file for "test-embedder" does not fit the manifest: input "images" [1,3,64,64] has size 64 in dimension 2, expected 4 (NCHW [batch,3,4,4])',
    );
  });

  it('refuses unknown ids and unreadable files', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const unknown = await rejection(
      store.importFile(writeBytes(temp.dir, 'x.onnx', detector), 'megadetector'),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe(
      'Unknown model "megadetector"; the manifest lists: test-detector, test-embedder',
    );
    const missing = await rejection(store.importFile(join(temp.dir, 'absent.onnx'), 'test-detector'));
    expect(missing.code).toBe('FILE_UNREADABLE');
  });

  it('verify re-hashes and reports a tampered file as MODEL_CORRUPT; resolve refuses it', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const { path } = await store.importFile(writeBytes(temp.dir, 'md.onnx', detector), 'test-detector');
    expect(await store.verify()).toEqual([{ id: 'test-detector', ok: true }]);

    // Same size, one byte changed: only a re-hash notices.
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    const [result] = await store.verify();
    expect(result?.ok).toBe(false);
    expect(result?.error?.code).toBe('MODEL_CORRUPT');
    expect(result?.error?.message).toBe(
      `Model file ${path} of "test-detector" has sha256 ${sha256(bytes)}, but ${sha256(detector)} was installed; reinstall it`,
    );
    expect((await store.list({ verify: true }))[0]?.state).toBe('corrupt');

    appendFileSync(path, 'x');
    const error = await rejection(store.resolve('test-detector'));
    expect(error.code).toBe('MODEL_CORRUPT');
    expect(error.message).toContain(`expected sha256 ${sha256(detector)}`);
  });

  it('reports a missing file and a model that is not installed', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    const notInstalled = await rejection(store.resolve('test-detector'));
    expect(notInstalled.code).toBe('MODEL_MISSING');
    expect(notInstalled.message).toContain('tigerid models install test-detector');

    const { path } = await store.importFile(writeBytes(temp.dir, 'md.onnx', detector), 'test-detector');
    rmSync(path);
    expect((await store.list())[0]?.state).toBe('missing');
    expect((await rejection(store.resolve('test-detector'))).code).toBe('MODEL_MISSING');
  });

  it('removes an installed model, and says when there was nothing to remove', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'md.onnx', detector), 'test-detector');
    expect(await store.remove('test-detector')).toBe(true);
    expect(existsSync(join(temp.dir, 'models', 'test-detector'))).toBe(false);
    expect(await store.remove('test-detector')).toBe(false);
    expect(await store.firstInstalled('detect')).toBeNull();
  });

  it('treats a damaged installed.json as corrupt, not as absent', async () => {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(writeBytes(temp.dir, 'md.onnx', detector), 'test-detector');
    writeFileSync(join(temp.dir, 'models', 'test-detector', 'installed.json'), '{"id": 3}');
    const error = await rejection(store.resolve('test-detector'));
    expect(error.code).toBe('MODEL_CORRUPT');
    expect(error.message).toContain('installed.json is damaged');
    expect((await store.list())[0]?.state).toBe('corrupt');
  });
});
