import { analysePending, type PendingAnalysisSummary } from '../analysis/analyse-media';
import type { AnalysisServices } from '../analysis/services';
import type { CoreContext } from '../context';
import { importFolder, type ImportHooks, type ImportOptions, type ImportSummary } from './import-folder';

export interface ImportAndAnalyseResult {
  import: ImportSummary;
  /** Absent when the import stopped early: analysis then runs on the next, resumed run. */
  analysis?: PendingAnalysisSummary;
}

/**
 * What "import an SD card" means to a user: bring the photos in, then find and describe the animals of every
 * frame not analysed yet (so a killed run resumes both steps). The CLI and the app's import screen both call this.
 */
export async function importAndAnalyse(
  ctx: CoreContext,
  services: AnalysisServices,
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportAndAnalyseResult> {
  const summary = await importFolder(ctx, options, hooks);
  if (!summary.completed || hooks.signal?.aborted) return { import: summary };
  const analysis = await analysePending(ctx, services, {
    // A whole card is in: each camera's frames can now serve as each other's background.
    localise: true,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
  return { import: summary, analysis };
}
