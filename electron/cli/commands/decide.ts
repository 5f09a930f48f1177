import { loadAnalysisServices } from '../../core/analysis/load-services';
import { undoDecision, VERDICTS, type Verdict } from '../../core/gallery/decisions';
import { findIndividual } from '../../core/gallery/individuals';
import { decideWithScores } from '../../core/identification/decide';
import { GalleryIndex } from '../../core/identification/gallery-index';
import { UsageError, type Command } from '../command';
import { reviewerName } from '../../core/reviewer';

export const decideCommand: Command = {
  name: 'decide',
  summary: 'Record a decision on a detection (match, no-match, cant-tell, new-individual), or undo one',
  usage: [
    'decide <detection-id> match <individual>',
    'decide <detection-id> no-match [<individual>]',
    'decide <detection-id> cant-tell',
    'decide <detection-id> new-individual [--name NAME]',
    'decide --undo <decision-id>',
  ],
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'name for a new individual' },
    notes: { type: 'string', valueName: 'TEXT', description: 'a note kept with the decision' },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'who decides (default: $TIGERID_REVIEWER or your user name)',
    },
    undo: { type: 'string', valueName: 'DECISION-ID', description: 'undo this decision' },
  },
  async run(ctx, { positionals, values }) {
    const reviewer = reviewerName(values.reviewer, ctx.env);
    const core = ctx.core();
    if (values.undo !== undefined) {
      const id = wholeNumber(values.undo as string, 'decision id');
      const undone = undoDecision(core, id, reviewer);
      ctx.out(
        ctx.json
          ? `${JSON.stringify(undone)}\n`
          : `Undid decision ${id} (${undone.verdict} on detection ${undone.detectionId}).\n`,
      );
      return;
    }
    const [detection, verdictText, individual] = positionals;
    if (detection === undefined || verdictText === undefined)
      throw new UsageError('give a detection id and a verdict');
    if (!(VERDICTS as readonly string[]).includes(verdictText)) {
      throw new UsageError(`the verdict is one of: ${VERDICTS.join(', ')}; got "${verdictText}"`);
    }
    const verdict = verdictText as Verdict;
    if (verdict === 'match' && individual === undefined)
      throw new UsageError('a match needs the individual, e.g. T-0003');
    const services = await loadAnalysisServices(core);
    try {
      const decision = decideWithScores(core, services, new GalleryIndex(core, services), {
        detectionId: wholeNumber(detection, 'detection id'),
        verdict,
        ...(individual !== undefined ? { individual } : {}),
        ...(typeof values.name === 'string' ? { newName: values.name } : {}),
        ...(typeof values.notes === 'string' ? { notes: values.notes } : {}),
        reviewer,
      });
      if (ctx.json) return void ctx.out(`${JSON.stringify(decision)}\n`);
      const who =
        decision.individualId === null ? '' : ` → ${findIndividual(core, decision.individualId).code}`;
      ctx.out(
        `Decision ${decision.id}: detection ${decision.detectionId} ${decision.verdict}${who} ("tigerid decide --undo ${decision.id}" reverts it).\n`,
      );
    } finally {
      await services.close();
    }
  },
};

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`the ${what} is a whole number, got "${text}"`);
  return Number(text);
}
