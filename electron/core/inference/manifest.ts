import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EngineError, messageOf } from '../errors';

/**
 * The model manifest (models/models.json): which ONNX files the app knows, how to feed them and how to read their
 * output. Data enters here from a file a user may edit, so every field is checked and an error names its JSON path.
 */

const SHA256 = /^[0-9a-f]{64}$/;
const MD5 = /^[0-9a-f]{32}$/;
// Ids become folder names under the models directory: keep them to a safe, portable alphabet.
const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// The file name is joined to the model's folder: a bare name, never a path.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.onnx$/;

const rgb = z.tuple([z.number(), z.number(), z.number()]);

const inputSchema = z.strictObject({
  width: z.int().min(1).max(8192),
  height: z.int().min(1).max(8192),
  resize: z.enum(['letterbox', 'stretch', 'center-crop']),
  /** Resampling kernel; YOLOv5 letterboxes with bilinear, timm's MegaDescriptor transforms use bicubic. */
  interpolation: z.enum(['bilinear', 'bicubic']).default('bilinear'),
  /** Grey level (0..255) of letterbox padding; YOLOv5 and MegaDetector use 114. */
  padValue: z.int().min(0).max(255).default(114),
  mean: rgb,
  std: rgb.refine((s) => s.every((v) => v > 0), 'every std value must be greater than 0'),
  layout: z.enum(['NCHW', 'NHWC']),
  /** Multiplies 0..255 pixels before mean/std, e.g. 1/255 ≈ 0.00392156862745098. */
  scale: z.number().positive(),
});

const detectOutputSchema = z.strictObject({
  /** 'yolov5-md': [1,N,5+classes] rows (cx,cy,w,h,objectness,scores…), MegaDetector v5.
   *  'yolov9-md': [1,4+classes,N] columns without objectness (ultralytics-style export used by MegaDetector v6). */
  format: z.enum(['yolov5-md', 'yolov9-md']),
  classes: z
    .array(z.string().min(1))
    .min(1)
    .refine((c) => c.includes('animal'), 'classes must include "animal"'),
  confidenceThreshold: z.number().min(0).max(1).default(0.2),
  iouThreshold: z.number().min(0).max(1).default(0.45),
});

const embedOutputSchema = z.strictObject({ dim: z.int().min(1).max(65536) });

const common = {
  id: z
    .string()
    .regex(MODEL_ID, 'must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit'),
  file: z.string().regex(FILE_NAME, 'must be a bare file name ending in .onnx'),
  /** Null until someone publishes an export; `models import` is then the route (see models/README.md). */
  url: z
    .string()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .nullable(),
  /** Lowercase hex SHA-256 of the ONNX file; null means "fill in from the file you obtained". */
  sha256: z.string().regex(SHA256, 'must be 64 lowercase hex digits').nullable(),
  /**
   * Lowercase hex MD5 as the publisher gives it (Zenodo publishes md5 only). With `size` it lets `models install`
   * check a download whose sha256 nobody published; the sha256 is then recorded at install.
   */
  md5: z.string().regex(MD5, 'must be 32 lowercase hex digits').optional(),
  /** Bytes; null when unknown (then only the hash is checked). */
  size: z.int().min(1).nullable(),
  licence: z.string().min(1),
  /** The licence's full text shipped in models/licences/ (a bare .txt name), where its terms ask copies to carry it. */
  licenceFile: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.txt$/, 'must be a bare file name ending in .txt')
    .optional(),
  /** Where the weights and their licence are published (not a download of the ONNX file). */
  homepage: z
    .string()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .optional(),
  description: z.string().min(1),
  /** False for models too slow on CPU to be practical; they still run there, the UI just warns. */
  cpuCapable: z.boolean(),
  /** Weight of this model's score when several embedders are fused. */
  ensembleWeight: z.number().min(0).max(1).default(1),
};

