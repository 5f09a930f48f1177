import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The checkout root. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Where `npm run build:renderer` puts the web UI, and what `tigerid serve` serves by default. */
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

/** What the renderer bundle is built from: its sources, the Vite config and the API contract it imports. */
const INPUTS = [
  join(ROOT, 'renderer'),
  join(ROOT, 'vite.config.ts'),
  join(ROOT, 'electron', 'core', 'api.ts'),
];
const LOCK = join(ROOT, 'dist', '.renderer-build.lock');
/** A lock older than this belongs to a build that died; it is taken over. */
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why dist/renderer must be rebuilt, or null when it is newer than every input. */
export function rendererStaleReason(): string | null {
  const index = join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = statSync(index).mtimeMs;
  for (const input of INPUTS) {
    if (newestMtime(input) > built) return `${input} changed after the last build`;
  }
  return null;
}

function tryLock(): boolean {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Released meanwhile: the next try takes it.
    }
    return false;
  }
}

/**
 * Builds dist/renderer with Vite when it is missing or older than its sources, once across parallel test files
 * (a lock folder), and returns its path. Another process holding the lock is waited for, then re-checked.
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<string> {
  const deadline = Date.now() + STALE_LOCK_MS + 60_000;
  while (rendererStaleReason() !== null) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for another renderer build');
    if (!tryLock()) {
      // Another test file builds it now: wait for its lock to go, then look again.
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const reason = rendererStaleReason();
      if (reason === null) break;
      log(`Building the renderer (${reason})`);
      const result = spawnSync(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--config',
          'vite.config.ts',
          // As `npm run build:renderer`: no temporary bundled config under node_modules.
          '--configLoader',
          'runner',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
      );
      if (result.status !== 0) {
        throw new Error(
          `vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
        );
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  return RENDERER_DIR;
}
