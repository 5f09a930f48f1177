import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import {
  bundledManifestPath,
  isDownloadable,
  loadManifest,
  parseManifest,
} from '../../electron/core/inference/manifest';
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

function findShipped(id: string) {
  const entry = loadManifest(bundledManifestPath()).models.find((m) => m.id === id);
  if (entry === undefined) throw new Error(`${id} is not in models/models.json`);
  return entry;
}

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
    expect(Object.keys(byId)).toEqual([
      'megadetector-v5a',
      'megadetector-v6-c',
      'megadescriptor-l-384',
      'megadescriptor-t-224',
      'alike-n',
      'alike-t',
      'alike-s',
      'alike-l',
    ]);
    const md = byId['megadetector-v5a'];
    expect(md?.task === 'detect' && md.output).toMatchObject({
      format: 'yolov5-md',
      confidenceThreshold: 0.2,
    });
    expect(md?.task === 'detect' && md.input).toMatchObject({
      width: 1280,
      height: 1280,
      resize: 'letterbox',
    });
    expect(md?.licence).toMatch(/^MIT/);
    const large = byId['megadescriptor-l-384'];
    expect(large?.task === 'embed' && large.output.dim).toBe(1536);
    expect(large?.task === 'embed' && large.input).toMatchObject({
      width: 384,
      resize: 'stretch',
      mean: [0.485, 0.456, 0.406],
    });
    expect(large?.licence).toMatch(/CC BY-NC 4\.0/);
    const tiny = byId['megadescriptor-t-224'];
    expect(tiny?.task === 'embed' && tiny.output.dim).toBe(768);
    for (const m of manifest.models) {
      if (m.id !== 'megadetector-v6-c' && m.task !== 'local-features')
        expect([m.url, m.sha256, isDownloadable(m)]).toEqual([null, null, false]);
    }
  });

  it('ships MegaDetector v6 (YOLOv9-c) as Zenodo publishes it: url, size and md5, sha256 recorded at install', () => {
    const v6 = findShipped('megadetector-v6-c');
    expect(v6).toMatchObject({
      task: 'detect',
      file: 'MDV6-yolov9-c.onnx',
      url: 'https://zenodo.org/records/15398270/files/MDV6-yolov9-c.onnx?download=1',
      size: 101437043,
      md5: '3db7988385714066c1515dde6ab56e4c',
      sha256: null,
      licence: 'AGPL-3.0 (MegaDetector v6, Microsoft / PyTorch-Wildlife)',
      input: { width: 640, height: 640, resize: 'letterbox', padValue: 114, layout: 'NCHW', scale: 1 / 255 },
      output: { format: 'yolov9-md', classes: ['animal', 'person', 'vehicle'] },
    });
    expect(isDownloadable(v6)).toBe(true);
  });

  it('checks md5 (32 lowercase hex digits) and needs a size beside it', () => {
    const md5 = '3db7988385714066c1515dde6ab56e4c';
    const url = 'https://example.org/md.onnx';
    expect(
      invalid({ version: 1, models: [{ ...validDetector, md5: md5.toUpperCase(), size: 1 }] }).message,
    ).toBe('Model manifest m.json is invalid: models[0].md5: must be 32 lowercase hex digits');
    expect(invalid({ version: 1, models: [{ ...validDetector, url, md5 }] }).message).toBe(
      'Model manifest m.json is invalid: models[0].size: must be set when md5 is (the download is checked against both)',
    );
    const parsed = parseManifest(
      { version: 1, models: [{ ...validDetector, url, md5, size: 10 }] },
      'm.json',
    );
    const entry = parsed.models[0];
    expect(entry?.md5).toBe(md5);
    expect(entry && isDownloadable(entry)).toBe(true);
    expect(entry && isDownloadable({ ...entry, md5: undefined })).toBe(false);
    expect(entry && isDownloadable({ ...entry, md5: undefined, sha256: 'a'.repeat(64) })).toBe(true);
    expect(entry && isDownloadable({ ...entry, url: null })).toBe(false);
  });

  it('fills defaults (iou 0.45, padding 114, bilinear, weight 1)', () => {
    const manifest = parseManifest({ version: 1, models: [validDetector] }, 'm.json');
    const md = manifest.models[0];
    expect(md?.task === 'detect' && md.output.iouThreshold).toBe(0.45);
    expect(md?.task === 'detect' && md.input).toMatchObject({ padValue: 114, interpolation: 'bilinear' });
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
