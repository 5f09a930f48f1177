import {
  copyFile,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError, isEngineError, messageOf } from '../errors';
import { silentLogger, type Logger } from '../log';
import { ignoreProgress, type ProgressListener } from '../progress';
import { downloadWithResume, type DownloadResult } from './download';
import { digestFile, sha256File } from '../sha256';
import {
  findEntry,
  isDownloadable,
  jsonPath,
  type LocalFeaturesEntry,
  type Manifest,
  type ModelEntry,
  type ModelTask,
} from './manifest';
import { validateModelFile } from './model-validation';
import { convertWeights, isStateDictFile } from './alike/convert-weights';

/**
 * Installed models: `<modelsDir>/<id>/<file>` plus `<modelsDir>/<id>/installed.json` recording what was installed
 * (its hash is the model version every detection and embedding carries). A file becomes installed only after
 * its hash and its ONNX signature were checked, by an atomic rename of a `.part` file in the same folder.
 */

const RECORD_FILE = 'installed.json';

const recordSchema = z.strictObject({
  id: z.string(),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Recorded when the manifest pins a published md5, so a later manifest pinning another file is noticed. */
  md5: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  size: z.int().min(0),
  installedAt: z.string(),
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('download'), url: z.string() }),
    z.strictObject({ kind: z.literal('import'), path: z.string() }),
  ]),
});

export type InstalledRecord = z.infer<typeof recordSchema>;

/** What the engine needs to load a model: the file, and the hash it must have. */
export interface LoadableModel {
  id: string;
  sha256: string;
  path: string;
  entry: ModelEntry;
}

export type ModelState =
  /** No installed.json. */
  | 'not-installed'
  /** Record and file present with the recorded size; hash not re-read (list without verify). */
  | 'installed'
  /** Hash re-read and equal to the record (and to the manifest when it names one). */
  | 'verified'
  /** Installed file differs from its record or from the manifest's sha256. */
  | 'corrupt'
  /** Record present but the model file is gone. */
  | 'missing';

export interface ModelListing {
  id: string;
  task: ModelTask;
  entry: ModelEntry;
  state: ModelState;
  installed: InstalledRecord | null;
  path: string;
  /** Why the state is corrupt or missing. */
  problem?: string;
}

export interface InstallResult {
  record: InstalledRecord;
  path: string;
  /** True when the same file was already installed and nothing was downloaded. */
  alreadyInstalled: boolean;
}

export interface InstallOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface ModelStoreOptions {
  modelsDir: string;
  manifest: Manifest;
  log?: Logger;
  now?: () => Date;
  /** Abort a download when no byte arrives for this long (default 30 s). */
  downloadIdleTimeoutMs?: number;
}

export class ModelStore {
  readonly modelsDir: string;
  readonly manifest: Manifest;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly idleTimeoutMs: number;
  /** One install/import/remove per id at a time within this process. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(options: ModelStoreOptions) {
    this.modelsDir = options.modelsDir;
    this.manifest = options.manifest;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.idleTimeoutMs = options.downloadIdleTimeoutMs ?? 30_000;
  }

  entry(id: string): ModelEntry {
    return findEntry(this.manifest, id);
  }

  /** Where the model file of `id` lives once installed. */
  modelPath(entry: ModelEntry): string {
    return join(this.modelsDir, entry.id, entry.file);
  }

  private recordPath(id: string): string {
    return join(this.modelsDir, id, RECORD_FILE);
  }

