/**
 * The one contract between the UI and the engine. Three doors use it unchanged: Electron IPC (preload exposes
 * `window.api`), the HTTP bridge (`tigerid serve`) and direct calls in tests. Every method takes one JSON argument
 * object, validated here at run time, and returns a JSON-safe DTO. The renderer imports this file for types only.
 */
import { z } from 'zod';

const id = z.number().int().positive();
const individualRef = z.union([id, z.string().trim().min(1).max(200)]);
const name = z.string().trim().min(1).max(200);
const empty = z.strictObject({});

export const VERDICT_VALUES = ['match', 'no-match', 'cant-tell', 'new-individual'] as const;

/** Every method: its argument schema and whether it changes the gallery (the UI refreshes its views after those). */
export const API_METHODS = {
  'status.get': { input: empty, mutates: false },
  'imports.start': {
    input: z.strictObject({ folder: z.string().trim().min(1).max(4096), station: name.optional() }),
    mutates: true,
  },
  'imports.list': { input: empty, mutates: false },
  'imports.cancel': { input: z.strictObject({ jobId: z.string().min(1) }), mutates: true },
  'review.queue': { input: z.strictObject({ limit: z.number().int().min(1).max(500).default(50) }), mutates: false },
  'review.candidates': {
    input: z.strictObject({ detectionId: id, topK: z.number().int().min(1).max(50).optional() }),
    mutates: false,
  },
  'decisions.record': {
    input: z.strictObject({
      detectionId: id,
      verdict: z.enum(VERDICT_VALUES),
      individualId: id.optional(),
      newName: name.optional(),
      notes: z.string().max(5000).optional(),
    }),
    mutates: true,
  },
  'decisions.undo': { input: z.strictObject({ decisionId: id }), mutates: true },
  'individuals.list': { input: empty, mutates: false },
  'individuals.get': { input: z.strictObject({ individual: individualRef }), mutates: false },
  'individuals.rename': { input: z.strictObject({ individual: individualRef, name }), mutates: true },
  'individuals.merge': { input: z.strictObject({ source: individualRef, target: individualRef }), mutates: true },
  'individuals.split': {
    input: z.strictObject({ individual: individualRef, detectionIds: z.array(id).min(1), newName: name.optional() }),
    mutates: true,
  },
  'edits.undo': { input: z.strictObject({ editId: id.optional() }), mutates: true },
  'settings.get': { input: empty, mutates: false },
  'settings.set': {
    input: z.strictObject({
      reviewer: name.optional(),
      reviewCandidates: z.number().int().min(1).max(50).optional(),
      newIndividualThreshold: z.number().min(0).max(1).nullable().optional(),
    }),
    mutates: true,
  },
  'models.list': { input: empty, mutates: false },
  'models.import': { input: z.strictObject({ file: z.string().min(1).max(4096), as: z.string().min(1).max(100) }), mutates: true },
  'secrets.status': { input: empty, mutates: false },
  'secrets.setModalToken': {
    input: z.strictObject({ tokenId: z.string().trim().min(1).max(200), tokenSecret: z.string().trim().min(1).max(500) }),
    mutates: true,
  },
  'secrets.clearModalToken': { input: empty, mutates: true },
} as const;

export type ApiMethod = keyof typeof API_METHODS;
export const API_METHOD_NAMES = Object.keys(API_METHODS) as ApiMethod[];
export type ApiInput<M extends ApiMethod> = z.input<(typeof API_METHODS)[M]['input']>;

export type Flank = 'left' | 'right' | 'unknown';
export type Verdict = (typeof VERDICT_VALUES)[number];

