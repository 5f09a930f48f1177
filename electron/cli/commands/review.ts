import { createInterface } from 'node:readline/promises';
import { loadAnalysisServices } from '../../core/analysis/load-services';
import { undecidedDetections, undoDecision, type DecisionRecord } from '../../core/gallery/decisions';
import { decideWithScores } from '../../core/identification/decide';
import { GalleryIndex } from '../../core/identification/gallery-index';
import { identify, storedQueryFeatures, type Identification } from '../../core/identification/identify';
import { isEngineError } from '../../core/errors';
import type { Command } from '../command';
import { formatIdentification } from '../identification-output';
import { reviewerName } from '../../core/reviewer';

const KEYS = `  1-9  match that candidate      n  new individual      x  not a match (the top candidate)
  c    can't tell                s  skip                u  undo the last decision      q  quit
`;

/**
 * Walks the undecided detections in the terminal, best guess first. Answers are read line by line, so a
 * script can pipe them in as well.
 */
export const reviewCommand: Command = {
  name: 'review',
  summary:
    "Review undecided detections in the terminal: match, not a match, can't tell, new individual, undo",
  usage: ['review [--limit N]'],
  options: {
    limit: { type: 'string', valueName: 'N', description: 'stop after N detections (default: all)' },
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
    const queue = undecidedDetections(core, Number.isFinite(limit) ? limit : 100_000);
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
    const ask = async (prompt: string): Promise<string | undefined> => {
      ctx.err(prompt);
      const next = await lines.next();
      return next.done ? undefined : String(next.value).trim().toLowerCase();
    };
    const history: DecisionRecord[] = [];
    let decided = 0;
    /** Undoes this session's last decision; returns the queue position to show next. */
    const undoLast = (current: number): number => {
      const last = history.pop();
      if (!last) {
        ctx.out('  nothing to undo in this session.\n');
        return current;
      }
      undoDecision(core, last.id, reviewer);
      decided--;
      ctx.out(`  undid decision ${last.id}; back to detection ${last.detectionId}.\n`);
      const back = queue.findIndex((q) => q.detectionId === last.detectionId);
      return back >= 0 ? back : current;
    };
    try {
      ctx.out(`${queue.length} detection(s) to review.\n${KEYS}`);
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
        let result: Identification | undefined;
        try {
          result = identify(core, services, index, storedQueryFeatures(core, services, item.detectionId), {
            exclude: new Set([item.detectionId]),
          });
        } catch (error) {
          if (!isEngineError(error)) throw error;
          ctx.out(
            `\n[${i + 1}/${queue.length}] detection ${item.detectionId}  ${item.file}\n${error.message}\n`,
          );
        }
        if (result)
          ctx.out(
            `\n[${i + 1}/${queue.length}] detection ${item.detectionId}  ${item.file}\n${formatIdentification(result)}`,
          );
        const answer = await ask('decision> ');
        if (answer === undefined || answer === 'q') break;
        const decide = (input: Parameters<typeof decideWithScores>[3]) => {
          const record = decideWithScores(core, services, index, input, result);
          history.push(record);
          decided++;
          ctx.out(`  recorded decision ${record.id} (${record.verdict}).\n`);
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
        else if (answer === 'x') {
          const top = result?.candidates[0];
          decide({
            detectionId: item.detectionId,
            verdict: 'no-match',
            ...(top ? { individual: top.individualId } : {}),
            reviewer,
          });
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
