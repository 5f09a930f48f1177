import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/cli/command';
import { importCommand } from '../../electron/cli/commands/import';
import { EngineError } from '../../electron/core/errors';
import type { ImportSummary } from '../../electron/core/importing/import-folder';
import { cliContext } from '../support/cli-context';
import * as fixtures from '../support/image-fixtures';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

describe('tigerid import', () => {
  let core: ReturnType<typeof tempCore>;
  let photos: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    core = tempCore();
    photos = tempDir('tigerid-photos-');
    writeFileSync(join(photos.path, 'a.jpg'), await fixtures.jpeg(200, 150, 1));
    writeFileSync(join(photos.path, 'b.jpg'), await fixtures.jpeg(200, 150, 2));
    writeFileSync(join(photos.path, 'b-copy.jpg'), await fixtures.jpeg(200, 150, 2));
    writeFileSync(join(photos.path, 'broken.jpg'), 'not a photo');
    writeFileSync(join(photos.path, 'notes.txt'), 'hello');
  });
  afterEach(() => {
    core.cleanup();
    photos.cleanup();
  });

  it('prints a summary line and the analysis line, lists failures with reasons on stderr, and exits 0 when some files failed', async () => {
    const { ctx, io } = cliContext(core);
    const code = await importCommand.run(ctx, { positionals: [photos.path], values: { station: 'Ridge 2' } });
    expect(code).toBe(0);
    expect(io.stdout).toMatch(
      new RegExp(
        `^Imported 2 new images from ${photos.path} \\(station "Ridge 2"\\): 1 duplicate, 1 failed, 1 non-image or hidden file skipped; \\d+\\.\\d s\\.\\n` +
          `Analysed 2 image\\(s\\): 2 animal detection\\(s\\)\\. Next: "tigerid review"\\.\\n$`,
      ),
    );
    expect(io.stderr).toBe(
      `failed: ${join(photos.path, 'broken.jpg')}: The file is not an image: its content is not JPEG, PNG, TIFF, WebP or HEIF. [IMAGE_DECODE_FAILED]\n`,
    );
    expect(io.progress.filter((e) => e.phase === 'import').at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(io.progress.at(-1)).toMatchObject({ phase: 'analyse', done: 2, total: 2 });
    expect(io.progressDone).toBe(1);
  });

  it('prints the summary as JSON with --json', async () => {
    const { ctx, io } = cliContext(core, { json: true });
    await importCommand.run(ctx, { positionals: [photos.path], values: {} });
    const summary = JSON.parse(io.stdout) as ImportSummary;
    expect(summary).toMatchObject({ imported: 2, duplicates: 1, completed: true, station: null });
    expect(summary.failed).toEqual([
      {
        path: join(photos.path, 'broken.jpg'),
        code: 'IMAGE_DECODE_FAILED',
        message: 'The file is not an image: its content is not JPEG, PNG, TIFF, WebP or HEIF.',
      },
    ]);
  });

  it('says on a second run how much an earlier run already did', async () => {
    await importCommand.run(cliContext(core).ctx, { positionals: [photos.path], values: {} });
    const { ctx, io } = cliContext(core);
    expect(await importCommand.run(ctx, { positionals: [photos.path], values: {} })).toBe(0);
    expect(io.stdout).toMatch(
      /^Imported 0 new images .*: 0 duplicates, 1 failed, .*, 3 already done by an earlier run;/,
    );
  });

  it('fails with one EngineError for a missing folder (the CLI prints it on one line, exit 1)', async () => {
    const { ctx, io } = cliContext(core);
    const missing = join(photos.path, 'gone');
    const error = await importCommand
      .run(ctx, { positionals: [missing], values: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: `Folder not found: ${missing}` });
    expect(io.progressDone).toBe(1);
  });

  it('is a usage error without exactly one folder', async () => {
    const { ctx } = cliContext(core);
    await expect(importCommand.run(ctx, { positionals: [], values: {} })).rejects.toThrow(
      new UsageError('give the folder to import'),
    );
    await expect(importCommand.run(ctx, { positionals: ['a', 'b'], values: {} })).rejects.toThrow(UsageError);
  });
});
