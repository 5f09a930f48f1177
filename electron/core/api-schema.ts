/**
 * Run-time argument schemas of the AppApi (see api.ts for the contract's types). Kept apart from api.ts so the
 * renderer, which imports api.ts, never bundles zod.
 */
import { z } from 'zod';
import { VERDICT_VALUES } from './api';
import { boxSchema, boxSnapshotSchema, updateBoxInput } from './gallery/boxes';
import { REVISIT_VERDICTS } from './gallery/decisions';
import { viewChangeSchema } from './gallery/detection-view';
import { parseInput } from './validate';

const id = z.number().int().positive();
const individualRef = z.union([id, z.string().trim().min(1).max(200)]);
const name = z.string().trim().min(1).max(200);
const empty = z.strictObject({});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2024-03-01');
const folderPath = z.string().trim().min(1).max(4096);
/** Where an export goes: a folder the user chose and, for one file, its plain name; replacing needs a yes. */
const outputFile = {
  folder: folderPath,
  fileName: z.string().trim().min(1).max(255),
  overwrite: z.boolean().default(false),
};
const outputFolder = { folder: folderPath, overwrite: z.boolean().default(false) };

const captureTimeRequest = z.strictObject({
  scope: z.union([z.strictObject({ station: name }), z.strictObject({ folder: folderPath })]),
  change: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('shift'),
      by: z.string().max(100),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
    }),
    z.strictObject({
      kind: z.literal('set'),
      start: z.string().max(40),
      stepSeconds: z.number().int().min(0).max(86_400).optional(),
    }),
  ]),
});

