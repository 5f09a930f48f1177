import type { CoreContext } from '../../context';
import type { ProgressListener } from '../../progress';
import { prepareOutputFile, writeFileAtomic } from '../output-path';
import { renderMatchReport } from './match-report';
import { gatherReportData, type ReportScope } from './report-data';

export type { ReportScope } from './report-data';

export interface MatchReportOptions {
  /** Replace an existing file (the CLI's --force). */
  overwrite?: boolean;
  appVersion: string;
  /** Who issues the report; printed on it and stored as the PDF's author. */
  reviewerOfRecord?: string;
  /** The report's "generated at"; the context's clock when absent. */
  now?: Date;
  onProgress?: ProgressListener;
}

export interface MatchReportSummary {
  file: string;
  pages: number;
  sightings: number;
  /** The content seal printed in the report (see content-seal.ts), not a hash of the PDF file's bytes. */
  sha256: string;
}

/**
 * Writes a PDF match report: one decision, one individual's sightings, or the sightings of a date range and/or
 * station, each with its photos, the candidates the reviewer saw, the decision trail and the model versions.
 *
 * Throws EngineError NOT_FOUND when the scope holds no sighting (nothing is written), OUTPUT_EXISTS when the file
 * exists and `overwrite` is not set, INVALID_ARGUMENT for a bad file name or range. A photo file that is missing,
 * changed or unreadable is reported inside the PDF in place of its picture.
 */
export async function writeMatchReport(
  ctx: CoreContext,
  scope: ReportScope,
  outFile: string,
  options: MatchReportOptions,
): Promise<MatchReportSummary> {
  const target = prepareOutputFile(outFile, '.pdf', { overwrite: options.overwrite ?? false });
  const data = gatherReportData(ctx, scope, {
    appVersion: options.appVersion,
    reviewerOfRecord: options.reviewerOfRecord?.trim() || null,
    generatedAt: options.now ?? ctx.now(),
  });
  const report = await renderMatchReport(ctx, data, options.onProgress);
  writeFileAtomic(target, report.pdf);
  return { file: target, pages: report.pages, sightings: data.sightings.length, sha256: report.seal.sha256 };
}
