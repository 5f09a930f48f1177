import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseExecutionProvider,
  onnxruntimeBindingDir,
} from '../../electron/core/inference/execution-provider';
import { OnnxEngine } from '../../electron/core/inference/onnx-engine';
import { memoryLogger } from '../../electron/core/log';
import { linearEmbedderModel } from '../support/onnx/test-models';
import { EMBED_MATRIX, tempDir, testManifest, testStore, writeBytes } from './support';

describe('execution provider choice', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.cleanup());

  it('uses the CPU and says why when the CUDA provider libraries are absent', async () => {
    const status = await chooseExecutionProvider({ bindingDir: temp.dir, platform: 'linux' });
    expect(status.provider).toBe('cpu');
    expect(status.reason).toBe(
      `CUDA provider library libonnxruntime_providers_shared.so, libonnxruntime_providers_cuda.so not found in ${temp.dir} (with CUDA 12 and cuDNN 9 installed, run "npm run setup:cuda" once on a machine with internet)`,
    );
    expect(status.preference).toEqual(['cuda', 'cpu']);
    expect(status.fallback).toBe(false);
  });

  it('falls back to the CPU when the CUDA library files exist but do not load', async () => {
    // Files with the right names that are not shared libraries: the probe session with ['cuda'] fails.
    writeFileSync(join(temp.dir, 'libonnxruntime_providers_shared.so'), 'not a library');
    writeFileSync(join(temp.dir, 'libonnxruntime_providers_cuda.so'), 'not a library');
    const status = await chooseExecutionProvider({ bindingDir: temp.dir, platform: 'linux' });
    expect(status.provider).toBe('cpu');
    expect(status.reason).toMatch(new RegExp(`^CUDA provider found in ${temp.dir} but failed to load: .+`));
    expect(status.fallback).toBe(true);
  });

  it('honours a CPU-only preference and platforms without CUDA', async () => {
    expect((await chooseExecutionProvider({ preference: ['cpu'] })).reason).toBe(
      'CUDA is not in the configured provider preference',
    );
    expect((await chooseExecutionProvider({ platform: 'darwin' })).reason).toBe(
      'onnxruntime has no CUDA provider on darwin',
    );
  });

  it('finds the onnxruntime binding folder', () => {
    expect(onnxruntimeBindingDir()).toMatch(/onnxruntime-node[/\\]bin[/\\]napi-v6[/\\]/);
  });
});

describe('OnnxEngine sessions', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.cleanup());

  async function installedEmbedder() {
    const { store } = testStore(join(temp.dir, 'models'), testManifest());
    await store.importFile(
      writeBytes(temp.dir, 'e.onnx', linearEmbedderModel(4, 4, EMBED_MATRIX)),
      'test-embedder',
    );
    return store.resolve('test-embedder');
  }

  it('logs the provider choice once and loads a model once for concurrent callers', async () => {
    const log = memoryLogger();
    const engine = new OnnxEngine({ log, intraOpThreads: 1 });
    try {
      const model = await installedEmbedder();
      const input = { data: new Float32Array(2 * 3 * 16).fill(0.5), dims: [2, 3, 4, 4] };
      const [a, b, c] = await Promise.all([
        engine.load(model),
        engine.run(model, input),
        engine.run(model, input),
      ]);
      expect(a.provider).toBe((await engine.executionProvider()).provider);
      expect(a.signature).toEqual({
        inputName: 'input',
        inputShape: ['batch', 3, 4, 4],
        outputName: 'embedding',
        outputShape: ['batch', 4],
      });
      expect(b.dims).toEqual([2, 4]);
      expect(Array.from(c.data)).toEqual([0.5, 0.5, 0.5, 1.5, 0.5, 0.5, 0.5, 1.5]);
      expect(engine.loadedKeys()).toEqual([`test-embedder@${model.sha256}@${a.provider}`]);
      expect(log.lines.filter((l) => l.startsWith('debug: Loaded model session'))).toHaveLength(1);
      expect(log.lines.filter((l) => l.includes('in descending order of preference'))).toEqual([
        'info: Execution providers in descending order of preference: cuda, cpu',
      ]);
      expect(
        log.lines.filter((l) => l.startsWith('info: Using ') || l.startsWith('warn: Using ')),
      ).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });

  it('unloads an idle session after its TTL and reloads on the next call', async () => {
    const log = memoryLogger();
    const engine = new OnnxEngine({ log, idleTtlMs: 30, intraOpThreads: 1 });
    try {
      const model = await installedEmbedder();
      await engine.load(model);
      expect(engine.loadedKeys()).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(engine.loadedKeys()).toEqual([]);
      expect(log.lines.some((l) => l.startsWith('debug: Unloaded idle model session test-embedder@'))).toBe(
        true,
      );
      await engine.load(model);
      expect(log.lines.filter((l) => l.startsWith('debug: Loaded model session'))).toHaveLength(2);
    } finally {
      await engine.close();
    }
  });

  it('reports a failed run as INFERENCE_FAILED with the caller in the stack, and refuses work after close', async () => {
    const engine = new OnnxEngine({ intraOpThreads: 1 });
    const model = await installedEmbedder();
    const error = await engine
      .run(model, { data: new Float32Array(3 * 9), dims: [1, 3, 3, 3] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: expect.stringMatching(/^Running model "test-embedder" on cpu failed: /),
    });
    expect((error as Error).stack).toContain('onnx-engine.test.ts');
    await engine.close();
    await expect(engine.load(model)).rejects.toThrow('OnnxEngine is closed');
  });

  it('exposes the onnxruntime version', () => {
    expect(OnnxEngine.runtimeVersion()).toBe('1.30.0');
  });
});
