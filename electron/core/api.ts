/**
 * The one contract between the UI and the engine. Three doors use it unchanged: Electron IPC (preload exposes
 * `window.api`), the HTTP bridge (`tigerid serve`) and direct calls in tests. Every method takes one JSON argument
 * object, validated at run time against api-schema.ts, and returns a JSON-safe DTO. Free of zod and Node code,
 * so the renderer imports it as it is.
 */
import type { z } from 'zod';
import type { API_METHODS } from './api-schema';
import type { ContentMark } from './gallery/content-marks';
import type { ViewChange, ViewState } from './gallery/detection-view';
import type { ModelTask } from './inference/manifest';
import type { LicenceText } from './inference/licence-texts';

export type { LicenceText };

export const VERDICT_VALUES = ['match', 'no-match', 'cant-tell', 'new-individual'] as const;

/**
 * What X means in every review door (the app's legend and `tigerid review`): none of the candidates shown is this
 * animal. It records a no-match naming no individual; rejecting one named candidate is `tigerid decide … no-match <id>`.
 */
export const NO_MATCH_HELP = 'Not a match (none of these candidates)';

export type ApiMethod = keyof typeof API_METHODS;
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
  task: ModelTask;
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
  /** Frames that showed only their camera's background: set aside, listed by 'frames.empty'. */
  emptyFrames: number;
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
  /** Whether the view can identify the animal (judged by analysis, or set by a reviewer); all null: never judged. */
  view: DetectionViewDto;
}

/** A detection's view: flank, face or rump, partial, too small, blurred or featureless, and whether it identifies. */
export type DetectionViewDto = ViewState;

/** A view a reviewer set (key V), with what it was, so the change can be undone. */
export type ViewChangeDto = ViewChange;

/** One review item: an encounter (the frames of one station close in time), shown by its best frame. */
export interface ReviewItemDto extends DetectionDto {
  encounter: {
    key: string;
    /** The encounter's undecided detections, best first; the item's own detection is the first. */
    frames: DetectionDto[];
    /** False when its stripes look nothing like a tiger's (likely another species): queued after the rest. */
    looksLikeTiger: boolean;
  };
}

export interface ReviewQueueDto {
  /** Encounters waiting for review. */
  total: number;
  items: ReviewItemDto[];
}

/** Flanks a reviewer set, with what they were, so the change can be undone. */
export interface FlankChangeDto {
  detectionId: number;
  before: Flank;
  after: Flank;
  /** The view of the detection the flank was set on: a flank seen by the reviewer identifies. */
  view?: ViewChangeDto;
}

/** One box of a frame as the box editor shows it: where it is, how it was found, whether it is decided. */
export interface FrameBoxDto {
  detectionId: number;
  box: BoxDto;
  /** How it was found: a detector's id, background, burst-motion, whole-frame, drawn (by hand), camtrap-dp… */
  detector: string;
  confidence: number | null;
  flank: Flank;
  /** A decision is in force on it: it can be moved (and is described again) but not deleted. */
  decided: boolean;
}

/** A box as it was before an edit removed or moved it, to put it back (undo). */
export interface BoxSnapshotDto {
  mediaId: number;
  box: BoxDto;
  detector: string;
  confidence: number | null;
  flank: Flank;
}

/** What a hand edit of a frame's boxes did, with everything Review needs to refresh and to undo it. */
export interface BoxEditDto {
  mediaId: number;
  /** The box added, moved or (first) restored; null after a delete. */
  detectionId: number | null;
  /** Boxes the edit removed: the one deleted, or the whole-frame detection a drawn box replaced. */
  removed: BoxSnapshotDto[];
  /** For a move or resize: the box before it (undo: 'detections.updateBox' with its box and `as`). */
  before: BoxSnapshotDto | null;
  /** The frame's boxes after the edit. */
  boxes: FrameBoxDto[];
  /** The edited box identified again; null after a delete. */
  candidates: CandidatesDto | null;
}

