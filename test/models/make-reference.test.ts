import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

/**
 * make-reference.mts writes what models/compare_reference.py reads (often on a GPU machine without Node), so the
 * folder format is the contract checked here: file names, float32 byte lengths, shape, dims and model hash.
 */

const REPO = join(import.meta.dirname, '..', '..');
const SCRIPT = join(REPO, 'test', 'fakes', 'reference', 'make-reference.mts');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('make-reference.mts', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.cleanup()));

  it('writes an embedder and a detector reference folder in the format compare_reference.py reads', () => {
    const dir = tempDir('tigerid-make-reference-');
    dirs.push(dir);
    const result = spawnSync(TSX, [SCRIPT, dir.path], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);

    // Embedder: batch 2 of [3,32,32] in, [2,32] out; detector: [1,3,64,64] in, 64 rows of 8 out.
    const expected = {
      embedder: { id: 'reference-embedder', shape: [2, 3, 32, 32], dims: [2, 32] },
      detector: { id: 'reference-detector', shape: [1, 3, 64, 64], dims: [1, 64, 8] },
    };
    for (const [name, want] of Object.entries(expected)) {
      const folder = join(dir.path, name);
      const model = readFileSync(join(folder, 'model.onnx'));
      expect(readJson(join(folder, 'shape.json'))).toEqual(want.shape);
      expect(readJson(join(folder, 'meta.json'))).toEqual({
        model_id: want.id,
        sha256: createHash('sha256').update(model).digest('hex'),
        dims: want.dims,
        provider: 'cpu',
        onnxruntime: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
      const values = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
      expect(statSync(join(folder, 'input.bin')).size).toBe(values(want.shape) * 4);
      expect(statSync(join(folder, 'output.bin')).size).toBe(values(want.dims) * 4);
      const output = readFileSync(join(folder, 'output.bin'));
      const numbers = Array.from({ length: output.length / 4 }, (_, i) => output.readFloatLE(i * 4));
      expect(numbers.every(Number.isFinite)).toBe(true);
      // A real computation, not a constant: the outputs vary.
      expect(new Set(numbers).size).toBeGreaterThan(numbers.length / 2);
    }
    // The detector ends in a sigmoid: every value lies strictly between 0 and 1.
    const detector = readFileSync(join(dir.path, 'detector', 'output.bin'));
    for (let i = 0; i < detector.length; i += 4) {
      const v = detector.readFloatLE(i);
      expect(v > 0 && v < 1, `value ${v}`).toBe(true);
    }
  });

  it('prints its usage and exits 2 without an output folder', () => {
    const result = spawnSync(TSX, [SCRIPT], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('Usage: npx tsx test/fakes/reference/make-reference.mts OUT_DIR\n');
  });
});
