import { resolve } from 'node:path';
import { z } from 'zod';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import type { CoreContext } from '../../core/context';
import { EngineError } from '../../core/errors';
import { pullBackFrame } from '../../core/gallery/content-marks';
import { listEmptyFrames } from '../../core/localisation/empty-frames';
import { reviewerName } from '../../core/reviewer';
import { UsageError, type Command } from '../command';
import { formatTable } from '../table';

const USAGE = ['frames [empty] [--limit N]', 'frames restore <media-id | file>'];

const limitArg = z.coerce.number().int().min(1).max(100_000).default(100);
/** A frame as the list shows it: its media id, or its file (the path, or a file name the gallery holds once). */
const frameArg = z.union([
  z
    .string()
    .regex(/^\d+$/)
    .transform((s) => ({ mediaId: Number(s) })),
  z
    .string()
    .min(1)
    .transform((file) => ({ file })),
]);

function findFrame(core: CoreContext, ref: z.output<typeof frameArg>): number {
  if ('mediaId' in ref) return ref.mediaId;
  const byPath = core.db
    .prepare('SELECT id FROM media WHERE path = ? OR path = ?')
    .pluck()
    .all(ref.file, resolve(ref.file)) as number[];
  const found =
    byPath.length > 0
      ? byPath
      : (core.db.prepare('SELECT id FROM media WHERE file_name = ?').pluck().all(ref.file) as number[]);
  if (found.length === 0) throw new EngineError('NOT_FOUND', `No frame "${ref.file}" in the gallery.`);
  if (found.length > 1) {
    throw new EngineError(
      'CONFLICT',
      `${found.length} frames are called "${ref.file}": give the full path or the media id ("tigerid frames empty" lists them).`,
      { details: { mediaIds: found } },
    );
  }
  return found[0] as number;
}

/** Frames set aside as empty (by analysis, or by a reviewer's E), listed and pulled back into Review. */
export const framesCommand: Command = {
  name: 'frames',
  summary: 'List the frames set aside as empty (no animal), and pull one back into Review',
  usage: USAGE,
  options: {
    limit: { type: 'string', valueName: 'N', description: 'empty: list at most N frames (default 100)' },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'restore: who pulls it back (default: $TIGERID_REVIEWER or your user name)',
    },
  },
  async run(ctx, { positionals, values }) {
    const [verb = 'empty', ...rest] = positionals;
    const core = ctx.core();
    switch (verb) {
      case 'empty': {
        if (rest.length > 0) throw new UsageError('"frames empty" takes no arguments');
        const listed = listEmptyFrames(core, { limit: limitArg.parse(values.limit) });
        if (ctx.json) return void ctx.out(`${JSON.stringify(listed, null, 2)}\n`);
        if (listed.total === 0) return void ctx.out('No frame is set aside as empty.\n');
        ctx.out(
          formatTable(
            ['media', 'set aside by', 'station', 'taken', 'file'],
            listed.items.map((f) => [
              f.mediaId,
              f.source === 'reviewer' ? 'reviewer' : 'analysis',
              f.station,
              f.capturedAt,
              f.file,
            ]),
          ),
        );
        ctx.out(
          `${listed.total} frame(s) set aside as empty${listed.items.length < listed.total ? `, ${listed.items.length} shown (--limit)` : ''}. Pull one back with "tigerid frames restore <media-id | file>".\n`,
        );
        return;
      }
      case 'restore': {
        if (rest.length !== 1) throw new UsageError('"frames restore" takes one media id or file');
        const mediaId = findFrame(core, frameArg.parse(rest[0]));
        let loaded: Awaited<ReturnType<typeof loadAnalysisServices>> | undefined;
        try {
          const result = await pullBackFrame(
            core,
            async () => (loaded = await loadAnalysisServices(core)),
            mediaId,
            reviewerName(values.reviewer, ctx.env),
          );
          if (ctx.json) return void ctx.out(`${JSON.stringify(result)}\n`);
          ctx.out(
            `Frame ${mediaId} is back in Review with ${result.detections} detection(s): "tigerid review" shows it.\n`,
          );
        } finally {
          await loaded?.close();
        }
        return;
      }
      default:
        throw new UsageError(`unknown "frames" action "${verb}" (one of: empty, restore)`);
    }
  },
};