/** A detection whose decision in force is can't tell or not a match: the review screen's "To revisit" list. */
export interface RevisitItemDto extends DetectionDto {
  decisionId: number;
  verdict: 'cant-tell' | 'no-match';
  reviewer: string;
  decidedAt: string;
}

export interface RevisitListDto {
  total: number;
  /** Newest decision first. */
  items: RevisitItemDto[];
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
  /**
   * False when the query's view cannot identify the animal: candidates are listed, none is called probably known
   * and no new individual is suggested (likelyNew is null); the encounter's other frames carry the decision.
   */
  identifiable: boolean;
  /** Why the view cannot identify, in words for the reviewer; null when it can. */
  viewReason: string | null;
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
  /** Detections this decision settled: more than 1 when it was made on a whole encounter (undone as one). */
  detectionsDecided: number;
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
  /** Frames of one station closer in time than this are one encounter (one review item, one decision). */
  encounterGapSeconds: number;
}

export interface SecretStatusDto {
  modalTokenSet: boolean;
  /** 'os-keychain' or 'plain-text' (Linux without a keyring, or the HTTP bridge): the UI warns on the latter. */
  backend: 'os-keychain' | 'plain-text';
}

export type InferencePolicyDto = 'auto' | 'local' | 'modal';

/** Remote inference and the offline queue as the status screen shows them. Never carries the token. */
export interface RemoteStatusDto {
  policy: InferencePolicyDto;
  staggered: boolean;
  /** Remote calls in flight at once while the queue drains. */
  concurrency: number;
  /** The app's own overrides; null means "as the MODAL_* variables say". */
  settings: { modalEnabled: boolean | null; appName: string | null; environment: string | null };
  modal: {
    enabled: boolean;
    /** Where the token comes from, or null when none is set. */
    token: 'secret-store' | 'environment' | 'modal-profile' | null;
    tokenStorage: 'os-keychain' | 'plain-text';
    appName: string;
    environment: string | null;
    /** null until the connection was checked. */
    online: boolean | null;
    breaker: 'closed' | 'open' | 'half-open';
    /** Why calls are paused (a rejected token, an app not deployed, an outage). */
    pausedBecause: string | null;
    deployCommand: string;
    stats: { sent: number; succeeded: number; failed: number; retried: number; failureRate: number };
  };
  queue: {
    pending: number;
    running: number;
    failed: number;
    done: number;
    cancelled: number;
    maxSize: number;
  };
  syncing: boolean;
  lastSync: { finishedAt: string; message: string; identifications: number; needReview: number } | null;
  /** Where each installed recognition model runs right now, and why. */
  routes: {
    modelId: string;
    route: 'local-cuda' | 'local-cpu' | 'modal' | 'queue' | 'none';
    reason: string;
  }[];
}

export interface QueueJobDto {
  jobId: number;
  state: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  detectionId: number | null;
  modelId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  updatedAt: string;
}

/** A camera station (a deployment): where it stands and when it operated, for the exports. */
export interface StationDto {
  stationId: number;
  name: string;
  latitude: number | null;
  longitude: number | null;
  /** YYYY-MM-DD, or null when not recorded (the first or last photo is used then). */
  operationStart: string | null;
  operationEnd: string | null;
  photos: number;
  /** Photos without a capture time, which the exports leave out until they get one. */
  undatedPhotos: number;
  firstPhotoAt: string | null;
  lastPhotoAt: string | null;
}

/** Which frames a clock fix touches: a station's, or those imported from under a folder. */
export type CaptureTimeScopeDto = { station: string } | { folder: string };

/** A camera clock fix: a shift by an offset ("+1y", "-01:00:00"), or a time for frames that have none. */
export type CaptureTimeChangeDto =
  | { kind: 'shift'; by: string; from?: string; to?: string }
  | { kind: 'set'; start: string; stepSeconds?: number };

/** What a clock fix would do (preview) or did: frames changed, their first/last time before and after. */
export interface CaptureTimePlanDto {
  kind: 'shift' | 'set';
  scope: string;
  summary: string;
  frames: number;
  before: { first: string | null; last: string | null };
  after: { first: string | null; last: string | null };
  /** Changed frames whose new day lies outside their station's recorded operation dates. */
  outsideOperation: number;
  /** Frames in the scope that keep their time: no time to shift, outside the range, or already timed. */
  unchanged: { withoutTime: number; outsideRange: number; withTime: number };
}

