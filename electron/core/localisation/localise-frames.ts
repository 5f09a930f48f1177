import type { Detection } from '../inference/detector';
import { WHOLE_FRAME_DETECTOR } from '../inference/detector';
import { groupBy } from '../group-by';
import type { FrameSample } from './frame-sample';
import {
  DEFAULT_FOREGROUND,
  fitReference,
  foregroundBoxes,
  foregroundRegions,
  normalisedBox,
  normaliseSample,
  outlineEdgeRatio,
  sceneDistance,
  sceneRows,
  type ForegroundOptions,
} from './foreground';
import { cameraStrip, NO_STRIP, sceneBox, type InfoStrip } from './info-strip';

/** How a box was found, stored in detections.detector. */
export const BACKGROUND_DETECTOR = 'background';
export const BURST_MOTION_DETECTOR = 'burst-motion';

export type FrameContent = 'animal' | 'empty' | 'unknown';

/**
 * What localisation says about a frame: the animals' boxes; or empty (only the background); or unknown, where
 * there was nothing to compare it with or the comparison cannot be trusted, so the whole frame (without the info
 * strip) goes on to the matchers as before.
 */
export type LocalisedFrame =
  | { content: 'animal'; detections: Detection[]; strip: InfoStrip }
  | { content: 'empty'; method: typeof BACKGROUND_DETECTOR | typeof BURST_MOTION_DETECTOR; strip: InfoStrip }
  | { content: 'unknown'; detections: [Detection]; strip: InfoStrip };

export interface FrameToLocalise {
  /** Frames of one camera share a key (station + camera model/serial + resolution); see cameraKey in localise-pending.ts. */
  camera: string;
  /** Capture time in ms since the epoch; null when the file has none: then it is not localised (see below). */
  capturedAt: number | null;
  sample: FrameSample;
}

/**
 * A background needs this many other frames of the scene, outside the frame's own burst. Two already work: a
 * pixel must differ from both (see foregroundBoxes), so an animal in one of them leaves no trace; with one, an
 * animal in it would show as a box in this frame too, so a lone pair is decided otherwise (localisePair).
 */
const MIN_BACKGROUND_REFERENCES = 2;
/** At most this many of the most alike frames make a background: they then match the frame's light and season. */
const MAX_REFERENCES = 7;
/** Frames a few seconds apart belong to one trigger. */
const BURST_GAP_MS = 10_000;
/**
 * Of two frames of a scene, the one with this many times the other's edge energy along a changed region's outline
 * holds what changed there; nearer 1 nothing is decided.
 */
const PAIR_EDGE_RATIO = 1.5;
/** Foreground over this share of the scene means the comparison failed (camera knocked, fog), not a giant animal. */
const MAX_FOREGROUND_SHARE = 0.6;

export function wholeFrameWithoutStrip(strip: InfoStrip): Detection {
  return { box: sceneBox(strip), confidence: null, detector: WHOLE_FRAME_DETECTOR, label: 'animal' };
}

interface Prepared {
  index: number;
  capturedAt: number | null;
  sample: FrameSample;
  normalised: Float32Array;
  burst: number;
}

/**
 * Localises every frame against the other frames of its camera. Frames are compared only within one camera and
 * one kind of light (colour or infrared): a night frame against a day background would be all foreground.
 */
export function localiseFrames(
  frames: readonly FrameToLocalise[],
  options: ForegroundOptions = DEFAULT_FOREGROUND,
): LocalisedFrame[] {
  const results = new Map<number, LocalisedFrame>();
  const cameras = groupBy(
    frames.map((frame, index) => ({ index, frame })),
    ({ frame }) => `${frame.camera}|${frame.sample.width}x${frame.sample.height}`,
  );
  for (const members of cameras.values()) {
    const first = members[0]?.frame.sample;
    if (first === undefined) continue;
    const strip = cameraStrip(members.map((m) => m.frame.sample.strip));
    const rows = sceneRows(first.height, strip);
    const bursts = burstsOf(members.map((m) => m.frame.capturedAt));
    const prepared: Prepared[] = members.map(({ index, frame }, k) => ({
      index,
      capturedAt: frame.capturedAt,
      sample: frame.sample,
      normalised: normaliseSample(frame.sample, rows),
      burst: bursts[k] ?? -1 - k,
    }));
    // Without a capture time nothing tells a burst apart: near-identical frames of an animal standing still would
    // serve as each other's background and hide it. Such frames (crops, exports, screenshots) stay whole.
    for (const p of prepared) {
      if (p.capturedAt === null) {
        results.set(p.index, { content: 'unknown', detections: [wholeFrameWithoutStrip(strip)], strip });
      }
    }
    for (const light of [true, false]) {
      const group = prepared.filter((p) => p.sample.infrared === light && p.capturedAt !== null);
      const found = new Map<number, { method: string; boxes: number } | null>();
      const localised = group.map((frame) => {
        const result = localiseOne(frame, group, first.width, first.height, rows, strip, options);
        found.set(
          frame.index,
          result.method === null ? null : { method: result.method, boxes: result.boxes.length },
        );
        return { frame, result };
      });
      for (const { frame, result } of localised) {
        const method = result.method;
        if (method === null) {
          results.set(frame.index, {
            content: 'unknown',
            detections: [wholeFrameWithoutStrip(strip)],
            strip,
          });
        } else if (result.boxes.length > 0) {
          results.set(frame.index, {
            content: 'animal',
            strip,
            detections: result.boxes.map((box) => ({
              box,
              confidence: null,
              detector: method,
              label: 'animal',
            })),
          });
        } else if (method === BURST_MOTION_DETECTOR && burstMoved(frame, group, found)) {
          // Something moved in this burst but not in this frame: the animal may have stood still here. Only a
          // background from other triggers could tell, so the frame is kept whole rather than set aside.
          results.set(frame.index, {
            content: 'unknown',
            detections: [wholeFrameWithoutStrip(strip)],
            strip,
          });
        } else {
          results.set(frame.index, { content: 'empty', method, strip });
        }
      }
    }
  }
  // Every frame belongs to one camera group and gets exactly one answer above.
  return frames.map(
    (_, i) =>
      results.get(i) ?? {
        content: 'unknown',
        detections: [wholeFrameWithoutStrip(NO_STRIP)],
        strip: NO_STRIP,
      },
  );
}

