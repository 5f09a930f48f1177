import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SecretStore } from '../core/secrets';

/** The part of Electron's safeStorage (synchronous in Electron 41) this store uses; a fake in tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring was found and the "encryption" uses a fixed key. */
  getSelectedStorageBackend(): string;
}

// Each value says how it was stored, so a secret saved while no keyring was available is still readable (and gets
// encrypted on the next write) once one is.
const fileSchema = z.record(
  z.string(),
  z.strictObject({ encoding: z.enum(['safeStorage', 'plain']), data: z.string() }),
);
type SecretFile = z.infer<typeof fileSchema>;

/**
 * Secrets of the desktop app (the Modal token) in `<userData>/secrets.json`, each value encrypted with the OS
 * keychain through safeStorage. Where safeStorage cannot protect them (no encryption, or Linux's basic_text
 * backend) the store says 'plain-text' so the UI warns; the file is owner-only (0600) either way.
 *
 * Construct it after Electron's `ready` event: safeStorage answers only then.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly backend: 'os-keychain' | 'plain-text';
  private readonly encrypt: boolean;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly file: string,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.encrypt = safeStorage.isEncryptionAvailable();
    const basicText = platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
    this.backend = this.encrypt && !basicText ? 'os-keychain' : 'plain-text';
  }

  get(name: string): string | null {
    const entry = this.read()[name];
    if (!entry) return null;
    const bytes = Buffer.from(entry.data, 'base64');
    if (entry.encoding === 'plain') return bytes.toString('utf8');
    if (!this.encrypt) {
      throw new Error(
        `The secret ${name} was encrypted with the system keychain, which is not available now; unlock it or set the secret again.`,
      );
    }
    return this.safeStorage.decryptString(bytes);
  }

  set(name: string, value: string): void {
    const data = this.encrypt
      ? { encoding: 'safeStorage' as const, data: this.safeStorage.encryptString(value).toString('base64') }
      : { encoding: 'plain' as const, data: Buffer.from(value, 'utf8').toString('base64') };
    this.write({ ...this.read(), [name]: data });
  }

  delete(name: string): void {
    const values = this.read();
    if (!(name in values)) return;
    this.write(Object.fromEntries(Object.entries(values).filter(([key]) => key !== name)));
  }

  private read(): SecretFile {
    if (!existsSync(this.file)) return {};
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      raw = undefined;
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(`The secrets file ${this.file} is damaged; delete it and set the token again.`);
    return parsed.data;
  }

  private write(values: SecretFile): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(values), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