export interface CaptureTimeEditDto extends CaptureTimePlanDto {
  editId: number;
  reviewer: string;
  madeAt: string;
  undoneAt: string | null;
}

/** A frame set aside as empty: it showed only its camera's background (thumbnail: imagePaths.thumbnail). */
export interface EmptyFrameDto {
  mediaId: number;
  file: string;
  station: string | null;
  capturedAt: string | null;
  /** Who set it aside: analysis (only the background seen), or a reviewer (E in Review: no animal in it). */
  source: 'localisation' | 'reviewer';
}

/**
 * A reviewer's word on what a photo shows: the frame is empty (E), or the detection is not a tiger (O), with the
 * species when named. Both leave Review and undo with 'contentMarks.undo'.
 */
export type ContentMarkDto = Omit<ContentMark, 'id'> & { markId: number };

export interface ReportDto {
  file: string;
  pages: number;
  sightings: number;
  /** The content seal printed in the report. */
  sha256: string;
}

export interface ExportDto {
  /** The file or folder written. */
  path: string;
  /** One line for the user: what was written, with counts. */
  summary: string;
  warnings: string[];
}

/** What each method returns. */
export interface ApiOutputs {
  'status.get': StatusDto;
  'imports.start': ImportJobDto;
  'imports.list': ImportJobDto[];
  'imports.cancel': ImportJobDto;
  'review.queue': ReviewQueueDto;
  'review.candidates': CandidatesDto;
  'review.revisit': RevisitListDto;
  'decisions.record': DecisionDto;
  'decisions.undo': DecisionDto;
  'detections.setFlank': FlankChangeDto[];
  'detections.restoreFlanks': FlankChangeDto[];
  'detections.setView': { view: DetectionViewDto; change: ViewChangeDto | null };
  'detections.restoreViews': ViewChangeDto[];
  'detections.boxes': FrameBoxDto[];
  'detections.addBox': BoxEditDto;
  'detections.updateBox': BoxEditDto;
  'detections.deleteBox': BoxEditDto;
  'detections.restoreBoxes': BoxEditDto;
  'individuals.list': IndividualSummaryDto[];
  'individuals.get': IndividualDetailDto;
  'individuals.rename': EditDto;
  'individuals.merge': EditDto;
  'individuals.split': EditDto;
  'edits.undo': EditDto;
  'settings.get': SettingsDto;
  'settings.set': SettingsDto;
  'models.list': ModelDto[];
  'licences.list': LicenceText[];
  'models.import': ModelDto;
  'secrets.status': SecretStatusDto;
  'secrets.setModalToken': SecretStatusDto;
  'secrets.clearModalToken': SecretStatusDto;
  'remote.status': RemoteStatusDto;
  'remote.configure': RemoteStatusDto;
  'remote.connectivity': RemoteStatusDto;
  'queue.list': QueueJobDto[];
  'queue.sync': RemoteStatusDto;
  'queue.retry': { count: number };
  'queue.cancel': { count: number };
  'stations.list': StationDto[];
  'stations.update': { station: StationDto; photosOutsideOperation: number };
  'stations.previewTime': CaptureTimePlanDto;
  'stations.editTime': CaptureTimeEditDto;
  'stations.undoTime': CaptureTimeEditDto;
  'frames.empty': { total: number; items: EmptyFrameDto[] };
  'frames.restore': { mediaId: number; detections: number };
  'frames.markEmpty': ContentMarkDto;
  'detections.markNotTiger': ContentMarkDto;
  'detections.species': { species: string[] };
  'contentMarks.undo': ContentMarkDto;
  'exports.defaultFolder': { folder: string };
  'reports.match': ReportDto;
  'exports.csv': ExportDto;
  'exports.camtrapDp': ExportDto;
  'exports.secr': ExportDto;
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