  /** The installed.json of `id`, or null when the model is not installed. A damaged record is MODEL_CORRUPT. */
  async record(id: string): Promise<InstalledRecord | null> {
    const file = this.recordPath(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new EngineError('MODEL_CORRUPT', `Cannot read ${file}: ${messageOf(error)}`, {
        details: { id, file },
      });
    }
    let parsed: ReturnType<typeof recordSchema.safeParse>;
    try {
      parsed = recordSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new EngineError(
        'MODEL_CORRUPT',
        `${file} is not JSON: ${messageOf(error)}; reinstall model "${id}"`,
        {
          details: { id, file },
        },
      );
    }
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ');
      throw new EngineError('MODEL_CORRUPT', `${file} is damaged (${problems}); reinstall model "${id}"`, {
        details: { id, file },
      });
    }
    return parsed.data;
  }

  /** Manifest entries with their installed state; `verify` re-hashes every installed file. */
  async list(options: { verify?: boolean } = {}): Promise<ModelListing[]> {
    const listings: ModelListing[] = [];
    for (const entry of this.manifest.models)
      listings.push(await this.listing(entry, options.verify ?? false));
    return listings;
  }

  private async listing(entry: ModelEntry, verify: boolean): Promise<ModelListing> {
    const path = this.modelPath(entry);
    const base = { id: entry.id, task: entry.task, entry, path };
    let installed: InstalledRecord | null;
    try {
      installed = await this.record(entry.id);
    } catch (error) {
      return { ...base, state: 'corrupt', installed: null, problem: messageOf(error) };
    }
    if (installed === null) return { ...base, state: 'not-installed', installed };
    try {
      if (verify) await this.checkHash(entry, installed, path);
      else await this.checkPresent(entry, installed, path);
      return { ...base, state: verify ? 'verified' : 'installed', installed };
    } catch (error) {
      const state = isEngineError(error, 'MODEL_MISSING') ? 'missing' : 'corrupt';
      return { ...base, state, installed, problem: messageOf(error) };
    }
  }

  /** Cheap check: the file exists with the recorded size and the record fits the manifest. */
  private async checkPresent(entry: ModelEntry, record: InstalledRecord, path: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new EngineError(
        'MODEL_MISSING',
        `Model file ${path} of "${entry.id}" is missing (expected sha256 ${record.sha256}); reinstall it`,
        {
          details: { id: entry.id, path, expectedSha256: record.sha256 },
        },
      );
    }
    if (entry.sha256 !== null && entry.sha256 !== record.sha256) {
      throw new EngineError(
        'MODEL_CORRUPT',
        `Installed "${entry.id}" (${path}) has sha256 ${record.sha256}, but the manifest expects ${entry.sha256}; reinstall it`,
        { details: { id: entry.id, path, expectedSha256: entry.sha256, actualSha256: record.sha256 } },
      );
    }
    if (entry.md5 !== undefined && entry.md5 !== record.md5) {
      throw new EngineError(
        'MODEL_CORRUPT',
        `Installed "${entry.id}" (${path}) has md5 ${record.md5 ?? '(not recorded)'}, but the manifest expects ${entry.md5}; reinstall it`,
        { details: { id: entry.id, path, expectedMd5: entry.md5, actualMd5: record.md5 ?? null } },
      );
    }
    if (size !== record.size) {
      throw new EngineError(
        'MODEL_CORRUPT',
        `Model file ${path} of "${entry.id}" has ${size} bytes, but ${record.size} were installed (expected sha256 ${record.sha256}); reinstall it`,
        { details: { id: entry.id, path, expectedSha256: record.sha256 } },
      );
    }
  }

  private async checkHash(entry: ModelEntry, record: InstalledRecord, path: string): Promise<void> {
    await this.checkPresent(entry, record, path);
    const actual = await sha256File(path);
    if (actual !== record.sha256) {
      throw new EngineError(
        'MODEL_CORRUPT',
        `Model file ${path} of "${entry.id}" has sha256 ${actual}, but ${record.sha256} was installed; reinstall it`,
        { details: { id: entry.id, path, expectedSha256: record.sha256, actualSha256: actual } },
      );
    }
  }

  /**
   * The installed model `id`, ready for the engine (which re-hashes the file when it loads a session).
   * MODEL_MISSING when not installed, MODEL_CORRUPT when the file no longer fits its record.
   */
  async resolve(id: string): Promise<LoadableModel> {
    const entry = this.entry(id);
    const record = await this.record(id);
    const path = this.modelPath(entry);
    if (record === null) {
      throw new EngineError(
        'MODEL_MISSING',
        `Model "${id}" is not installed (expected at ${path}); run \`tigerid models install ${id}\` or \`tigerid models import FILE.onnx --as ${id}\``,
        { details: { id, path, expectedSha256: entry.sha256 } },
      );
    }
    await this.checkPresent(entry, record, path);
    return { id, sha256: record.sha256, path, entry };
  }

  /** The first installed model for a task, in manifest order (manifest order is preference order), or null. */
  async firstInstalled(task: ModelTask): Promise<LoadableModel | null> {
    for (const entry of this.manifest.models) {
      if (entry.task !== task) continue;
      if ((await this.record(entry.id)) !== null) return this.resolve(entry.id);
    }
    return null;
  }

  /** Re-hashes installed files. Each result names its problem; nothing is thrown for one bad model. */
  async verify(ids?: readonly string[]): Promise<Array<{ id: string; ok: boolean; error?: EngineError }>> {
    const entries = ids === undefined ? this.manifest.models : ids.map((id) => this.entry(id));
    const results: Array<{ id: string; ok: boolean; error?: EngineError }> = [];
    for (const entry of entries) {
      try {
        const record = await this.record(entry.id);
        if (record === null) {
          if (ids !== undefined)
            throw new EngineError('MODEL_MISSING', `Model "${entry.id}" is not installed`, {
              details: { id: entry.id },
            });
          continue;
        }
        await this.checkHash(entry, record, this.modelPath(entry));
        results.push({ id: entry.id, ok: true });
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        results.push({ id: entry.id, ok: false, error });
      }
    }
    return results;
  }

  /** Downloads, checks and installs a manifest entry that has a url and a sha256 (or a published md5 and size). */
  install(id: string, options: InstallOptions = {}): Promise<InstallResult> {
    return this.exclusive(id, () => this.installNow(id, options));
  }

  /** Installs a local ONNX file as model `asId` after the same checks as a download. */
  importFile(file: string, asId: string, options: InstallOptions = {}): Promise<InstallResult> {
    return this.exclusive(asId, () => this.importNow(file, asId, options));
  }

  /** Deletes an installed model's folder. Returns false when it was not installed. */
  remove(id: string): Promise<boolean> {
    const entry = this.entry(id);
    return this.exclusive(id, async () => {
      const dir = join(this.modelsDir, entry.id);
      const existed = await stat(dir).then(
        () => true,
        () => false,
      );
      await rm(dir, { recursive: true, force: true });
      if (existed) this.log.info(`Removed model "${id}" (${dir})`);
      return existed;
    });
  }

  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const pending = this.busy.get(id);
    if (pending !== undefined) {
      throw new EngineError('CONFLICT', `Model "${id}" is already being installed or removed`, {
        details: { id },
      });
    }
    const promise = work();
    this.busy.set(id, promise);
    try {
      return await promise;
    } finally {
      this.busy.delete(id);
    }
  }

  private async installNow(id: string, options: InstallOptions): Promise<InstallResult> {
    const entry = this.entry(id);
    const onProgress = options.onProgress ?? ignoreProgress;
    if (entry.task === 'local-features') return this.installConverted(entry, options);
    if (!isDownloadable(entry)) {
      const missing = entry.url === null ? 'download url' : 'sha256 (nor an md5 with a size)';
      throw new EngineError(
        'MODEL_DOWNLOAD_FAILED',
        `Model "${id}" has no ${missing} in the manifest, so it cannot be downloaded: obtain the ONNX file and run \`tigerid models import FILE.onnx --as ${id}\`, or pass a manifest with url and sha256 (or md5 and size) set (--manifest FILE); see models/README.md`,
        { details: { id, reason: entry.url === null ? 'no-url' : 'no-sha256' } },
      );
    }
    const installed = await this.intact(entry);
    if (installed !== null) return installed;
    const part = `${this.modelPath(entry)}.part`;
    const { bytes, resumedFrom } = await this.fetch(entry.id, entry.url, part, entry.size, options);
    if (resumedFrom > 0) this.log.info(`Resumed download of "${id}" at byte ${resumedFrom}`);
    return this.checkAndCommit(entry, part, bytes, { kind: 'download', url: entry.url }, onProgress);
  }

  /**
   * A model published as weights to convert (ALIKE): the weights are downloaded (resumable) and checked, converted
   * beside them, and the converted file installed after the same checks as any download.
   */
  private async installConverted(entry: LocalFeaturesEntry, options: InstallOptions): Promise<InstallResult> {
    const installed = await this.intact(entry);
    if (installed !== null) return installed;
    const weights = join(this.modelsDir, entry.id, `${entry.id}.weights.part`);
    await this.fetch(entry.id, entry.weights.url, weights, entry.weights.size, options);
    return this.convertAndCommit(entry, weights, { kind: 'download', url: entry.weights.url }, options, true);
  }

  /** The installed copy of `entry` when it is still the pinned file; null when it must be installed (again). */
  private async intact(entry: ModelEntry): Promise<InstallResult | null> {
    const path = this.modelPath(entry);
    const existing = await this.record(entry.id).catch(() => null);
    if (existing === null) return null;
    try {
      // Compares the record with every hash the manifest pins (an installable entry pins at least one).
      await this.checkPresent(entry, existing, path);
      return { record: existing, path, alreadyInstalled: true };
    } catch {
      // The installed copy is damaged or not the pinned file: install it again.
      return null;
    }
  }

  /** Downloads `url` into the model's folder, resuming a partial `dest`. */
  private async fetch(
    id: string,
    url: string,
    dest: string,
    expectedSize: number | null,
    options: InstallOptions,
  ): Promise<DownloadResult> {
    const dir = join(this.modelsDir, id);
    await mkdir(dir, { recursive: true });
    try {
      return await downloadWithResume({
        url,
        dest,
        expectedSize,
        onProgress: options.onProgress ?? ignoreProgress,
        signal: options.signal,
        log: this.log,
        idleTimeoutMs: this.idleTimeoutMs,
      });
    } catch (error) {
      // A download refused before its first byte (HTTP error, wrong announced size) leaves no empty folder; a
      // partial file keeps its folder (rmdir refuses it) for the resume.
      await rmdir(dir).catch(() => undefined);
      throw error;
    }
  }

  private async convertAndCommit(
    entry: LocalFeaturesEntry,
    weights: string,
    source: InstalledRecord['source'],
    options: InstallOptions,
    removeWeights: boolean,
  ): Promise<InstallResult> {
    const part = `${this.modelPath(entry)}.part`;
    const onProgress = options.onProgress ?? ignoreProgress;
    onProgress({ phase: 'convert', done: 0, total: undefined, unit: 'models' });
    try {
      await convertWeights(weights, part, entry);
    } catch (error) {
      await unlink(part).catch(() => undefined);
      await rmdir(join(this.modelsDir, entry.id)).catch(() => undefined);
      throw error;
    } finally {
      if (removeWeights) await unlink(weights).catch(() => undefined);
    }
    return this.checkAndCommit(entry, part, (await stat(part)).size, source, onProgress);
  }

  private async importNow(file: string, asId: string, options: InstallOptions): Promise<InstallResult> {
    const entry = this.entry(asId);
    const onProgress = options.onProgress ?? ignoreProgress;
    if (entry.task === 'local-features' && isStateDictFile(await fileHead(file))) {
      await mkdir(join(this.modelsDir, asId), { recursive: true });
      return this.convertAndCommit(entry, file, { kind: 'import', path: file }, options, false);
    }
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
      size = info.size;
    } catch (error) {
      throw new EngineError('FILE_UNREADABLE', `Cannot import ${file}: ${messageOf(error)}`, {
        details: { file },
      });
    }
    await mkdir(join(this.modelsDir, asId), { recursive: true });
    const part = `${this.modelPath(entry)}.part`;
    onProgress({ phase: 'copy', done: 0, total: size, unit: 'bytes' });
    // Copy first, then check the copy: what is validated is exactly what gets installed.
    await copyFile(file, part);
    onProgress({ phase: 'copy', done: size, total: size, unit: 'bytes' });
    return this.checkAndCommit(entry, part, size, { kind: 'import', path: file }, onProgress);
  }

  /** Hash check, ONNX check, then atomic rename and record. The .part file never survives a failed check. */
  private async checkAndCommit(
    entry: ModelEntry,
    part: string,
    size: number,
    source: InstalledRecord['source'],
    onProgress: ProgressListener,
  ): Promise<InstallResult> {
    const path = this.modelPath(entry);
    const origin = source.kind === 'download' ? `Downloaded file from ${source.url}` : `File ${source.path}`;
    const sizeDiffers = entry.size !== null && size !== entry.size;
    try {
      if (sizeDiffers && entry.sha256 === null && entry.md5 !== undefined) {
        // The published size is half of what identifies the file when only an md5 is pinned: refuse before hashing.
        throw new EngineError(
          'MODEL_CORRUPT',
          `${origin} for model "${entry.id}" has ${size} bytes, but the manifest expects ${entry.size}; it was not installed`,
          { details: { id: entry.id, expectedSize: entry.size, actualSize: size } },
        );
      }
      const { sha256: actual, md5 } = await fileDigests(part, entry, onProgress, size);
      if (entry.sha256 !== null && actual !== entry.sha256) {
        throw new EngineError(
          'MODEL_CORRUPT',
          `${origin} for model "${entry.id}" has sha256 ${actual}, but the manifest expects ${entry.sha256}; it was not installed`,
          { details: { id: entry.id, expectedSha256: entry.sha256, actualSha256: actual } },
        );
      }
      if (entry.md5 !== undefined && md5 !== entry.md5) {
        throw new EngineError(
          'MODEL_CORRUPT',
          `${origin} for model "${entry.id}" has md5 ${md5}, but the manifest expects ${entry.md5}; it was not installed`,
          { details: { id: entry.id, expectedMd5: entry.md5, actualMd5: md5 } },
        );
      }
      if (sizeDiffers) {
        this.log.warn(
          `Model "${entry.id}" has ${size} bytes; the manifest says ${entry.size}${entry.sha256 === null ? '' : ' (the sha256 matched)'}`,
        );
      }
      onProgress({ phase: 'validate', done: 0, total: undefined, unit: 'models' });
      await validateModelFile(part, entry);
      await rename(part, path);
      const record: InstalledRecord = {
        id: entry.id,
        file: entry.file,
        sha256: actual,
        ...(md5 !== undefined && { md5 }),
        size,
        installedAt: this.now().toISOString(),
        source,
      };
      const recordFile = this.recordPath(entry.id);
      await writeFile(`${recordFile}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
      await rename(`${recordFile}.tmp`, recordFile);
      this.log.info(`Installed model "${entry.id}" (sha256 ${actual}) at ${path}`);
      return { record, path, alreadyInstalled: false };
    } catch (error) {
      await unlink(part).catch(() => undefined);
      // A first install that failed leaves no empty folder behind (rmdir refuses a folder still in use).
      await rmdir(join(this.modelsDir, entry.id)).catch(() => undefined);
      throw error;
    }
  }
}

/** The first bytes of a file (empty when it cannot be read: the import's own checks then name the problem). */
async function fileHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) return Buffer.alloc(0);
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The sha256 (the model version) of a file, and its md5 in the same read when the manifest pins a published one. */
async function fileDigests(
  file: string,
  entry: ModelEntry,
  onProgress: ProgressListener,
  total: number,
): Promise<{ sha256: string; md5: string | undefined }> {
  if (entry.md5 === undefined) return { sha256: await sha256File(file, onProgress, total), md5: undefined };
  return digestFile(file, ['sha256', 'md5'], onProgress, total);
}
