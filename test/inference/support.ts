import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, type Manifest } from '../../electron/core/inference/manifest';
import { memoryLogger } from '../../electron/core/log';
import { ModelStore } from '../../electron/core/inference/model-store';
import type { DetectorRow } from '../support/onnx/test-models';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function tempDir(prefix = 'tigerid-inference-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const DETECTOR_SIZE = 64;

/**
 * Rows for the generated detector (input 64×64). Fed a 128×64 image, the letterbox scale is 0.5 and the image
 * sits 16 px down, so input (x,y) = original (x/2, y/2 + 16).
 */
export const DETECTOR_ROWS: DetectorRow[] = [
  // A: animal, conf 0.9×0.9 — kept.
  [16, 32, 16, 16, 0.9, 0.9, 0.05, 0.05],
  // B: overlaps A (IoU 224/288 = 0.78), lower conf 0.72 — suppressed by NMS.
  [18, 32, 16, 16, 0.8, 0.9, 0.05, 0.05],
  // C: a second animal elsewhere, conf 0.3 — kept.
  [48, 36, 8, 8, 0.5, 0.6, 0.2, 0.2],
  // P: a person exactly on A with higher conf — per-class NMS keeps A, the class filter drops P.
  [16, 32, 16, 16, 0.9, 0.1, 0.95, 0.0],
  // D: animal below the 0.2 threshold (0.3×0.5 = 0.15) — dropped.
  [40, 20, 8, 8, 0.3, 0.5, 0.1, 0.1],
  // E: animal reaching into the top padding and past the right edge — clipped.
  [60, 20, 10, 10, 0.9, 0.5, 0.1, 0.1],
];

/** A 3×4 matrix: embedding = [r, g, b, r+g+b] of the channel means of the normalised input. */
export const EMBED_MATRIX = [
  [1, 0, 0, 1],
  [0, 1, 0, 1],
  [0, 0, 1, 1],
];

export interface TestModelFiles {
  detector?: { sha256: string | null; url?: string | null; size?: number | null };
  embedder?: { sha256: string | null; url?: string | null; dim?: number };
}

/** A manifest with a 64-px letterbox detector and a 4×4 stretch embedder (mean 0.5, std 0.25/0.5/1). */
export function testManifest(files: TestModelFiles = {}): Manifest {
  return parseManifest(
    {
      version: 1,
      models: [
        {
          id: 'test-detector',
          task: 'detect',
          file: 'detector.onnx',
          url: files.detector?.url ?? null,
          sha256: files.detector?.sha256 ?? null,
          size: files.detector?.size ?? null,
          licence: 'test fixture',
          description: 'generated constant detector',
          cpuCapable: true,
          input: {
            width: DETECTOR_SIZE,
            height: DETECTOR_SIZE,
            resize: 'letterbox',
            mean: [0, 0, 0],
            std: [1, 1, 1],
            layout: 'NCHW',
            scale: 1 / 255,
          },
          output: {
            format: 'yolov5-md',
            classes: ['animal', 'person', 'vehicle'],
            confidenceThreshold: 0.2,
            iouThreshold: 0.45,
          },
          ensembleWeight: 1,
        },
        {
          id: 'test-embedder',
          task: 'embed',
          file: 'embedder.onnx',
          url: files.embedder?.url ?? null,
          sha256: files.embedder?.sha256 ?? null,
          size: null,
          licence: 'test fixture',
          description: 'generated linear embedder',
          cpuCapable: true,
          input: {
            width: 4,
            height: 4,
            resize: 'stretch',
            mean: [0.5, 0.5, 0.5],
            std: [0.25, 0.5, 1],
            layout: 'NCHW',
            scale: 1 / 255,
          },
          output: { dim: files.embedder?.dim ?? 4 },
          ensembleWeight: 0.5,
        },
      ],
    },
    'test manifest',
  );
}

export function testStore(modelsDir: string, manifest: Manifest) {
  const log = memoryLogger();
  return {
    store: new ModelStore({ modelsDir, manifest, log, now: () => new Date('2025-01-02T03:04:05Z') }),
    log,
  };
}

export function writeBytes(dir: string, name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

export interface ServedRequest {
  url: string;
  range: string | undefined;
}

export interface ModelServer {
  url(path: string): string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Answer Range requests with 206 (default true); false answers 200 with the whole file. */
  honourRange?: boolean;
  /** Cut the connection after this many body bytes on the first request only. */
  cutFirstAfter?: number;
  /** Paths answered with 302 to another path (as release hosts redirect to a CDN). */
  redirects?: Record<string, string>;
}

/** A real HTTP server on 127.0.0.1 serving `files` by path. */
export async function serveFiles(
  files: Record<string, Uint8Array>,
  options: ServeOptions = {},
): Promise<ModelServer> {
  const requests: ServedRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({ url, range: req.headers.range });
    const location = options.redirects?.[url];
    if (location !== undefined) {
      res.writeHead(302, { location }).end();
      return;
    }
    const body = files[url];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match !== null && options.honourRange !== false) {
      const start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
      res.end(Buffer.from(body.subarray(start)));
      return;
    }
    res.writeHead(200, {
      'content-length': body.length,
      'accept-ranges': options.honourRange === false ? 'none' : 'bytes',
    });
    if (options.cutFirstAfter !== undefined && requests.length === 1) {
      // Send part of the body, then drop the connection as a flaky network would.
      res.write(Buffer.from(body.subarray(0, options.cutFirstAfter)), () =>
        setTimeout(() => res.socket?.destroy(), 20),
      );
      return;
    }
    res.end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
