import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { createAppApi } from '../../electron/core/api-handlers';
import { dispatch } from '../../electron/core/dispatch';
import { Engine } from '../../electron/core/engine';
import { silentLogger } from '../../electron/core/log';
import { FileSecretStore } from '../../electron/core/secrets';
import {
  CAMTRAP_EXAMPLE_SKIP_REASON,
  camtrapExamplePhotos,
  confirm,
  HAS_CAMTRAP_EXAMPLE,
  importStations,
} from '../support/sighting-gallery';
import { tempDir } from '../support/temp-dir';

/**
 * The report and export buttons' API on a gallery of real camera-trap photos: files land in the folder the user
 * chose under the name they gave, an existing file is replaced only when they said so, and a name that tries to
 * leave the folder is refused.
 */
describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `reports and exports through the AppApi (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    const dir = tempDir('tigerid-reports-api-');
    const out = join(dir.path, 'out');
    let engine: Engine;
    let api: AppApi;
    let decisionId = 0;

    beforeAll(async () => {
      engine = new Engine({
        dataDir: join(dir.path, 'data'),
        secrets: new FileSecretStore(join(dir.path, 's.json')),
        env: {},
      });
      api = createAppApi(engine, { TIGERID_REVIEWER: 'Report Tester' });
      const photos = camtrapExamplePhotos();
      const gallery = await importStations(engine.core, join(dir.path, 'photos'), [
        { station: 'Ridge', files: photos.slice(0, 3) },
      ]);
      const [first, second] = gallery.detections;
      confirm(engine.core, first!.detectionId, null);
      confirm(engine.core, second!.detectionId, 'T-0001', { notes: 'same scar on the left shoulder' });
      decisionId = engine.core.db.prepare('SELECT MAX(id) FROM decisions').pluck().get() as number;
      mkdirSync(out);
    });
    afterAll(async () => {
      await engine.close();
      dir.cleanup();
    });

    it('writes a decision report under the chosen name, and replaces it only when asked', async () => {
      const report = await api['reports.match']({
        scope: { decisionId },
        folder: out,
        fileName: 'decision.pdf',
        overwrite: false,
      });
      expect(report.file).toBe(join(out, 'decision.pdf'));
      expect(report.sightings).toBe(1);
      expect(readFileSync(report.file).subarray(0, 5).toString()).toBe('%PDF-');
      const again = await dispatch(
        api,
        'reports.match',
        { scope: { decisionId }, folder: out, fileName: 'decision.pdf', overwrite: false },
        silentLogger,
      );
      expect(again).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS' } });
      const replaced = await api['reports.match']({
        scope: { decisionId },
        folder: out,
        fileName: 'decision.pdf',
        overwrite: true,
      });
      expect(replaced).toMatchObject({ file: report.file, sightings: 1 });
    });

    it('refuses a file name that leaves the chosen folder', async () => {
      const response = await dispatch(
        api,
        'exports.csv',
        { kind: 'sightings', folder: out, fileName: '../escape.csv', overwrite: false },
        silentLogger,
      );
      expect(response).toMatchObject({ ok: false, error: { code: 'OUTPUT_OUTSIDE_FOLDER' } });
      expect(existsSync(join(dir.path, 'escape.csv'))).toBe(false);
    });

    it('exports the sightings CSV with both confirmed sightings', async () => {
      const result = await api['exports.csv']({
        kind: 'sightings',
        folder: out,
        fileName: 'sightings.csv',
        overwrite: false,
      });
      expect(result).toMatchObject({ path: join(out, 'sightings.csv'), summary: '2 sightings' });
      const lines = readFileSync(join(out, 'sightings.csv'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.slice(1).every((l) => l.includes('T-0001'))).toBe(true);
    });

    it('names the stations without coordinates instead of writing a capture history', async () => {
      const response = await dispatch(api, 'exports.secr', { folder: join(out, 'secr') }, silentLogger);
      expect(response.ok).toBe(false);
      expect(JSON.stringify(response)).toContain('Ridge');
      const refused = await dispatch(
        api,
        'stations.update',
        { name: 'Ridge', latitude: 121.5, longitude: 79.3 },
        silentLogger,
      );
      expect(refused).toMatchObject({ ok: false, error: { type: 'InvalidArgument' } });
      expect(JSON.stringify(refused)).toContain('latitude');
      const updated = await api['stations.update']({ name: 'Ridge', latitude: 21.5, longitude: 79.3 });
      expect(updated.station).toMatchObject({ name: 'Ridge', latitude: 21.5, longitude: 79.3, photos: 3 });
      expect((await api['stations.list']({}))[0]).toMatchObject({ latitude: 21.5, longitude: 79.3 });
      const secr = await api['exports.secr']({
        folder: join(out, 'secr'),
        occasionDays: 1,
        flankAware: false,
        overwrite: false,
      });
      expect(secr.summary).toMatch(/^secr capture history: 1 individuals/);
      expect(existsSync(join(out, 'secr', 'captures.txt'))).toBe(true);
    });

    it('refuses to write a package into a folder that already holds files', async () => {
      const folder = join(out, 'camtrap');
      mkdirSync(folder);
      writeFileSync(join(folder, 'notes.txt'), 'keep me');
      const response = await dispatch(
        api,
        'exports.camtrapDp',
        { folder, utcOffset: '+05:30' },
        silentLogger,
      );
      expect(response).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS' } });
      expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
    });
  },
);
