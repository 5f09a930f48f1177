import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppApi, ExportDto, StationDto } from './api';
import { apiArgs } from './api-schema';
import { APP_VERSION } from './app-version';
import type { Engine } from './engine';
import { editCaptureTimes, previewCaptureTimes, undoCaptureTimeEdit } from './gallery/capture-times';
import { listStations, updateStation, type StationSummary } from './gallery/stations';
import { exportCamtrapDp } from './reports/camtrap-dp/export';
import { exportSecr } from './reports/capture-history/secr';
import { exportIndividualsCsv, exportSightingsCsv } from './reports/csv-export';
import { fileInFolder } from './reports/output-path';
import { writeMatchReport } from './reports/pdf/write-match-report';
import { reviewerName } from './reviewer';
import { getSetting } from './settings';

/**
 * The AppApi methods behind the report and export buttons. The user picks a folder (and a file name); the core
 * refuses names that leave that folder and existing files unless the user said to replace them (OUTPUT_EXISTS
 * lets the UI ask).
 */

type ReportMethods =
  | 'stations.list'
  | 'stations.update'
  | 'stations.previewTime'
  | 'stations.editTime'
  | 'stations.undoTime'
  | 'exports.defaultFolder'
  | 'reports.match'
  | 'exports.csv'
  | 'exports.camtrapDp'
  | 'exports.secr';

function stationDto(s: StationSummary): StationDto {
  const { id, ...rest } = s;
  return { stationId: id, ...rest };
}

export function reportHandlers(engine: Engine, env: NodeJS.ProcessEnv): Pick<AppApi, ReportMethods> {
  const ctx = engine.core;
  const reviewer = () => reviewerName(getSetting(ctx, 'review.reviewer') || undefined, env);
  return {
    async 'stations.list'(input) {
      apiArgs('stations.list', input);
      return listStations(ctx).map(stationDto);
    },
    async 'stations.update'(input) {
      const { name, ...patch } = apiArgs('stations.update', input);
      const result = updateStation(ctx, name, patch);
      return { station: stationDto(result.station), photosOutsideOperation: result.photosOutsideOperation };
    },
    async 'stations.previewTime'(input) {
      return previewCaptureTimes(ctx, apiArgs('stations.previewTime', input));
    },
    async 'stations.editTime'(input) {
      return editCaptureTimes(ctx, apiArgs('stations.editTime', input), reviewer());
    },
    async 'stations.undoTime'(input) {
      return undoCaptureTimeEdit(ctx, reviewer(), apiArgs('stations.undoTime', input).editId);
    },
    async 'exports.defaultFolder'(input) {
      apiArgs('exports.defaultFolder', input);
      // Offered as the place to save: it must exist, or the first export of a fresh install would fail.
      const folder = join(homedir(), 'Tiger ID exports');
      mkdirSync(folder, { recursive: true });
      return { folder };
    },
    async 'reports.match'(input) {
      const { scope, folder, fileName, overwrite } = apiArgs('reports.match', input);
      return writeMatchReport(ctx, scope, fileInFolder(folder, fileName), {
        overwrite,
        appVersion: APP_VERSION,
        reviewerOfRecord: reviewer(),
      });
    },
    async 'exports.csv'(input) {
      const { kind, folder, fileName, overwrite, ...filter } = apiArgs('exports.csv', input);
      const file = fileInFolder(folder, fileName);
      const result =
        kind === 'sightings'
          ? exportSightingsCsv(ctx, file, { overwrite, filter })
          : exportIndividualsCsv(ctx, file, { overwrite });
      return { path: result.file, summary: `${result.rows} ${kind}`, warnings: result.warnings };
    },
    async 'exports.camtrapDp'(input) {
      const { folder, overwrite, utcOffset } = apiArgs('exports.camtrapDp', input);
      const r = await exportCamtrapDp(ctx, folder, { overwrite, ...(utcOffset ? { utcOffset } : {}) });
      return {
        path: r.folder,
        summary: `Camtrap DP package: ${r.deployments} deployments, ${r.media} media, ${r.observations} observations`,
        warnings: r.warnings,
      } satisfies ExportDto;
    },
    async 'exports.secr'(input) {
      const { folder, ...options } = apiArgs('exports.secr', input);
      const r = exportSecr(ctx, folder, options);
      return {
        path: r.folder,
        summary: `secr capture history: ${r.individuals} individuals, ${r.captures} captures on ${r.occasions} occasions of ${r.occasionDays} day(s) at ${r.detectors} detectors`,
        warnings: r.warnings,
      };
    },
  };
}
