import { createInterface } from 'node:readline/promises';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import {
  markFrameEmpty,
  markNotTiger,
  speciesUsed,
  undoContentMark,
  type ContentMark,
} from '../../core/gallery/content-marks';
import { undoDecision, type DecisionRecord } from '../../core/gallery/decisions';
import { undecidedEncounters } from '../../core/gallery/encounters';
import { decideEncounter } from '../../core/identification/decide';
import { identifyEncounter } from '../../core/identification/encounter-fusion';
import { GalleryIndex } from '../../core/identification/gallery-index';
import type { Identification } from '../../core/identification/identify';
import { NO_MATCH_HELP } from '../../core/api';
import { isEngineError } from '../../core/errors';
import type { Command } from '../command';
import { formatIdentification } from '../identification-output';
import { reviewerName } from '../../core/reviewer';

// The same words as the app's keyboard legend, so X means one thing wherever a ranger reviews.
const KEYS = `  1-9  Match that candidate      N  New individual      X  ${NO_MATCH_HELP}
  C    Can't tell                S  Skip                U  Undo the last decision      Q  Quit
  E    Empty frame (no animal)   O  Not a tiger (asks the species; Enter: not known)
`;

/** What U takes back: a decision (with its encounter), or a mark (an empty frame, not a tiger). */
type Undoable = { decision: DecisionRecord } | { mark: ContentMark; detectionId: number };

/**
 * Walks the undecided encounters in the terminal (a burst of frames is one item: its frames' candidates fused, one
 * decision for all, undone as one). Answers are read line by line, so a script can pipe them in as well.
 */
