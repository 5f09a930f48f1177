import type { AppApi, BoxEditDto, CandidatesDto } from './api';
import { apiArgs } from './api-schema';
import type { Engine } from './engine';
import { addBox, deleteBox, frameBoxes, restoreBoxes, updateBox, type BoxEdit } from './gallery/boxes';

type BoxMethods =
  | 'detections.boxes'
  | 'detections.addBox'
  | 'detections.updateBox'
  | 'detections.deleteBox'
  | 'detections.restoreBoxes';

/**
 * The AppApi methods that edit a frame's boxes by hand (Review's box mode). Each reply carries the frame's boxes
 * after the edit and the edited box identified again (`candidates`, the same answer as 'review.candidates', which
 * also keeps it as the evidence a decision on it records).
 */
export function boxHandlers(
  engine: Engine,
  candidates: (detectionId: number) => Promise<CandidatesDto>,
): Pick<AppApi, BoxMethods> {
  const ctx = engine.core;
  const reply = async (edit: BoxEdit): Promise<BoxEditDto> => ({
    mediaId: edit.mediaId,
    detectionId: edit.detectionId,
    removed: edit.removed,
    before: edit.before,
    boxes: frameBoxes(ctx, edit.mediaId),
    candidates: edit.detectionId === null ? null : await candidates(edit.detectionId),
  });
  return {
    async 'detections.boxes'(input) {
      return frameBoxes(ctx, apiArgs('detections.boxes', input).mediaId);
    },
    async 'detections.addBox'(input) {
      return reply(await addBox(ctx, await engine.services(), apiArgs('detections.addBox', input)));
    },
    async 'detections.updateBox'(input) {
      const edit = await updateBox(ctx, await engine.services(), apiArgs('detections.updateBox', input));
      // A decided box is in the searchable gallery: its new features replace the old ones there.
      (await engine.index()).forget([edit.detectionId as number]);
      return reply(edit);
    },
    async 'detections.deleteBox'(input) {
      return reply(deleteBox(ctx, apiArgs('detections.deleteBox', input)));
    },
    async 'detections.restoreBoxes'(input) {
      const restored = await restoreBoxes(
        ctx,
        await engine.services(),
        apiArgs('detections.restoreBoxes', input),
      );
      return reply({
        mediaId: restored.mediaId,
        detectionId: restored.detectionIds[0] ?? null,
        removed: restored.removed,
        before: null,
      });
    },
  };
}
