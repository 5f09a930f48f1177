import type { Identification } from '../core/identification/identify';
import { formatTable } from './table';

const score = (n: number | undefined) => (n === undefined ? null : n.toFixed(3));

/** The candidates of one identification as a table, with the new-individual verdict above it. */
export function formatIdentification(result: Identification): string {
  const top = result.candidates[0];
  let verdict: string;
  if (!result.identifiable)
    verdict = `View not identifiable${result.viewReason ? ` (${result.viewReason})` : ''}: no call either way; the encounter's other frames carry the decision.`;
  else if (!top) verdict = 'No gallery individual to compare with yet: this would be a new individual.';
  else if (result.threshold === null)
    verdict = 'Not calibrated yet ("tigerid calibrate"), so no new-individual call.';
  else if (result.likelyNew)
    verdict = `Likely a NEW individual: best score ${score(top.score)} < threshold ${score(result.threshold)}.`;
  else
    verdict = `Likely ${top.name ? `${top.code} "${top.name}"` : top.code}: best score ${score(top.score)} ≥ threshold ${score(result.threshold)}.`;
  if (!top) return `${verdict}\n`;
  const models = [...new Set(result.candidates.flatMap((c) => Object.keys(c.scores)))].sort();
  const table = formatTable(
    ['#', 'individual', 'name', 'score', ...models, 'flank', 'evidence'],
    result.candidates.map((c, i) => [
      i + 1,
      c.code,
      c.name,
      score(c.score),
      ...models.map((m) => score(c.scores[m])),
      c.flank,
      `detection ${c.bestDetectionId}`,
    ]),
  );
  return `${verdict}\n${table}`;
}
