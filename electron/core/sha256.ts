import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ProgressListener } from './progress';

/** Streams a file through SHA-256 (models are hundreds of MB: never read them whole for hashing). */
export async function sha256File(
  file: string,
  onProgress?: ProgressListener,
  total?: number,
): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    done += bytes.length;
    onProgress?.({ phase: 'verify', done, total, unit: 'bytes' });
  }
  return hash.digest('hex');
}

/** SHA-256 of bytes or text, as lowercase hex: media identity, model versions, report seals. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
