import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '..', '..', 'electron', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name) ? [path] : [];
  });
}

/** Value imports of 'electron' (import type is erased and fine): static, re-export, require and dynamic import. */
const VALUE_IMPORT = [
  /^\s*import\s+(?!type\b)[^;]*?\bfrom\s*['"]electron(\/[^'"]*)?['"]/m,
  /^\s*import\s*['"]electron(\/[^'"]*)?['"]/m,
  /^\s*export\s+(?!type\b)[^;]*?\bfrom\s*['"]electron(\/[^'"]*)?['"]/m,
  /\brequire\s*\(\s*['"]electron(\/[^'"]*)?['"]\s*\)/,
  /\bimport\s*\(\s*['"]electron(\/[^'"]*)?['"]\s*\)/,
];

describe('electron/core never needs Electron', () => {
  const files = sources(CORE);

  it('has no value import of electron in any core source', () => {
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => VALUE_IMPORT.some((re) => re.test(readFileSync(f, 'utf8'))));
    expect(offenders.map((f) => relative(CORE, f))).toEqual([]);
  });

  it('catches the forms it looks for', () => {
    const hit = (src: string) => VALUE_IMPORT.some((re) => re.test(src));
    expect(hit("import { app } from 'electron';")).toBe(true);
    expect(hit('import electron from "electron";')).toBe(true);
    expect(hit("const { app } = require('electron');")).toBe(true);
    expect(hit("await import('electron')")).toBe(true);
    expect(hit("export { app } from 'electron';")).toBe(true);
    expect(hit("import type { IpcMain } from 'electron';")).toBe(false);
  });

  it('loads every core module in plain Node, where requiring electron throws', async () => {
    const failures: string[] = [];
    for (const file of files) {
      try {
        await import(file);
      } catch (error) {
        failures.push(`${relative(CORE, file)}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
