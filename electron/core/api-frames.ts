import type { AppApi } from './api';
import { apiArgs } from './api-schema';
import type { Engine } from './engine';
import { listEmptyFrames, restoreEmptyFrame } from './localisation/empty-frames';

/** The AppApi methods on frames set aside as empty (only their camera's background): list them, pull one back. */
export function frameHandlers(engine: Engine): Pick<AppApi, 'frames.empty' | 'frames.restore'> {
  const ctx = engine.core;
  return {
    async 'frames.empty'(input) {
      return listEmptyFrames(ctx, apiArgs('frames.empty', input));
    },
    async 'frames.restore'(input) {
      const { mediaId } = apiArgs('frames.restore', input);
      return restoreEmptyFrame(ctx, await engine.services(), mediaId);
    },
  };
}
