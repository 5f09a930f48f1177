import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError, messageOf } from '../errors';
import type { Logger } from '../log';
import type { ProgressListener } from '../progress';

/**
 * Downloads a URL into a `.part` file, resuming a partial file with an HTTP Range request. A server that ignores
 * Range (answers 200) gets a clean restart, never a file with the start duplicated. The caller checks the hash.
 */

export interface DownloadOptions {
  url: string;
  /** The partial file; appended to when the server honours Range. */
  dest: string;
  /** Bytes the manifest promises; null when unknown. */
  expectedSize: number | null;
  onProgress: ProgressListener;
  signal?: AbortSignal | undefined;
  log: Logger;
  /** Abort when no byte arrives for this long. */
  idleTimeoutMs?: number;
}

export interface DownloadResult {
  bytes: number;
  /** Bytes already in the .part file that the server let us keep (0 for a fresh download). */
  resumedFrom: number;
}

const MAX_REDIRECTS = 5;

function failed(url: string, message: string, cause?: unknown): EngineError {
  return new EngineError('MODEL_DOWNLOAD_FAILED', `Download of ${url} failed: ${message}`, {
    details: { url },
    ...(cause !== undefined && { cause }),
  });
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function request(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const get = parsed.protocol === 'https:' ? https.get : parsed.protocol === 'http:' ? http.get : undefined;
    if (get === undefined) {
      reject(failed(url, `unsupported protocol ${parsed.protocol} (only http and https)`));
      return;
    }
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // The signal guards only the wait for headers; the body's pipeline takes it over. (Passing it to http.get
    // would destroy the response again after the pipeline settled, an unhandled 'error'.)
    const onAbort = () => req.destroy(signal?.reason);
    const req = get(parsed, { headers }, (res) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(res);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.setTimeout(idleTimeoutMs, () => req.destroy(failed(url, `no data for ${idleTimeoutMs / 1000} s`)));
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : error);
    });
  });
}

/** Parses "bytes START-END/TOTAL" (TOTAL may be "*"). */
function contentRange(value: string | undefined): { start: number; total: number | null } | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[2] === '*' ? null : Number(match[2]) };
}

export async function downloadWithResume(options: DownloadOptions): Promise<DownloadResult> {
  const { dest, expectedSize, onProgress, signal, log } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  let existing = await sizeOf(dest);
  if (expectedSize !== null && existing > expectedSize) {
    log.warn(`Partial download ${dest} is larger than the expected ${expectedSize} bytes; starting over`);
    await unlink(dest);
    existing = 0;
  }
  if (expectedSize !== null && existing === expectedSize) {
    // A previous run finished the transfer but stopped before checking it; the hash check decides.
    return { bytes: existing, resumedFrom: existing };
  }

  let url = options.url;
  let rangeAllowed = true;
  for (let hop = 0; hop <= MAX_REDIRECTS;) {
    const askRange = rangeAllowed && existing > 0;
    const headers: Record<string, string> = { 'user-agent': 'tigerid-model-installer' };
    if (askRange) headers.range = `bytes=${existing}-`;
    let res: http.IncomingMessage;
    try {
      res = await request(url, headers, signal, idleTimeoutMs);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw error instanceof EngineError ? error : failed(url, messageOf(error), error);
    }
    const status = res.statusCode ?? 0;

    if (status >= 300 && status < 400 && res.headers.location !== undefined) {
      res.resume();
      url = new URL(res.headers.location, url).toString();
      hop += 1;
      continue;
    }
    if (status === 416 && askRange) {
      // The server cannot serve the rest of what we hold: the partial file is stale. Start over, once.
      res.resume();
      log.warn(`Server refused to resume ${url} at byte ${existing} (HTTP 416); starting over`);
      await unlink(dest);
      existing = 0;
      rangeAllowed = false;
      continue;
    }

    let append = false;
    let total: number | null;
    if (status === 206 && askRange) {
      const range = contentRange(res.headers['content-range']);
      if (range === undefined || range.start !== existing) {
        res.resume();
        log.warn(`Server answered the resume of ${url} with an unusable range; starting over`);
        await unlink(dest);
        existing = 0;
        rangeAllowed = false;
        continue;
      }
      append = true;
      total = range.total;
    } else if (status === 200) {
      if (askRange) log.info(`Server ignored the resume request for ${url}; downloading from the start`);
      const length = res.headers['content-length'];
      total = length === undefined ? null : Number(length);
    } else {
      res.resume();
      throw failed(url, `HTTP ${status} ${res.statusMessage ?? ''}`.trim());
    }
    if (expectedSize !== null && total !== null && total !== expectedSize) {
      res.resume();
      throw failed(url, `the server offers ${total} bytes but the manifest expects ${expectedSize}`);
    }
    const total_ = total ?? expectedSize ?? undefined;
    const start = append ? existing : 0;
    let done = start;
    onProgress({ phase: 'download', done, total: total_, unit: 'bytes' });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        done += chunk.length;
        if (total_ !== undefined && done > total_) {
          const promised = total === null ? 'the manifest expects' : 'it announced';
          callback(failed(url, `the server sent more than the ${total_} bytes ${promised}`));
          return;
        }
        onProgress({ phase: 'download', done, total: total_, unit: 'bytes' });
        callback(null, chunk);
      },
    });
    try {
      await pipeline(res, counter, createWriteStream(dest, { flags: append ? 'a' : 'w' }), {
        ...(signal && { signal }),
      });
    } catch (error) {
      // The .part file stays: the next install resumes from it.
      if (signal?.aborted) throw signal.reason;
      throw error instanceof EngineError
        ? error
        : failed(url, `${messageOf(error)} after ${done} bytes`, error);
    }
    if (total_ !== undefined && done !== total_) {
      throw failed(
        url,
        `the connection closed after ${done} of ${total_} bytes; run install again to resume`,
      );
    }
    return { bytes: done, resumedFrom: start };
  }
  throw failed(options.url, `more than ${MAX_REDIRECTS} redirects`);
}
