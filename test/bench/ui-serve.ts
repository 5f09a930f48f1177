import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../renderer/support/browser';
import { runCli } from '../support/run-cli';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { tempDir } from '../support/temp-dir';
import { ensureRendererBuilt, RENDERER_DIR } from '../e2e/support/renderer-build';
import { startServe } from '../e2e/support/serve';
import { allowEsbuildNames, stats } from './ui-support';

const RUNS = 5;

/** A plain Node static server for the same dist/renderer: the floor for "start a process, serve the page". */
const PLAIN_SERVER = `
const http = require('node:http'); const fs = require('node:fs'); const path = require('node:path');
const root = process.argv[1];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.join(root, p === '/' ? 'index.html' : path.normalize(p).replace(/^([.][.][\\\\/])+/, ''));
  fs.readFile(file, (err, body) => {
    if (err) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening http://127.0.0.1:' + server.address().port + '/'));
`;

/**
 * `tigerid serve` from spawn to first meaningful paint: the sidebar navigation AND the first screen's data (the
 * review screen with a detection and its candidates) visible in Chromium. Baseline in the same run: plain Node
 * spawning a static server for the same index.html, to the same app shell's navigation being visible.
 */
export async function benchUiServe(): Promise<Record<string, unknown>> {
  await ensureRendererBuilt();
  const dir = tempDir('tigerid-bench-uiserve-');
  try {
    // A small real gallery: 2 confirmed individuals and 4 detections waiting, so the first screen is Review.
    const photos = join(dir.path, 'photos');
    mkdirSync(photos);
    for (let i = 0; i < 6; i++)
      writeFileSync(join(photos, `p${i}.jpg`), await syntheticTigerPhoto((i % 2) + 1, i));
    const dataDir = join(dir.path, 'data');
    const imported = await runCli(['import', photos, '--data', dataDir]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    for (const id of [1, 2]) {
      const decided = await runCli(['decide', String(id), 'new-individual', '--data', dataDir]);
      if (decided.code !== 0) throw new Error(`decide failed: ${decided.stderr}`);
    }

    const serveListening: number[] = [];
    const servePaint: number[] = [];
    const plainListening: number[] = [];
    const plainPaint: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // tigerid serve
      {
        const browser = await launchBrowser();
        await allowEsbuildNames(browser.context);
        const serve = await startServe(dataDir);
        try {
          await browser.page.goto(serve.url);
          await browser.page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
          await browser.page.locator('ol.candidates').waitFor({ state: 'visible', timeout: 60_000 });
          await browser.page.locator('.facts dd.cell-file').waitFor({ state: 'visible' });
          servePaint.push(performance.now() - serve.spawnedAt);
          serveListening.push(serve.listeningAt - serve.spawnedAt);
        } finally {
          await serve.stop();
          await browser.close();
        }
      }
      // plain Node baseline
      {
        const browser = await launchBrowser();
        await allowEsbuildNames(browser.context);
        const started = performance.now();
        const child = spawn(process.execPath, ['-e', PLAIN_SERVER, RENDERER_DIR], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        try {
          const url = await new Promise<string>((resolve, reject) => {
            let out = '';
            child.stdout.on('data', (c: Buffer) => {
              out += c.toString();
              const m = /listening (\S+)/.exec(out);
              if (m?.[1]) resolve(m[1]);
            });
            child.once('exit', (code) => reject(new Error(`plain server exited ${code}`)));
          });
          plainListening.push(performance.now() - started);
          await browser.page.goto(url);
          await browser.page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
          plainPaint.push(performance.now() - started);
        } finally {
          child.kill();
          await browser.close();
        }
      }
    }
    const serve = stats(servePaint);
    const plain = stats(plainPaint);
    return {
      runs: RUNS,
      firstScreen: 'review (detection + candidates) on a gallery of 6 photos',
      tigeridServe: { spawnToListeningMs: stats(serveListening), spawnToFirstMeaningfulPaintMs: serve },
      plainNodeStaticServer: { spawnToListeningMs: stats(plainListening), spawnToAppShellPaintMs: plain },
      ratioMedianPaint: Math.round((serve.median / plain.median) * 100) / 100,
    };
  } finally {
    dir.cleanup();
  }
}
