import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_METHOD_NAMES } from '../../electron/core/api-schema';
import { createAppApi } from '../../electron/core/api-handlers';
import { Engine } from '../../electron/core/engine';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../electron/shell/safe-storage-secrets';
import { tempDir } from '../support/temp-dir';

/** Electron's safeStorage cannot run here. This one "encrypts" by XOR so plaintext never appears in the file. */
function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (s) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s, 'utf8'))]),
    decryptString: (b) => xor(b.subarray(3)).toString('utf8'),
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
}

const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});
function file(): string {
  const t = tempDir('tigerid-secrets-');
  temps.push(t);
  return join(t.path, 'userData', 'secrets.json');
}

describe('SafeStorageSecretStore', () => {
  it('round-trips a secret, encrypted on disk in an owner-only file', () => {
    const path = file();
    const store = new SafeStorageSecretStore(fakeSafeStorage(), path, 'linux');
    expect(store.backend).toBe('os-keychain');
    expect(store.get('modal.tokenSecret')).toBeNull();
    store.set('modal.tokenSecret', 'as-very-secret');
    store.set('modal.tokenId', 'ak-id');
    expect(store.get('modal.tokenSecret')).toBe('as-very-secret');
    expect(readFileSync(path, 'utf8')).not.toContain('as-very-secret');
    expect(Buffer.from(readFileSync(path, 'utf8')).toString()).not.toContain(
      Buffer.from('as-very-secret').toString('base64'),
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // A second store over the same file (the next app start) reads it back.
    expect(new SafeStorageSecretStore(fakeSafeStorage(), path, 'linux').get('modal.tokenId')).toBe('ak-id');
    store.delete('modal.tokenSecret');
    expect(store.get('modal.tokenSecret')).toBeNull();
    expect(store.get('modal.tokenId')).toBe('ak-id');
  });

  it("reports plain-text on Linux's basic_text backend and when encryption is unavailable", () => {
    expect(
      new SafeStorageSecretStore(fakeSafeStorage({ backend: 'basic_text' }), file(), 'linux').backend,
    ).toBe('plain-text');
    // getSelectedStorageBackend is Linux-only; elsewhere availability alone decides.
    expect(
      new SafeStorageSecretStore(fakeSafeStorage({ backend: 'basic_text' }), file(), 'darwin').backend,
    ).toBe('os-keychain');
    const path = file();
    const plain = new SafeStorageSecretStore(fakeSafeStorage({ available: false }), path, 'linux');
    expect(plain.backend).toBe('plain-text');
    plain.set('modal.tokenSecret', 'as-plain');
    expect(plain.get('modal.tokenSecret')).toBe('as-plain');
    // Once a keychain is available the plain value is still readable.
    expect(new SafeStorageSecretStore(fakeSafeStorage(), path, 'linux').get('modal.tokenSecret')).toBe(
      'as-plain',
    );
  });

  it('says clearly when an encrypted secret cannot be decrypted now', () => {
    const path = file();
    new SafeStorageSecretStore(fakeSafeStorage(), path, 'linux').set('modal.tokenSecret', 'x');
    expect(() =>
      new SafeStorageSecretStore(fakeSafeStorage({ available: false }), path, 'linux').get(
        'modal.tokenSecret',
      ),
    ).toThrow(/encrypted with the system keychain, which is not available now/);
  });

  it('backs the engine without ever returning the token to the renderer', async () => {
    const path = file();
    const engine = new Engine({
      dataDir: join(path, '..', 'gallery'),
      secrets: new SafeStorageSecretStore(fakeSafeStorage(), path, 'linux'),
    });
    try {
      const api = createAppApi(engine, {});
      const set = await api['secrets.setModalToken']({ tokenId: 'ak-id', tokenSecret: 'as-very-secret' });
      expect(set).toEqual({ modalTokenSet: true, backend: 'os-keychain' });
      const status = await api['secrets.status']({});
      expect(Object.keys(status).sort()).toEqual(['backend', 'modalTokenSet']);
      expect(typeof status.modalTokenSet).toBe('boolean');
      expect(JSON.stringify(status)).not.toContain('as-very-secret');
      // The contract has no getter: the only secrets methods set, clear or report a boolean.
      expect(API_METHOD_NAMES.filter((m) => m.startsWith('secrets.')).sort()).toEqual([
        'secrets.clearModalToken',
        'secrets.setModalToken',
        'secrets.status',
      ]);
      expect(await api['secrets.clearModalToken']({})).toEqual({
        modalTokenSet: false,
        backend: 'os-keychain',
      });
    } finally {
      await engine.close();
    }
  });
});
