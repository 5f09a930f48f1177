import type { Verdict } from '../../../../electron/core/api';
import './export-dialog.css';
import { ExportButton } from './ExportButton';

/**
 * The review screen's "report this match" line under the decisions: the last decision in words and its PDF
 * report. Only decisions that assign an individual (a match or a new individual) have a sighting to report.
 */
export function LastDecisionReport({
  decisionId,
  verdict,
  individualCode,
  summary,
}: {
  decisionId: number;
  verdict: Verdict;
  individualCode: string | null;
  summary: string;
}) {
  if (verdict !== 'match' && verdict !== 'new-individual') return null;
  return (
    <div className="export-last">
      <span className="muted">Last decision: {summary}</span>
      <ExportButton
        targets={[{ kind: 'decision-report', decisionId, code: individualCode }]}
        label="Match report (PDF)"
        title={`Match report: ${individualCode ?? `decision ${decisionId}`}`}
        className="btn btn-small"
      />
    </div>
  );
}
