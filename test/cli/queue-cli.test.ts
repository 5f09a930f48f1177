import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/context';
import { memoryLogger } from '../../electron/core/log';
import { jobCounts } from '../../electron/core/queue/job-store';
import {
  importWithRemote,
  installEmbedder,
  MODAL_CLASS,
  MODEL_ID,
  modalEnv,
  remoteFor,
  remoteManifest,
  startModalFake,
  TOKEN,
  writePhotos,
  type RemoteFixture,
} from '../queue/remote-gallery';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/**
 * `tigerid queue`, `tigerid modal token` and the remote part of `tigerid doctor`, run as a user would: the queue is
 * listed and synced against the fake Modal, the token goes in through standard input and never comes out.
 */
describe('the queue on the command line', () => {
  const dir = tempDir('tigerid-queue-cli-');
  const dataDir = join(dir.path, 'data');
  const manifestDir = join(dir.path, 'manifest');
  const manifestFile = join(manifestDir, 'models.json');
  let fixture: RemoteFixture;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fixture = await startModalFake(dir.path);
    env = modalEnv(fixture.fake);
    const manifest = remoteManifest(false);
    mkdirSync(manifestDir);
    writeFileSync(manifestFile, JSON.stringify({ version: 1, models: [manifest.models[0]] }, null, 2));
    writeFileSync(join(manifestDir, 'modal-classes.json'), JSON.stringify({ [MODEL_ID]: MODAL_CLASS }));
    const core = openCore({ dataDir });
    await installEmbedder(core, fixture.modelFile, manifest);
    const remote = remoteFor(core, fixture.fake, memoryLogger());
    await fixture.fake.stop();
    await remote.connectivity.probe(true);
    await importWithRemote(core, remote, manifest, await writePhotos(join(dir.path, 'card'), 3));
    remote.close();
    core.close();
  });
  afterAll(async () => {
    await fixture.fake.close();
    dir.cleanup();
  });

  it('lists the waiting jobs', async () => {
    const list = await runCli(['queue', '--data', dataDir], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^3 pending, 0 running, 0 failed, 0 done, 0 cancelled\n/);
    expect(list.stdout.match(/pending/g)).toHaveLength(4);
    expect(list.stdout).toContain(`${MODEL_ID}`);
  });

  it('shows the policy, the token source and the queue in doctor, never the token', async () => {
    const doctor = await runCli(['doctor', '--data', dataDir, '--manifest', manifestFile], env);
    expect(doctor.stdout).toMatch(
      /Remote {7}policy modal; Modal on, token from the secret store \(plain-text\), app tiger-id-models/,
    );
    expect(doctor.stdout).toMatch(/Queue {8}3 pending, 0 running, 0 failed, 0 done \(max 10000\)/);
    expect(doctor.stdout).toMatch(
      /Route {8}test-embedder: queue — policy "modal"; Modal unreachable, queued until it is/,
    );
    expect(`${doctor.stdout}${doctor.stderr}`).not.toContain(TOKEN.secret);
  });

  it('refuses an invalid MODAL_* value at start, naming it and the expected form', async () => {
    const result = await runCli(['queue', 'sync', '--data', dataDir], { ...env, MODAL_MAX_RETRIES: 'three' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'environment variable MODAL_MAX_RETRIES="three" is not valid: expected a whole number from 0 to 10',
    );
  });

  it('sends the queue when asked and says what finished', async () => {
    await fixture.fake.start();
    const sync = await runCli(['queue', 'sync', '--data', dataDir, '--manifest', manifestFile], env);
    expect(sync.stderr).not.toContain('Error');
    expect(sync.stdout).toBe('3 queued identifications finished, 3 need review.\n');
    expect(sync.code).toBe(0);
    const core = openCore({ dataDir });
    try {
      expect(jobCounts(core)).toMatchObject({ pending: 0, done: 3 });
    } finally {
      core.close();
    }
  });

  it('takes the token from standard input and never prints it', async () => {
    const other = join(dir.path, 'other');
    const set = await runCli(
      ['modal', 'token', 'set', '--data', other],
      {},
      `${TOKEN.id}\n${TOKEN.secret}\n`,
    );
    expect(set.code).toBe(0);
    expect(`${set.stdout}${set.stderr}`).not.toContain(TOKEN.secret);
    expect(JSON.parse(readFileSync(join(other, 'secrets.json'), 'utf8'))).toEqual({
      'modal.tokenId': TOKEN.id,
      'modal.tokenSecret': TOKEN.secret,
    });
    const bad = await runCli(['modal', 'token', 'set', '--data', other], {}, 'not-a-token\nx\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('a Modal token id starts with "ak-"');
    const cleared = await runCli(['modal', 'token', 'clear', '--data', other]);
    expect(cleared.stdout).toBe('Modal token removed.\n');
    expect(JSON.parse(readFileSync(join(other, 'secrets.json'), 'utf8'))).toEqual({});
  });
});
