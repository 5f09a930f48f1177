import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tigerid-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('tigerid CLI', () => {
  it('suggests the command meant by a typo and exits 2', async () => {
    const result = await runCli(['individals']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "individals" \(did you mean "individuals"\?\)/);
  });

  it('rejects an unknown option with a suggestion and the usage', async () => {
    const result = await runCli(['individuals', 'list', '--jsn', '--data', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option "--jsn" \(did you mean "--json"\?\)/);
    expect(result.stderr).toMatch(/Usage:\n {2}tigerid individuals list/);
  });

  it('explains the next step on an empty gallery', async () => {
    const result = await runCli(['individuals', 'list', '--data', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/no individuals yet.*tigerid import/);
  });

  it('reports a user mistake as one line without a stack trace, from the real binary', async () => {
    const result = await spawnCli(['individuals', 'show', 'T-0099'], { TIGERID_DATA: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'tigerid individuals: No individual "T-0099" in the gallery (see "tigerid individuals list"). [NOT_FOUND]',
    );
  });

  it('lists every command in the general help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['individuals']) expect(result.stdout).toContain(name);
  });
});
