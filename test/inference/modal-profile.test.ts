import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemoteInference } from '../../electron/core/inference/remote-inference';
import { modalProfileToken } from '../../electron/core/inference/modal-profile';
import { memoryLogger } from '../../electron/core/log';
import { FileSecretStore, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET } from '../../electron/core/secrets';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';

/** The token `modal token new` saved in Modal's own config file, found the way the Modal SDK finds it. */
describe('the Modal profile file as a token source', () => {
  const dir = tempDir('tigerid-modal-profile-');
  const file = join(dir.path, 'modal.toml');
  writeFileSync(
    file,
    [
      '[field]',
      'token_id = "ak-field1"',
      'token_secret = "as-field1"',
      '',
      '[office]',
      'token_id = "ak-office2"',
      'token_secret = "as-office2"',
      'active = true',
      '',
      '[broken]',
      'token_id = "ak-only"',
    ].join('\n'),
  );
  afterAll(() => dir.cleanup());

  it('takes the active profile, or the one MODAL_PROFILE names', () => {
    expect(modalProfileToken({ MODAL_CONFIG_PATH: file })).toEqual({
      tokenId: 'ak-office2',
      tokenSecret: 'as-office2',
    });
    expect(modalProfileToken({ MODAL_CONFIG_PATH: file, MODAL_PROFILE: 'field' })).toEqual({
      tokenId: 'ak-field1',
      tokenSecret: 'as-field1',
    });
  });

  it('gives nothing for a profile without a secret, an unknown profile, or no file', () => {
    expect(modalProfileToken({ MODAL_CONFIG_PATH: file, MODAL_PROFILE: 'broken' })).toBeNull();
    expect(modalProfileToken({ MODAL_CONFIG_PATH: file, MODAL_PROFILE: 'nope' })).toBeNull();
    expect(modalProfileToken({ MODAL_CONFIG_PATH: join(dir.path, 'missing.toml') })).toBeNull();
  });

  it('comes after the app’s secret store and MODAL_TOKEN_*, and is reported as such (never the token)', () => {
    const core = tempCore();
    try {
      const secrets = new FileSecretStore(join(core.paths.root, 'secrets.json'));
      const remote = (env: NodeJS.ProcessEnv) =>
        new RemoteInference(core, {
          secrets,
          env: { MODAL_ENABLED: 'true', ...env },
          classes: {},
          log: memoryLogger(),
        });
      expect(remote({ MODAL_CONFIG_PATH: file }).status(core).token).toBe('modal-profile');
      expect(remote({ MODAL_CONFIG_PATH: file }).modal.configured).toBe(true);
      expect(
        remote({ MODAL_CONFIG_PATH: file, MODAL_TOKEN_ID: 'ak-env', MODAL_TOKEN_SECRET: 'as-env' }).status(
          core,
        ).token,
      ).toBe('environment');
      secrets.set(MODAL_TOKEN_ID, 'ak-app');
      secrets.set(MODAL_TOKEN_SECRET, 'as-app');
      const status = remote({ MODAL_CONFIG_PATH: file }).status(core);
      expect(status.token).toBe('secret-store');
      expect(JSON.stringify(status)).not.toContain('as-');
      expect(remote({ MODAL_CONFIG_PATH: join(dir.path, 'missing.toml') }).status(core).token).toBe(
        'secret-store',
      );
    } finally {
      core.cleanup();
    }
  });
});