export interface BoxDto {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface StatusDto {
  dataDir: string;
  /** Where inference runs now. */
  inference: { where: 'local-cuda' | 'local-cpu'; reason: string };
  matcher: string;
  models: ModelDto[];
  counts: { media: number; detections: number; undecided: number; individuals: number };
  calibrated: boolean;
}

export interface ModelDto {
  id: string;
  task: 'detect' | 'embed';
  description: string;
  licence: string;
  state: string;
  sha256: string | null;
}

export interface ImportJobDto {
  jobId: string;
  folder: string;
  station: string | null;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  phase: string;
  done: number;
  total: number | null;
  ratePerSecond: number;
  etaSeconds: number | null;
  imported: number;
  duplicates: number;
  detections: number;
  failed: { path: string; code: string; message: string }[];
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface DetectionDto {
  detectionId: number;
  mediaId: number;
  file: string;
  capturedAt: string | null;
  station: string | null;
  box: BoxDto;
  /** null for a whole-frame detection (no detector installed). */
  confidence: number | null;
  detector: string;
  flank: Flank;
}

export interface ReviewQueueDto {
  total: number;
  items: DetectionDto[];
}

export interface CandidateDto {
  individualId: number;
  code: string;
  name: string | null;
  score: number;
  scores: Record<string, number>;
  flank: Flank;
  best: DetectionDto;
}

export interface CandidatesDto {
  query: DetectionDto;
  candidates: CandidateDto[];
  threshold: number | null;
  likelyNew: boolean | null;
  /** Why there are no candidates, in words for the reviewer (no features, empty gallery). */
  note: string | null;
}

export interface DecisionDto {
  decisionId: number;
  detectionId: number;
  verdict: Verdict;
  individualId: number | null;
  individualCode: string | null;
  reviewer: string;
  decidedAt: string;
}

export interface IndividualSummaryDto {
  individualId: number;
  code: string;
  name: string | null;
  sightingCount: number;
  flanks: Flank[];
  firstSeen: string | null;
  lastSeen: string | null;
  best: DetectionDto | null;
}

export interface SightingDto extends DetectionDto {
  decisionId: number;
}

export interface IndividualDetailDto extends IndividualSummaryDto {
  sightings: SightingDto[];
  stations: { name: string; sightings: number }[];
}

export interface EditDto {
  editId: number;
  kind: 'rename' | 'merge' | 'split';
  summary: string;
}

export interface SettingsDto {
  reviewer: string;
  reviewCandidates: number;
  newIndividualThreshold: number | null;
  calibratedAt: string | null;
}

export interface SecretStatusDto {
  modalTokenSet: boolean;
  /** 'os-keychain' or 'plain-text' (Linux without a keyring, or the HTTP bridge): the UI warns on the latter. */
  backend: 'os-keychain' | 'plain-text';
}

/** What each method returns. */
export interface ApiOutputs {
  'status.get': StatusDto;
  'imports.start': ImportJobDto;
  'imports.list': ImportJobDto[];
  'imports.cancel': ImportJobDto;
  'review.queue': ReviewQueueDto;
  'review.candidates': CandidatesDto;
  'decisions.record': DecisionDto;
  'decisions.undo': DecisionDto;
  'individuals.list': IndividualSummaryDto[];
  'individuals.get': IndividualDetailDto;
  'individuals.rename': EditDto;
  'individuals.merge': EditDto;
  'individuals.split': EditDto;
  'edits.undo': EditDto;
  'settings.get': SettingsDto;
  'settings.set': SettingsDto;
  'models.list': ModelDto[];
  'models.import': ModelDto;
  'secrets.status': SecretStatusDto;
  'secrets.setModalToken': SecretStatusDto;
  'secrets.clearModalToken': SecretStatusDto;
}

export type AppApi = { [M in ApiMethod]: (args: ApiInput<M>) => Promise<ApiOutputs[M]> };

/** The one error envelope on every wire. */
export interface ApiErrorDto {
  type: 'EngineError' | 'InvalidArgument' | 'InternalError';
  code: string;
  message: string;
}

export type ApiResponse<T> = { ok: true; value: T; mutated: boolean } | { ok: false; error: ApiErrorDto };

/** Image URLs, the same path under the HTTP bridge and Electron's app:// protocol. */
export const imagePaths = {
  thumbnail: (mediaId: number) => `/images/media/${mediaId}/thumbnail`,
  full: (mediaId: number) => `/images/media/${mediaId}/full`,
  crop: (detectionId: number) => `/images/detections/${detectionId}/crop`,
};