const detectEntrySchema = z.strictObject({
  ...common,
  input: inputSchema,
  task: z.literal('detect'),
  output: detectOutputSchema,
});
const embedEntrySchema = z.strictObject({
  ...common,
  input: inputSchema,
  task: z.literal('embed'),
  output: embedOutputSchema,
});
/**
 * Learned local features (ALIKE): the published weights are a PyTorch state_dict, which the app converts to ONNX
 * itself (inference/alike). `url`, `sha256` and `size` are the converted file's (the conversion is deterministic, so
 * its hash is pinned); `weights` is what is downloaded and checked before converting.
 */
const localFeaturesEntrySchema = z.strictObject({
  ...common,
  task: z.literal('local-features'),
  weights: z.strictObject({
    format: z.literal('alike-state-dict'),
    url: z.string().refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://'),
    sha256: z.string().regex(SHA256, 'must be 64 lowercase hex digits'),
    size: z.int().min(1),
  }),
  /** The crop is scaled so its longer side is `side` pixels; at most `keypoints` are kept, the strongest. */
  extraction: z.strictObject({ side: z.int().min(64).max(4096), keypoints: z.int().min(16).max(4096) }),
  output: z.strictObject({ dim: z.int().min(1).max(1024) }),
});
const entrySchema = z.discriminatedUnion('task', [
  detectEntrySchema,
  embedEntrySchema,
  localFeaturesEntrySchema,
]);

export const manifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    models: z.array(entrySchema),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.models.forEach((model, index) => {
      if (seen.has(model.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'id'],
          message: `duplicate model id "${model.id}"`,
        });
      }
      seen.add(model.id);
      if (model.md5 !== undefined && model.size === null) {
        // MD5 alone is weak against a crafted file; the published size is checked with it.
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'size'],
          message: 'must be set when md5 is (the download is checked against both)',
        });
      }
    });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelEntry = z.infer<typeof entrySchema>;
export type DetectorEntry = z.infer<typeof detectEntrySchema>;
export type EmbedderEntry = z.infer<typeof embedEntrySchema>;
export type LocalFeaturesEntry = z.infer<typeof localFeaturesEntrySchema>;
export type ModelInputSpec = z.infer<typeof inputSchema>;
export type ModelTask = ModelEntry['task'];

/** The manifest shipped in the repository (and as an extraResource next to the packaged app). */
export function bundledManifestPath(): string {
  return fileURLToPath(new URL('../../../models/models.json', import.meta.url));
}

/** `models[1].input.mean[2]` from zod's path array, the form a user can find in the file. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates parsed JSON as a manifest; `source` names the file in messages. */
export function parseManifest(data: unknown, source: string): Manifest {
  const result = manifestSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);
  throw new EngineError('MANIFEST_INVALID', `Model manifest ${source} is invalid: ${problems.join('; ')}`, {
    details: { source, problems },
  });
}

export function loadManifest(file: string = bundledManifestPath()): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EngineError('MANIFEST_INVALID', `Cannot read model manifest ${file}: ${messageOf(error)}`, {
      details: { source: file },
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new EngineError('MANIFEST_INVALID', `Model manifest ${file} is not JSON: ${messageOf(error)}`, {
      details: { source: file },
      cause: error,
    });
  }
  return parseManifest(data, file);
}

export function findEntry(manifest: Manifest, id: string): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (entry === undefined) {
    const known = manifest.models.map((m) => m.id).join(', ') || '(none)';
    throw new EngineError('NOT_FOUND', `Unknown model "${id}"; the manifest lists: ${known}`, {
      details: { id },
    });
  }
  return entry;
}

/**
 * Whether `models install` can download and check the entry: a url plus either the sha256 or the published md5
 * with the size. Anything else goes through `models import`.
 */
export function isDownloadable(entry: ModelEntry): entry is ModelEntry & { url: string } {
  return entry.url !== null && (entry.sha256 !== null || (entry.md5 !== undefined && entry.size !== null));
}

/** Whether `models install` can fetch the entry: its ONNX file, or published weights it converts (ALIKE). */
export function canInstall(entry: ModelEntry): boolean {
  return entry.task === 'local-features' || isDownloadable(entry);
}

/** The tag every detection/embedding carries: model id plus the first 12 hex digits of its file hash. */
export function modelTag(id: string, sha256: string): string {
  return `${id}@${sha256.slice(0, 12)}`;
}
