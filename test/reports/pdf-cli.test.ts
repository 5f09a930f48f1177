import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError, type CliContext, type ParsedArgs } from '../../electron/cli/command';
import { reportCommand } from '../../electron/cli/commands/report';
import { isEngineError } from '../../electron/core/errors';
import { silentLogger } from '../../electron/core/log';
import {
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
  camtrapExamplePhotos,
  confirm,
  importStations,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';

/** `tigerid report`: option combinations, output, and the report it writes (run on the command object itself). */

const HAS_POPPLER = spawnSync('pdfinfo', ['-v']).error === undefined;

interface Run {
  stdout: string;
  stderr: string;
}

function cliContext(core: (() => ReturnType<typeof tempCore>) | null, json = false): CliContext & Run {
  const ctx = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (ctx.stdout += text),
    err: (text: string) => void (ctx.stderr += text),
    log: silentLogger,
    progress: () => Object.assign(() => {}, { done: () => {} }),
    core: () => {
      if (!core) throw new Error('the gallery was opened, but this command line is a usage mistake');
      return core();
    },
    remote: () => {
      throw new Error('a report never runs remote inference');
    },
    dataDir: '/nonexistent',
    env: { TIGERID_REVIEWER: 'Dr. Meera Iyer' },
    json,
    stdin: Readable.from([]),
    signal: new AbortController().signal,
  };
  return ctx;
}

function args(values: ParsedArgs['values'], positionals: string[] = []): ParsedArgs {
  return { positionals, values };
}

describe('tigerid report: usage mistakes, caught before the gallery is opened', () => {
  const cases: [string, ParsedArgs, RegExp][] = [
    ['no --out', args({ decision: '1' }), /--out FILE\.pdf/],
    ['no scope', args({ out: 'r.pdf' }), /say what to report on/],
    [
      'a decision and an individual',
      args({ out: 'r.pdf', decision: '1', individual: 'T-0001' }),
      /choose one of --decision and --individual/,
    ],
    [
      'an individual and a range',
      args({ out: 'r.pdf', individual: 'T-0001', from: '2024-01-01', station: 'A' }),
      /--individual and --from\/--station/,
    ],
    [
      'a decision id that is not a number',
      args({ out: 'r.pdf', decision: 'abc' }),
      /--decision is a decision id, got "abc"/,
    ],
    [
      'a positional argument',
      args({ out: 'r.pdf', decision: '1' }, ['extra']),
      /unexpected argument "extra"/,
    ],
  ];
  for (const [name, parsed, message] of cases) {
    it(name, async () => {
      const error = await reportCommand.run(cliContext(null), parsed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe.skipIf(!HAS_CAMTRAP_EXAMPLE || !HAS_POPPLER)(
  `tigerid report on a real gallery (${!HAS_CAMTRAP_EXAMPLE ? CAMTRAP_EXAMPLE_SKIP_REASON : HAS_POPPLER ? 'real photos' : 'skipped: poppler-utils is not installed'})`,
  () => {
    let core: ReturnType<typeof tempCore>;
    let dirs: string[] = [];
    let out: string;

    beforeAll(async () => {
      core = tempCore();
      const root = mkdtempSync(join(tmpdir(), 'tigerid-cli-photos-'));
      out = mkdtempSync(join(tmpdir(), 'tigerid-cli-out-'));
      dirs = [root, out];
      const photos = camtrapExamplePhotos();
      const { detections } = await importStations(core, root, [
        { station: 'North ridge A1', files: photos.slice(0, 2) },
        { station: 'River crossing B2', files: photos.slice(5, 6) },
      ]);
      confirm(core, detections[0]!.detectionId, null);
      confirm(core, detections[1]!.detectionId, 'T-0001', { notes: 'same heron' });
      confirm(core, detections[2]!.detectionId, 'T-0001');
    });

    afterAll(() => {
      core?.cleanup();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    const pages = (file: string) =>
      Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);

    it('writes an individual report and prints where, how long and the seal', async () => {
      const file = join(out, 'T-0001.pdf');
      const ctx = cliContext(() => core);
      expect(await reportCommand.run(ctx, args({ individual: 'T-0001', out: file }))).toBeUndefined();
      expect(ctx.stdout).toMatch(
        new RegExp(
          `^Wrote ${file}: 4 pages, 3 sightings\\.\\nContent seal \\(SHA-256 of the attached report-content\\.json\\): [0-9a-f]{64}\\n$`,
        ),
      );
      expect(pages(file)).toBe(4);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      // The reviewer of record comes from $TIGERID_REVIEWER; the version from package.json.
      expect(info).toMatch(/^Author:\s+Dr\. Meera Iyer$/m);
      expect(info).toMatch(/^Creator:\s+Tiger ID \d+\.\d+\.\d+/m);
    });

    it('prints the summary as JSON, and refuses to replace the file without --force', async () => {
      const file = join(out, 'station.pdf');
      const scope = { station: 'North ridge A1', from: '2021-04-11', to: '2021-04-11', out: file };
      const ctx = cliContext(() => core, true);
      await reportCommand.run(ctx, args(scope));
      const summary = JSON.parse(ctx.stdout) as Record<string, unknown>;
      expect(summary).toEqual({
        file,
        pages: 3,
        sightings: 2,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const again = await reportCommand
        .run(
          cliContext(() => core),
          args(scope),
        )
        .catch((e: unknown) => e);
      expect(isEngineError(again, 'OUTPUT_EXISTS')).toBe(true);
      const forced = cliContext(() => core, true);
      await reportCommand.run(forced, args({ ...scope, force: true }));
      expect(JSON.parse(forced.stdout)).toMatchObject({ file, pages: 3 });
    });

    it('names the known stations when --station matches none, and writes nothing', async () => {
      const file = join(out, 'nowhere.pdf');
      const error = await reportCommand
        .run(
          cliContext(() => core),
          args({ station: 'South gate', out: file }),
        )
        .catch((e: unknown) => e);
      expect(isEngineError(error, 'NOT_FOUND')).toBe(true);
      expect((error as Error).message).toBe(
        'No station "South gate" in the gallery (stations: North ridge A1, River crossing B2).',
      );
      expect(existsSync(file)).toBe(false);
    });
  },
);
