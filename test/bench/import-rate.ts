import { existsSync, mkdirSync, readdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { openCore } from '../../electron/core/context';
import { loadAnalysisServices } from '../../electron/core/analysis/load-services';
import { importAndAnalyse } from '../../electron/core/importing/import-and-analyse';
import { importFolder } from '../../electron/core/importing/import-folder';
import { cameraFrame, exifTimeAfter } from '../support/camera-frames';
import { jpeg } from '../support/image-fixtures';
import { tempDir } from '../support/temp-dir';
import { ALIKE_WEIGHTS_DIR, HAS_ALIKE_WEIGHTS, SHARED_DATA } from '../support/shared-data';
import { loadManifest } from '../../electron/core/inference/manifest';
import { ModelStore } from '../../electron/core/inference/model-store';

/**
 * Import rate against the floor set by sharp itself: decoding and resizing the very same files (what import
 * cannot avoid) in the same run, so the ratio says how much import adds on top, whatever the machine's load.
 */
export async function benchImportRate(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const sets: { name: string; files: () => Promise<string[]>; station?: string }[] = [
    { name: 'generated-2048x1536', files: () => generated(40) },
    { name: 'camera-1920x1080', files: () => cameraFrames(30), station: 'Bench camera' },
  ];
  const atrw = join(SHARED_DATA, 'atrw-reid', 'images');
  if (existsSync(atrw)) {
    sets.push({
      name: 'atrw-200',
      files: async () =>
        readdirSync(atrw)
          .sort()
          .slice(0, 200)
          .map((f) => join(atrw, f)),
    });
  } else {
    results['atrw-200'] = 'skipped: ../shared/data/atrw-reid is absent';
  }
  for (const set of sets) {
    const files = await set.files();
    const baseline = await sharpBaseline(files);
    const decode = await sharpDecode(files);
    const imported = await importRate(files, false, set.station);
    const analysed = await importRate(files, true, set.station);
    // The same with ALIKE-n installed (before/after learned features), where its weights are beside the checkout.
    const withAlike = HAS_ALIKE_WEIGHTS ? await importRate(files, true, set.station, true) : null;
    results[set.name] = {
      images: files.length,
      sharpFullDecodeImagesPerSecond: round(decode),
      importAndAnalyseToSharpDecodeRatio: round(analysed / decode),
      sharpDecodeResizeImagesPerSecond: round(baseline),
      importImagesPerSecond: round(imported),
      importToSharpRatio: round(imported / baseline),
      importAndAnalyseImagesPerSecond: round(analysed),
      importAndAnalyseToSharpRatio: round(analysed / baseline),
      ...(withAlike === null
        ? { withAlikeN: `skipped: ${ALIKE_WEIGHTS_DIR} is absent` }
        : {
            withAlikeNImagesPerSecond: round(withAlike),
            withAlikeNToWithoutRatio: round(withAlike / analysed),
          }),
    };
  }
  return results;
}

async function generated(count: number): Promise<string[]> {
  const dir = tempDir('tigerid-bench-gen-');
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir.path, `frame-${i}.jpg`);
    writeFileSync(file, await jpeg(2048, 1536, i));
    files.push(file);
  }
  return files;
}

/**
 * Full frames of one fixed camera, as an SD card gives them: the same scene behind every frame, an info strip, a
 * striped animal at about a fifth of the frame width in two thirds of them, the rest empty, every third frame night
 * infrared, one trigger every 20 minutes (EXIF times, which localisation needs).
 */
async function cameraFrames(count: number): Promise<string[]> {
  const dir = tempDir('tigerid-bench-camera-');
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const animal =
      i % 3 === 2
        ? undefined
        : { x: 0.05 + ((i * 0.137) % 0.7), y: 0.3 + ((i * 0.071) % 0.4), w: 0.2, h: 0.18 };
    const file = join(dir.path, `IMG_${String(i).padStart(4, '0')}.JPG`);
    const frame = await cameraFrame({
      shot: i,
      width: 1920,
      height: 1080,
      strip: 40,
      infrared: i % 3 === 0,
      takenAt: exifTimeAfter(i * 1200),
      ...(animal ? { animal } : {}),
    });
    writeFileSync(file, frame);
    files.push(file);
  }
  return files;
}

/** Full decode of each frame at its size: the least any import of these files costs. */
async function sharpDecode(files: string[]): Promise<number> {
  const start = performance.now();
  for (const file of files) await sharp(file).rotate().raw().toBuffer();
  return files.length / ((performance.now() - start) / 1000);
}

async function sharpBaseline(files: string[]): Promise<number> {
  const start = performance.now();
  for (const file of files) await sharp(file).rotate().resize(320, 320, { fit: 'inside' }).raw().toBuffer();
  return files.length / ((performance.now() - start) / 1000);
}

/**
 * Images per second through import alone, or through import + analysis (whole-frame detection + stripes, and ALIKE-n
 * when `alike`), as `tigerid import` does.
 */
async function importRate(
  files: string[],
  analyse: boolean,
  station?: string,
  alike = false,
): Promise<number> {
  const folder = tempDir('tigerid-bench-import-');
  const data = tempDir('tigerid-bench-data-');
  mkdirSync(join(folder.path, 'cam'), { recursive: true });
  files.forEach((f, i) => copyFileSync(f, join(folder.path, 'cam', `${i}.jpg`)));
  const core = openCore({ dataDir: data.path });
  if (alike) {
    const store = new ModelStore({ modelsDir: core.paths.models, manifest: loadManifest() });
    await store.importFile(join(ALIKE_WEIGHTS_DIR, 'alike-n.pth'), 'alike-n');
  }
  const services = analyse ? await loadAnalysisServices(core) : undefined;
  try {
    const start = performance.now();
    const options = { folder: folder.path, ...(station ? { station } : {}) };
    if (services) await importAndAnalyse(core, services, options);
    else await importFolder(core, options);
    return files.length / ((performance.now() - start) / 1000);
  } finally {
    await services?.close();
    core.close();
    folder.cleanup();
    data.cleanup();
  }
}

export const round = (x: number): number => Math.round(x * 1000) / 1000;
