import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCamtrapDpCommand } from '../../electron/cli/commands/import-camtrap-dp';
import { isEngineError } from '../../electron/core/errors';
import { cliContext } from '../support/cli-context';
import {
  CAMTRAP_EXAMPLE_DIR,
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

describe.skipIf(!HAS_CAMTRAP_EXAMPLE)(
  `tigerid import-camtrap-dp (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
  () => {
    let core: ReturnType<typeof tempCore>;
    let work: ReturnType<typeof tempDir>;
    beforeEach(() => {
      core = tempCore();
      work = tempDir('tigerid-camtrap-cli-');
    });
    afterEach(() => {
      core.cleanup();
      work.cleanup();
    });

    it('imports the example, reports every outcome, names a few rows without a local photo and analyses the photos', async () => {
      const { ctx, io } = cliContext(core);
      const code = await importCamtrapDpCommand.run(ctx, { positionals: [CAMTRAP_EXAMPLE_DIR], values: {} });
      expect(code).toBe(0);
      expect(io.stdout).toMatch(/^Imported Camtrap DP package "Sample from: MICA/);
      expect(io.stdout).toMatch(/ {2}4 deployment\(s\): 4 new station\(s\), 0 already imported\n/);
      expect(io.stdout).toMatch(
        / {2}423 media: 10 photo\(s\) imported, 0 already in the gallery, 0 imported before, 413 without a local photo, 0 failed\n/,
      );
      expect(io.stdout).toMatch(
        / {2}549 observation\(s\): 0 tiger sighting\(s\) decided, 549 kept as package rows/,
      );
      expect(io.stderr).toMatch(
        /^not imported: file not available offline: media 07840dcc \(https:\/\/multimedia\.agouti\.eu\/assets\/07840dcc-0d99-4ab4-973b-7e4a8e20b56d\/file\)\n/,
      );
      expect(io.stderr).toMatch(
        /\.\.\. and 403 more media rows without a local photo \(--json lists them all\)/,
      );
      // Then it analyses what it imported: each of the 10 local photos carries one boxed animal observation, which
      // is described rather than detected again.
      expect(io.stdout).toMatch(
        /\nAnalysed 10 image\(s\): 10 animal detection\(s\)\. Next: "tigerid review"\.\n$/,
      );
      expect(io.progress.filter((e) => e.phase === 'import').at(-1)).toEqual({
        phase: 'import',
        done: 423,
        total: 423,
        unit: 'images',
      });
      expect(io.progress.at(-1)).toMatchObject({ phase: 'analyse', done: 10, total: 10 });
    });

    it('prints JSON with --json', async () => {
      const { ctx, io } = cliContext(core, { json: true });
      await importCamtrapDpCommand.run(ctx, { positionals: [CAMTRAP_EXAMPLE_DIR], values: {} });
      const summary = JSON.parse(io.stdout);
      expect(summary.media.imported).toBe(10);
      expect(summary.media.notImported).toHaveLength(413);
    });

    it('lists each problem of an invalid package on stderr before failing', async () => {
      const pkg = work.path;
      writeFileSync(join(pkg, 'datapackage.json'), '{"resources": []');
      const { ctx, io } = cliContext(core);
      let caught: unknown;
      try {
        await importCamtrapDpCommand.run(ctx, { positionals: [pkg], values: {} });
      } catch (error) {
        caught = error;
      }
      expect(isEngineError(caught, 'PACKAGE_INVALID')).toBe(true);
      expect(io.stderr).toMatch(/^invalid: datapackage\.json: not valid JSON: /);
    });

    it('asks for exactly one folder', async () => {
      const { ctx } = cliContext(core);
      await expect(importCamtrapDpCommand.run(ctx, { positionals: [], values: {} })).rejects.toThrow(
        'give the package folder (the one with datapackage.json)',
      );
    });
  },
);
