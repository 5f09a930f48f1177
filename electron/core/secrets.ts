import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * Where secrets (the Modal token) live. Only the main process holds one: the renderer can set or clear a secret,
 * never read it. Electron implements it with safeStorage; the CLI and the HTTP bridge use the file store below.
 */
export interface SecretStore {
  readonly backend: 'os-keychain' | 'plain-text';
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

export const MODAL_TOKEN_ID = 'modal.tokenId';
export const MODAL_TOKEN_SECRET = 'modal.tokenSecret';

const fileSchema = z.record(z.string(), z.string());

/** Secrets in a JSON file readable by the owner only (mode 0600). Plain text on disk: the UI says so. */
export class FileSecretStore implements SecretStore {
  readonly backend = 'plain-text' as const;

  constructor(private readonly file: string) {}

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success)
      throw new Error(`The secrets file ${this.file} is damaged; delete it and set the token again.`);
    return parsed.data;
  }

  private write(values: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(values), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  get(name: string): string | null {
    return this.read()[name] ?? null;
  }

  set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: value });
  }

  delete(name: string): void {
    this.write(Object.fromEntries(Object.entries(this.read()).filter(([key]) => key !== name)));
  }
}
