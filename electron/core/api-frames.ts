import type { AppApi, ContentMarkDto } from './api';
import { apiArgs } from './api-schema';
import type { Engine } from './engine';
import {
  markFrameEmpty,
  markNotTiger,
  pullBackFrame,
  speciesUsed,
  undoContentMark,
  type ContentMark,
} from './gallery/content-marks';
import { listEmptyFrames } from './localisation/empty-frames';

type FrameMethods =
  | 'frames.empty'
  | 'frames.restore'
  | 'frames.markEmpty'
  | 'detections.markNotTiger'
  | 'detections.species'
  | 'contentMarks.undo';

function markDto({ id, ...mark }: ContentMark): ContentMarkDto {
  return { markId: id, ...mark };
}

/**
 * The AppApi methods on what a photo shows: frames set aside as empty (by analysis, or by a reviewer) listed and
 * pulled back, and a reviewer's marks (empty frame, not a tiger) made and undone.
 */
export function frameHandlers(engine: Engine, reviewer: () => string): Pick<AppApi, FrameMethods> {
  const ctx = engine.core;
  return {
    async 'frames.empty'(input) {
      return listEmptyFrames(ctx, apiArgs('frames.empty', input));
    },
    async 'frames.restore'(input) {
      const { mediaId } = apiArgs('frames.restore', input);
      return pullBackFrame(ctx, () => engine.services(), mediaId, reviewer());
    },
    async 'frames.markEmpty'(input) {
      const { mediaId } = apiArgs('frames.markEmpty', input);
      return markDto(markFrameEmpty(ctx, { mediaId, reviewer: reviewer() }));
    },
    async 'detections.markNotTiger'(input) {
      const args = apiArgs('detections.markNotTiger', input);
      return markDto(markNotTiger(ctx, { ...args, reviewer: reviewer() }));
    },
    async 'detections.species'(input) {
      apiArgs('detections.species', input);
      return { species: speciesUsed(ctx) };
    },
    async 'contentMarks.undo'(input) {
      return markDto(undoContentMark(ctx, apiArgs('contentMarks.undo', input).markId, reviewer()));
    },
  };
}
