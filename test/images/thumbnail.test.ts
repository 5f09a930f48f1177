import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../electron/core/data-paths';
import { decodeImage } from '../../electron/core/images/decode';
import { THUMBNAIL_MAX_SIDE, thumbnailLocation, writeThumbnail } from '../../electron/core/images/thumbnail';
import * as fixtures from '../support/image-fixtures';
import { tempDir } from '../support/temp-dir';

describe('writeThumbnail', () => {
  let dir: ReturnType<typeof tempDir>;
  let paths: DataPaths;
  beforeEach(() => {
    dir = tempDir();
    paths = dataPaths(dir.path);
  });
  afterEach(() => dir.cleanup());

  it('writes an oriented JPEG of at most 320 px under thumbnails/<sha[0..2]>/<sha>.jpg', async () => {
    const bytes = await fixtures.orientedJpeg(6);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const { image } = await decodeImage(bytes);
    const big = await decodeImage(await fixtures.jpeg(1000, 600));

    const location = await writeThumbnail(paths, sha, image);
    expect(location.relative).toBe(`thumbnails/${sha.slice(0, 2)}/${sha}.jpg`);
    expect(location.absolute).toBe(join(dir.path, 'thumbnails', sha.slice(0, 2), `${sha}.jpg`));
    const small = await sharp(location.absolute).metadata();
    expect([small.format, small.width, small.height]).toEqual(['jpeg', 64, 40]);

    const bigSha = 'f'.repeat(64);
    const bigLocation = await writeThumbnail(paths, bigSha, big.image);
    const shrunk = await sharp(bigLocation.absolute).metadata();
    expect([shrunk.width, shrunk.height]).toEqual([THUMBNAIL_MAX_SIDE, 192]);
  });

  it('overwrites atomically and leaves no temporary files', async () => {
    const { image } = await decodeImage(await fixtures.jpeg(200, 100));
    const sha = 'a'.repeat(64);
    const first = await writeThumbnail(paths, sha, image);
    const before = readFileSync(first.absolute);
    await Promise.all([writeThumbnail(paths, sha, image), writeThumbnail(paths, sha, image)]);
    expect(readFileSync(first.absolute).equals(before)).toBe(true);
    expect(readdirSync(join(paths.thumbnails, 'aa'))).toEqual([`${sha}.jpg`]);
  });

  it('refuses a malformed hash', () => {
    expect(() => thumbnailLocation(paths, '../../etc/passwd')).toThrow(
      new TypeError('Expected 64 lowercase hex digits for sha256 but received "../../etc/passwd"'),
    );
  });
});
