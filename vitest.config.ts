import { defineConfig } from 'vitest/config';

// Own config with root '.', so Vitest finds tests under test/ and colocated *.test.ts (see PLATFORM-NOTES).
export default defineConfig({
  // Outside node_modules: a cache written there makes npm distrust its own install record, and electron-builder's
  // dependency listing (the packaging layout check) then sees every package as extraneous.
  cacheDir: '.cache/vite',
  test: {
    root: '.',
    include: ['test/**/*.test.ts', 'electron/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds the renderer once before the browser tests (skipped when dist/renderer is current).
    globalSetup: ['test/e2e/global-setup.ts'],
    reporters: ['default'],
  },
});