function burstMoved(
  frame: Prepared,
  group: readonly Prepared[],
  found: Map<number, { method: string; boxes: number } | null>,
): boolean {
  return group.some((o) => o.burst === frame.burst && o !== frame && (found.get(o.index)?.boxes ?? 0) > 0);
}

function localiseOne(
  frame: Prepared,
  group: readonly Prepared[],
  width: number,
  height: number,
  rows: ReturnType<typeof sceneRows>,
  strip: InfoStrip,
  options: ForegroundOptions,
): { method: typeof BACKGROUND_DETECTOR | typeof BURST_MOTION_DETECTOR | null; boxes: Detection['box'][] } {
  const others = group
    .filter((o) => o !== frame)
    .map((o) => ({ o, distance: sceneDistance(frame.normalised, o.normalised, width, rows) }))
    .filter((x) => x.distance <= options.maxSceneDistance)
    .sort((a, b) => a.distance - b.distance);
  // Frames of the same burst usually hold the same animal at almost the same place: as background they would
  // hide it. They serve only where there is no background from other triggers.
  const elsewhere = others.filter((x) => x.o.burst !== frame.burst);
  let method: typeof BACKGROUND_DETECTOR | typeof BURST_MOTION_DETECTOR;
  let references: typeof others;
  if (elsewhere.length >= MIN_BACKGROUND_REFERENCES) {
    method = BACKGROUND_DETECTOR;
    references = elsewhere.slice(0, MAX_REFERENCES);
  } else if (others.some((x) => x.o.burst === frame.burst)) {
    method = BURST_MOTION_DETECTOR;
    references = others.slice(0, MAX_REFERENCES);
  } else if (elsewhere[0] !== undefined) {
    return localisePair(frame, elsewhere[0].o, width, height, rows, strip, options);
  } else {
    return { method: null, boxes: [] };
  }
  // In a burst the animal is in (nearly) every reference: what differs from most of them is where it is now.
  const rank = method === BURST_MOTION_DETECTOR ? Math.floor(references.length / 2) : 0;
  const boxes = foregroundBoxes(
    frame.normalised,
    references.map((x) => x.o.normalised),
    width,
    height,
    rows,
    { ...options, rank },
  );
  const sceneHeight = 1 - strip.top - strip.bottom;
  const covered = boxes.reduce((sum, b) => sum + b.w * b.h, 0);
  if (covered > MAX_FOREGROUND_SHARE * sceneHeight) return { method: null, boxes: [] };
  return { method, boxes };
}

/**
 * A frame whose scene has one other frame, from another trigger: each region where the two differ goes to the frame
 * whose edges follow its outline (outlineEdgeRatio). The frame is empty when every region clearly belongs to the
 * other frame, holds the regions that clearly belong to it, and stays whole when any region is unclear or the two
 * frames do not differ at all (an animal lying at the same place in both would then be hidden).
 */
function localisePair(
  frame: Prepared,
  other: Prepared,
  width: number,
  height: number,
  rows: ReturnType<typeof sceneRows>,
  strip: InfoStrip,
  options: ForegroundOptions,
): { method: typeof BACKGROUND_DETECTOR | null; boxes: Detection['box'][] } {
  const first = foregroundRegions(frame.normalised, [other.normalised], width, height, rows, options);
  const reference = fitReference(frame.normalised, other.normalised, first.mask, width, rows);
  const { mask, regions } = foregroundRegions(frame.normalised, [reference], width, height, rows, options);
  const covered =
    regions.reduce((sum, r) => sum + (r.x2 + 1 - r.x1) * (r.y2 + 1 - r.y1), 0) / (width * height);
  if (regions.length === 0 || covered > MAX_FOREGROUND_SHARE * (1 - strip.top - strip.bottom)) {
    return { method: null, boxes: [] };
  }
  const boxes: Detection['box'][] = [];
  for (const region of regions) {
    const ratio = outlineEdgeRatio(frame.normalised, reference, mask, region, width, rows);
    if (ratio >= PAIR_EDGE_RATIO) boxes.push(normalisedBox(region, width, height));
    else if (ratio > 1 / PAIR_EDGE_RATIO) return { method: null, boxes: [] };
  }
  return { method: BACKGROUND_DETECTOR, boxes };
}

/** Burst number of each frame: frames (of one camera) taken less than BURST_GAP_MS after the previous one share it. */
export function burstsOf(times: readonly (number | null)[]): number[] {
  const order = times
    .map((t, i) => ({ t, i }))
    .sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || a.i - b.i);
  const bursts = new Array<number>(times.length);
  let burst = -1;
  let previous: number | null = null;
  for (const { t, i } of order) {
    if (t === null || previous === null || t - previous > BURST_GAP_MS) burst += 1;
    bursts[i] = burst;
    previous = t;
  }
  return bursts;
}
