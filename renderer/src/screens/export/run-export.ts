import { call } from '../../api/client';
import { exportOutcome, reportOutcome, type ExportOutcome, type ExportRequest } from '../../lib/exports';

/** Runs one export request through the AppApi and puts its result in words. Failures throw the ApiError. */
export async function runExport(request: ExportRequest): Promise<ExportOutcome> {
  switch (request.method) {
    case 'reports.match':
      return reportOutcome(await call('reports.match', request.args));
    case 'exports.csv':
      return exportOutcome(await call('exports.csv', request.args));
    case 'exports.camtrapDp':
      return exportOutcome(await call('exports.camtrapDp', request.args));
    case 'exports.secr':
      return exportOutcome(await call('exports.secr', request.args));
  }
}
