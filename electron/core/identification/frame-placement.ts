import { cropPadding } from '../analysis/analyse-media';
import type { CoreContext } from '../context';
import type { BoxColumns } from '../images/crop';
import { cameraKey, type CameraColumns } from '../localisation/localise-pending';
import { cropPlacement, type FramePlacement } from '../matching/fixed-background';

interface PlacementRow extends BoxColumns, CameraColumns {
  id: number;
  detector: string;
}

/**
 * Where each detection's crop lies in its frame, and which camera took it, for the stripe matcher's fixed-background
 * test. Frames without a station get none: nothing says two of them come from one fixed camera.
 */
export function detectionPlacements(
  ctx: CoreContext,
  detectionIds: readonly number[],
): Map<number, FramePlacement> {
  const select = ctx.db.prepare(
    `SELECT d.id, d.box_x, d.box_y, d.box_w, d.box_h, d.detector, m.station_id, m.camera_make, m.camera_model,
            m.camera_serial, m.width, m.height
       FROM detections d JOIN media m ON m.id = d.media_id
      WHERE d.id IN (SELECT value FROM json_each(?)) AND m.station_id IS NOT NULL`,
  );
  const placements = new Map<number, FramePlacement>();
  // Chunks keep the JSON parameter small on large galleries.
  for (let i = 0; i < detectionIds.length; i += 5000) {
    for (const r of select.all(JSON.stringify(detectionIds.slice(i, i + 5000))) as PlacementRow[]) {
      const box = { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h };
      placements.set(r.id, cropPlacement(cameraKey(r), box, cropPadding(ctx, r.detector)));
    }
  }
  return placements;
}
