import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ProgressListener } from './progress';

/** Streams a file through SHA-256 (models are hundreds of MB: never read them whole for hashing). */
export async function sha256File(
  file: string,
  onProgress?: ProgressListener,
  total?: number,
): Promise<string> {
  return (await digestFile(file, ['sha256'], onProgress, total)).sha256;
}

export type DigestAlgorithm = 'sha256' | 'md5';

/**
 * Several digests of a file in one read: a download checked against a published md5 still gets the sha256 that
 * identifies the model version, without reading hundreds of MB twice.
 */
export async function digestFile<A extends DigestAlgorithm>(
  file: string,
  algorithms: readonly A[],
  onProgress?: ProgressListener,
  total?: number,
): Promise<Record<A, string>> {
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (const [, hash] of hashes) hash.update(bytes);
    done += bytes.length;
    onProgress?.({ phase: 'verify', done, total, unit: 'bytes' });
  }
  return Object.fromEntries(hashes.map(([algorithm, hash]) => [algorithm, hash.digest('hex')])) as Record<
    A,
    string
  >;
}

/** SHA-256 of bytes or text, as lowercase hex: media identity, model versions, report seals. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
