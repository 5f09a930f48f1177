import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { bundledManifestPath, loadManifest, parseManifest } from '../../electron/core/inference/manifest';
import { tempDir } from './support';

const validDetector = {
  id: 'md',
  task: 'detect',
  file: 'md.onnx',
  url: null,
  sha256: null,
  size: null,
  licence: 'MIT',
  description: 'd',
  cpuCapable: true,
  input: {
    width: 64,
    height: 64,
    resize: 'letterbox',
    mean: [0, 0, 0],
    std: [1, 1, 1],
    layout: 'NCHW',
    scale: 1 / 255,
  },
  output: { format: 'yolov5-md', classes: ['animal', 'person', 'vehicle'] },
};

function invalid(data: unknown): EngineError {
  try {
    parseManifest(data, 'm.json');
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('manifest was accepted');
}

describe('model manifest', () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('ships MegaDetector v5a and both MegaDescriptors, honestly without url or hash', () => {
    const manifest = loadManifest(bundledManifestPath());
    const byId = Object.fromEntries(manifest.models.map((m) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(['megadetector-v5a', 'megadescriptor-l-384', 'megadescriptor-t-224']);
    const md = byId['megadetector-v5a'];
    expect(md?.task === 'detect' && md.output).toMatchObject({
      format: 'yolov5-md',
      confidenceThreshold: 0.2,
    });
    expect(md?.input).toMatchObject({ width: 1280, height: 1280, resize: 'letterbox' });
    expect(md?.licence).toMatch(/^MIT/);
    const large = byId['megadescriptor-l-384'];
    expect(large?.task === 'embed' && large.output.dim).toBe(1536);
    expect(large?.input).toMatchObject({ width: 384, resize: 'stretch', mean: [0.485, 0.456, 0.406] });
    expect(large?.licence).toMatch(/CC BY-NC 4\.0/);
    const tiny = byId['megadescriptor-t-224'];
    expect(tiny?.task === 'embed' && tiny.output.dim).toBe(768);
    for (const m of manifest.models) expect([m.url, m.sha256]).toEqual([null, null]);
  });

  it('fills defaults (iou 0.45, padding 114, bilinear, weight 1)', () => {
    const manifest = parseManifest({ version: 1, models: [validDetector] }, 'm.json');
    const md = manifest.models[0];
    expect(md?.task === 'detect' && md.output.iouThreshold).toBe(0.45);
    expect(md?.input).toMatchObject({ padValue: 114, interpolation: 'bilinear' });
    expect(md?.ensembleWeight).toBe(1);
  });

  it('names the JSON path of each problem', () => {
    const error = invalid({
      version: 1,
      models: [{ ...validDetector, input: { ...validDetector.input, mean: [0, 0] }, sha256: 'ABC' }],
    });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain('Model manifest m.json is invalid');
    expect(error.message).toContain('models[0].input.mean');
    expect(error.message).toContain('models[0].sha256: must be 64 lowercase hex digits');
  });

  it('rejects unknown keys, duplicate ids, path-like file names and a detector without "animal"', () => {
    expect(invalid({ version: 1, models: [{ ...validDetector, treshold: 1 }] }).message).toContain(
      'models[0]',
    );
    expect(invalid({ version: 1, models: [validDetector, validDetector] }).message).toContain(
      'models[1].id: duplicate model id "md"',
    );
    expect(invalid({ version: 1, models: [{ ...validDetector, file: '../x.onnx' }] }).message).toContain(
      'models[0].file: must be a bare file name ending in .onnx',
    );
    expect(
      invalid({
        version: 1,
        models: [{ ...validDetector, output: { format: 'yolov5-md', classes: ['cat'] } }],
      }).message,
    ).toContain('models[0].output.classes: classes must include "animal"');
  });

  it('reports a file that is not JSON as MANIFEST_INVALID', () => {
    const file = join(temp.dir, 'broken.json');
    writeFileSync(file, '{ "version": 1,');
    expect(() => loadManifest(file)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
    expect(() => loadManifest(join(temp.dir, 'absent.json'))).toThrow(/Cannot read model manifest/);
  });
});
