import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The renderer: root `renderer/`, built to `dist/renderer/`, served by the HTTP bridge (`tigerid serve`) and by
 * Electron's app:// protocol. Relative asset URLs, so either door can serve it.
 */
export default defineConfig({
  root: here('renderer'),
  base: './',
  plugins: [react(), noZodInBundle()],
  build: {
    outDir: here('dist/renderer'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: { port: 5173, strictPort: false },
});

/** Fails the build when zod (or any other Node-side validation code) reaches the renderer bundle. */
function noZodInBundle(): Plugin {
  return {
    name: 'tigerid-no-zod-in-renderer',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const marker = /\$ZodType|ZodError|_zod\.def/.exec(chunk.code);
        if (marker) {
          throw new Error(`zod reached the renderer bundle (${file} contains "${marker[0]}")`);
        }
      }
    },
  };
}
