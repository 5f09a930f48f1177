import { ensureRendererBuilt } from './support/renderer-build';

/**
 * Optional Vitest globalSetup: builds dist/renderer once before any test file runs. The e2e files also call
 * ensureRendererBuilt() in beforeAll (with a lock), so they work without it.
 */
export default async function setup(): Promise<void> {
  await ensureRendererBuilt((line) => process.stderr.write(`${line}\n`));
}