export const reviewCommand: Command = {
  name: 'review',
  summary:
    "Review undecided detections in the terminal: match, not a match, can't tell, new individual, empty frame, not a tiger, undo",
  usage: ['review [--limit N]'],
  options: {
    limit: { type: 'string', valueName: 'N', description: 'stop after N encounters (default: all)' },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'who decides (default: $TIGERID_REVIEWER or your user name)',
    },
  },
  async run(ctx, { values }) {
    const core = ctx.core();
    const reviewer = reviewerName(values.reviewer, ctx.env);
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    const queue = undecidedEncounters(core, Number.isFinite(limit) ? limit : 100_000).items.map((e) => ({
      detectionId: e.detectionIds[0] as number,
      frames: e.detectionIds,
      file: core.db
        .prepare('SELECT m.path FROM detections d JOIN media m ON m.id = d.media_id WHERE d.id = ?')
        .pluck()
        .get(e.detectionIds[0]) as string,
    }));
    if (queue.length === 0) {
      ctx.out(
        'Nothing to review: every detection has a decision. Import more photos with "tigerid import <folder>".\n',
      );
      return;
    }
    const services = await loadAnalysisServices(core);
    const index = new GalleryIndex(core, services);
    const rl = createInterface({ input: ctx.stdin, terminal: false });
    const lines = rl[Symbol.asyncIterator]();
    /** The next line as typed (a species name keeps its case); undefined at the end of input. */
    const read = async (prompt: string): Promise<string | undefined> => {
      ctx.err(prompt);
      const next = await lines.next();
      return next.done ? undefined : String(next.value).trim();
    };
    const ask = async (prompt: string) => (await read(prompt))?.toLowerCase();
    const history: Undoable[] = [];
    let decided = 0;
    /** Undoes this session's last decision; returns the queue position to show next. */
    const undoLast = (current: number): number => {
      const last = history.pop();
      if (!last) {
        ctx.out('  nothing to undo in this session.\n');
        return current;
      }
      decided--;
      let detectionId: number;
      if ('mark' in last) {
        const undone = undoContentMark(core, last.mark.id, reviewer);
        detectionId = last.detectionId;
        ctx.out(
          `  undid mark ${undone.id} (${undone.kind === 'empty' ? 'empty frame' : 'not a tiger'}); back to detection ${detectionId}.\n`,
        );
      } else {
        const undone = undoDecision(core, last.decision.id, reviewer);
        detectionId = last.decision.detectionId;
        ctx.out(
          `  undid decision ${last.decision.id}${undone.batchSize > 1 ? ` and its encounter (${undone.batchSize} frames)` : ''}; back to detection ${detectionId}.\n`,
        );
      }
      const back = queue.findIndex((q) => q.detectionId === detectionId);
      return back >= 0 ? back : current;
    };
    try {
      const detections = queue.reduce((n, q) => n + q.frames.length, 0);
      ctx.out(`${queue.length} encounter(s) to review (${detections} detection(s)).\n${KEYS}`);
      for (let i = 0; ; i++) {
        const item = queue[i];
        if (!item) {
          // The end of the queue still allows undoing the last decision, as a reviewer expects.
          if (
            history.length === 0 ||
            (await ask('All reviewed. u to undo the last decision, Enter to finish> ')) !== 'u'
          )
            break;
          i = undoLast(i) - 1;
          continue;
        }
        const heading = `\n[${i + 1}/${queue.length}] detection ${item.detectionId}  ${item.file}${item.frames.length > 1 ? `  (encounter of ${item.frames.length} frames, one decision for all)` : ''}\n`;
        let result: Identification | undefined;
        try {
          result = identifyEncounter(core, services, index, item.frames);
        } catch (error) {
          if (!isEngineError(error)) throw error;
          ctx.out(`${heading}${error.message}\n`);
        }
        if (result) ctx.out(`${heading}${formatIdentification(result)}`);
        const answer = await ask('decision> ');
        if (answer === undefined || answer === 'q') break;
        const decide = (input: Parameters<typeof decideEncounter>[3]) => {
          const [record, ...rest] = decideEncounter(core, services, index, input, result);
          if (!record) return;
          history.push({ decision: record });
          decided++;
          ctx.out(
            `  recorded decision ${record.id} (${record.verdict})${rest.length > 0 ? ` for all ${rest.length + 1} frames` : ''}.\n`,
          );
        };
        const pick = /^[1-9]$/.test(answer) ? result?.candidates[Number(answer) - 1] : undefined;
        if (pick)
          decide({
            detectionId: item.detectionId,
            verdict: 'match',
            individual: pick.individualId,
            reviewer,
          });
        else if (answer === 'n')
          decide({ detectionId: item.detectionId, verdict: 'new-individual', reviewer });
        else if (answer === 'c') decide({ detectionId: item.detectionId, verdict: 'cant-tell', reviewer });
        else if (answer === 'x') decide({ detectionId: item.detectionId, verdict: 'no-match', reviewer });
        else if (answer === 'e') {
          // The frame shown (the encounter's best); its other frames stay to be reviewed.
          const mediaOf = core.db.prepare('SELECT media_id FROM detections WHERE id = ?').pluck();
          const mediaId = mediaOf.get(item.detectionId) as number;
          const mark = markFrameEmpty(core, { mediaId, reviewer });
          history.push({ mark, detectionId: item.detectionId });
          decided++;
          const rest = item.frames.filter((id) => mediaOf.get(id) !== mediaId).length;
          ctx.out(
            `  set frame ${mediaId} aside as empty (mark ${mark.id}): no animal in it.${rest > 0 ? ` The encounter's other ${rest} frame(s) stay in Review for the next session.` : ''}\n`,
          );
        } else if (answer === 'o') {
          const known = speciesUsed(core);
          const species = await read(
            `species${known.length > 0 ? ` (used so far: ${known.slice(0, 8).join(', ')})` : ''}, Enter if not known> `,
          );
          if (species === undefined) break;
          const mark = markNotTiger(core, { detectionId: item.detectionId, species, reviewer });
          history.push({ mark, detectionId: item.detectionId });
          decided++;
          ctx.out(
            `  marked not a tiger${mark.species ? ` (${mark.species})` : ''} (mark ${mark.id})${mark.detectionIds.length > 1 ? ` for all ${mark.detectionIds.length} frames` : ''}.\n`,
          );
        } else if (answer === 'u') {
          i = undoLast(i) - 1;
        } else if (answer !== 's') {
          ctx.out(`  "${answer}" is not a key here.\n${KEYS}`);
          i--;
        }
      }
    } finally {
      rl.close();
      await services.close();
    }
    ctx.out(`\n${decided} decision(s) recorded.\n`);
  },
};
