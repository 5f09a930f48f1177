/**
 * Fixed cameras: a rock, a tree trunk or a post behind the animal sits at the same pixel of every frame a camera
 * takes, so its keypoints match between any two animals that pass that camera. A correspondence that stays at the
 * same position in the frame in two detections of the same camera is background, not animal: it is kept out of
 * the stripe index's votes and dropped from geometric verification.
 */
import type { NormalisedBox } from '../images/crop';
import type { LocalFeatures } from './stripe-features';

/** Where a descriptor's crop lies in its frame, and which camera took the frame. */
export interface FramePlacement {
  /** Frames of one camera share this key (see cameraKey in localisation/localise-pending.ts). */
  camera: string;
  /** The crop the descriptor was computed on (the box plus padding, within the frame), normalised to the frame. */
  crop: NormalisedBox;
  /**
   * The individual a gallery detection belongs to. Only what two different animals share at one place is background:
   * a tiger resting through a burst shows its own stripes at the same place in every frame.
   */
  individual?: number;
}

/**
 * Two keypoints closer than this (a share of the frame's width and height: ~8 pixels of a 1920 × 1080 frame) are at
 * the same place. An animal that walks on moves far more than this between triggers; AKAZE locates a keypoint
 * to about a pixel of its working image.
 */
export const SAME_PLACE = 0.004;

/** The crop of a box with `padding` on every side (as cropRaw cuts it), clipped to the frame. */
export function cropPlacement(camera: string, box: NormalisedBox, padding: number): FramePlacement {
  const x1 = Math.max(0, box.x - box.w * padding);
  const y1 = Math.max(0, box.y - box.h * padding);
  const x2 = Math.min(1, box.x + box.w * (1 + padding));
  const y2 = Math.min(1, box.y + box.h * (1 + padding));
  return { camera, crop: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 } };
}

/** Keypoint k of a descriptor, in frame coordinates (0..1). */
export function framePoint(features: LocalFeatures, placement: FramePlacement, k: number): [number, number] {
  const { crop } = placement;
  return [
    crop.x + ((features.points[k * 2] ?? 0) / features.width) * crop.w,
    crop.y + ((features.points[k * 2 + 1] ?? 0) / features.height) * crop.h,
  ];
}

/**
 * For two descriptors of the same camera, whether a correspondence (query keypoint q, gallery keypoint g) lies at
 * the same place of the frame in both; null when the two come from different cameras (or one is unplaced), where
 * position says nothing.
 */
export function fixedPlaceTest(
  query: LocalFeatures,
  queryPlacement: FramePlacement | undefined,
  gallery: LocalFeatures,
  galleryPlacement: FramePlacement | undefined,
): ((q: number, g: number) => boolean) | null {
  if (!queryPlacement || !galleryPlacement || queryPlacement.camera !== galleryPlacement.camera) return null;
  return (q, g) => {
    const [qx, qy] = framePoint(query, queryPlacement, q);
    const [gx, gy] = framePoint(gallery, galleryPlacement, g);
    return Math.abs(qx - gx) <= SAME_PLACE && Math.abs(qy - gy) <= SAME_PLACE;
  };
}