/** Every method: its argument schema and whether it changes the gallery (the UI refreshes its views after those). */
export const API_METHODS = {
  'status.get': { input: empty, mutates: false },
  'imports.start': {
    input: z.strictObject({ folder: z.string().trim().min(1).max(4096), station: name.optional() }),
    mutates: true,
  },
  'imports.list': { input: empty, mutates: false },
  'imports.cancel': { input: z.strictObject({ jobId: z.string().min(1) }), mutates: true },
  'review.queue': {
    input: z.strictObject({ limit: z.number().int().min(1).max(500).default(50) }),
    mutates: false,
  },
  'review.candidates': {
    input: z.strictObject({ detectionId: id, topK: z.number().int().min(1).max(50).optional() }),
    mutates: false,
  },
  'review.revisit': {
    input: z.strictObject({
      verdicts: z
        .array(z.enum(REVISIT_VERDICTS))
        .min(1)
        .default([...REVISIT_VERDICTS]),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    mutates: false,
  },
  'decisions.record': {
    input: z.strictObject({
      detectionId: id,
      verdict: z.enum(VERDICT_VALUES),
      individualId: id.optional(),
      newName: name.optional(),
      notes: z.string().max(5000).optional(),
      /** Decide the detection's whole encounter as one (undone as one). */
      encounter: z.boolean().default(false),
    }),
    mutates: true,
  },
  'decisions.undo': { input: z.strictObject({ decisionId: id }), mutates: true },
  'detections.setFlank': {
    input: z.strictObject({
      detectionId: id,
      flank: z.enum(['left', 'right', 'unknown']),
      encounter: z.boolean().default(true),
    }),
    mutates: true,
  },
  'detections.restoreFlanks': {
    input: z.strictObject({
      changes: z
        .array(
          z.strictObject({
            detectionId: id,
            before: z.enum(['left', 'right', 'unknown']),
            after: z.enum(['left', 'right', 'unknown']),
            view: viewChangeSchema.optional(),
          }),
        )
        .min(1)
        .max(1000),
    }),
    mutates: true,
  },
  // The reviewer's verdict on whether a detection's view can identify the animal (key V).
  'detections.setView': {
    input: z.strictObject({ detectionId: id, identifiable: z.boolean() }),
    mutates: true,
  },
  'detections.restoreViews': {
    input: z.strictObject({ changes: z.array(viewChangeSchema).min(1).max(1000) }),
    mutates: true,
  },
  'detections.boxes': { input: z.strictObject({ mediaId: id }), mutates: false },
  // Boxes by hand: where a box lies (inside the photo, big enough) is checked by the core against the photo.
  'detections.addBox': {
    input: z.strictObject({
      mediaId: id,
      box: boxSchema,
      flank: z.enum(['left', 'right', 'unknown']).optional(),
    }),
    mutates: true,
  },
  'detections.updateBox': {
    input: updateBoxInput,
    mutates: true,
  },
  'detections.deleteBox': { input: z.strictObject({ detectionId: id }), mutates: true },
  'detections.restoreBoxes': {
    input: z.strictObject({
      boxes: z.array(boxSnapshotSchema).min(1).max(100),
      remove: z.array(id).max(100).optional(),
    }),
    mutates: true,
  },
  'individuals.list': { input: empty, mutates: false },
  'individuals.get': { input: z.strictObject({ individual: individualRef }), mutates: false },
  'individuals.rename': { input: z.strictObject({ individual: individualRef, name }), mutates: true },
  'individuals.merge': {
    input: z.strictObject({ source: individualRef, target: individualRef }),
    mutates: true,
  },
  'individuals.split': {
    input: z.strictObject({
      individual: individualRef,
      detectionIds: z.array(id).min(1),
      newName: name.optional(),
    }),
    mutates: true,
  },
  'edits.undo': { input: z.strictObject({ editId: id.optional() }), mutates: true },
  'settings.get': { input: empty, mutates: false },
  'settings.set': {
    input: z.strictObject({
      reviewer: name.optional(),
      reviewCandidates: z.number().int().min(1).max(50).optional(),
      encounterGapSeconds: z.number().int().min(0).max(3600).optional(),
      newIndividualThreshold: z.number().min(0).max(1).nullable().optional(),
    }),
    mutates: true,
  },
  'models.list': { input: empty, mutates: false },
  'licences.list': { input: empty, mutates: false },
  'models.import': {
    input: z.strictObject({ file: z.string().min(1).max(4096), as: z.string().min(1).max(100) }),
    mutates: true,
  },
  'secrets.status': { input: empty, mutates: false },
  'secrets.setModalToken': {
    input: z.strictObject({
      tokenId: z.string().trim().min(1).max(200),
      tokenSecret: z.string().trim().min(1).max(500),
    }),
    mutates: true,
  },
  'secrets.clearModalToken': { input: empty, mutates: true },
  'remote.status': { input: empty, mutates: false },
  'remote.configure': {
    input: z.strictObject({
      policy: z.enum(['auto', 'local', 'modal']).optional(),
      staggered: z.boolean().optional(),
      /** null hands the choice back to MODAL_ENABLED. */
      modalEnabled: z.boolean().nullable().optional(),
      appName: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
          'expected letters, digits, ".", "_" or "-", up to 64, starting with a letter or digit, e.g. tiger-id-models',
        )
        .nullable()
        .optional(),
      environment: z.string().trim().min(1).max(64).nullable().optional(),
      concurrency: z.number().int().min(1).max(64).optional(),
    }),
    mutates: true,
  },
  'remote.connectivity': { input: z.strictObject({ online: z.boolean() }), mutates: false },
  'queue.list': {
    input: z.strictObject({
      states: z.array(z.enum(['pending', 'running', 'done', 'failed', 'cancelled'])).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    mutates: false,
  },
  'queue.sync': { input: empty, mutates: true },
  'queue.retry': { input: z.strictObject({ jobIds: z.array(id).max(10_000).optional() }), mutates: true },
  'queue.cancel': { input: z.strictObject({ jobIds: z.array(id).max(10_000).optional() }), mutates: true },
  'stations.list': { input: empty, mutates: false },
  'frames.empty': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    mutates: false,
  },
  'frames.restore': { input: z.strictObject({ mediaId: id }), mutates: true },
  'frames.markEmpty': { input: z.strictObject({ mediaId: id }), mutates: true },
  'detections.markNotTiger': {
    input: z.strictObject({
      detectionId: id,
      /** Blank or absent: an animal that is not a tiger, species not known. */
      species: z.string().max(200).optional(),
      encounter: z.boolean().default(true),
    }),
    mutates: true,
  },
  'detections.species': { input: empty, mutates: false },
  'contentMarks.undo': { input: z.strictObject({ markId: id }), mutates: true },
  'stations.update': {
    // The patch itself is checked by the core (ranges, dates, latitude with longitude), with its own messages.
    input: z.strictObject({
      name,
      latitude: z.number().nullable().optional(),
      longitude: z.number().nullable().optional(),
      operationStart: z.string().nullable().optional(),
      operationEnd: z.string().nullable().optional(),
    }),
    mutates: true,
  },
  // Camera clock fixes: times, offsets and ranges are checked by the core, with its own messages.
  'stations.previewTime': { input: captureTimeRequest, mutates: false },
  'stations.editTime': { input: captureTimeRequest, mutates: true },
  'stations.undoTime': { input: z.strictObject({ editId: id.optional() }), mutates: true },
  'exports.defaultFolder': { input: empty, mutates: false },
  'reports.match': {
    input: z.strictObject({
      scope: z.union([
        z.strictObject({ decisionId: id }),
        z.strictObject({ individualId: id }),
        z.strictObject({ from: isoDate.optional(), to: isoDate.optional(), stationId: id.optional() }),
      ]),
      ...outputFile,
    }),
    mutates: false,
  },
  'exports.csv': {
    input: z.strictObject({
      kind: z.enum(['sightings', 'individuals']),
      from: isoDate.optional(),
      to: isoDate.optional(),
      stationId: id.optional(),
      ...outputFile,
    }),
    mutates: false,
  },
  'exports.camtrapDp': {
    input: z.strictObject({
      utcOffset: z
        .string()
        .regex(/^[+-]\d{2}:\d{2}$/, 'must look like +05:30')
        .optional(),
      ...outputFolder,
    }),
    mutates: false,
  },
  'exports.secr': {
    input: z.strictObject({
      occasionDays: z.number().int().min(1).max(366).default(1),
      flankAware: z.boolean().default(false),
      start: isoDate.optional(),
      end: isoDate.optional(),
      ...outputFolder,
    }),
    mutates: false,
  },
} as const;

export const API_METHOD_NAMES = Object.keys(API_METHODS) as (keyof typeof API_METHODS)[];

/** Parses a method's argument as its schema says; a bad argument is an InvalidArgument naming the field. */
export function apiArgs<M extends keyof typeof API_METHODS>(
  method: M,
  input: unknown,
): ReturnType<(typeof API_METHODS)[M]['input']['parse']> {
  return parseInput(API_METHODS[method].input, input ?? {}, method) as ReturnType<
    (typeof API_METHODS)[M]['input']['parse']
  >;
}
