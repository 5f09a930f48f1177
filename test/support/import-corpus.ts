import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fixtures from './image-fixtures';

/** What the importer must report for one bad file of the corpus. */
export interface ExpectedFailure {
  code: string;
  message: RegExp;
}

export interface Corpus {
  folder: string;
  /** Relative paths (display form) of files that must become media rows. */
  good: string[];
  /** Relative path -> relative path of the earlier file with the same bytes. */
  duplicates: Record<string, string>;
  /** Relative path -> expected error. */
  failures: Record<string, ExpectedFailure>;
  /** The non-UTF-8 file: its name's bytes and how it is displayed. */
  nonUtf8: { relativeBytes: Buffer; display: string };
  hidden: number;
  notImages: number;
}

/** The one name in the corpus that is not valid UTF-8: "tiger-<0xff>.jpg". */
export const NON_UTF8_NAME = Buffer.concat([Buffer.from('tiger-'), Buffer.from([0xff]), Buffer.from('.jpg')]);

/**
 * Writes a folder of good, bad and awkward files: every kind of broken input the importer must report, the
 * formats and orientations it must handle, a duplicate, a non-UTF-8 name, hidden and non-image files.
 * `extraJpegs` adds that many more ordinary photos (to make an import take a while).
 */
export async function writeCorpus(folder: string, extraJpegs = 0): Promise<Corpus> {
  const write = (relative: string | Buffer, bytes: Buffer | string) => {
    const path =
      typeof relative === 'string'
        ? join(folder, relative)
        : Buffer.concat([Buffer.from(`${folder}/`), relative]);
    mkdirSync(join(folder, typeof relative === 'string' ? join(relative, '..') : '.'), { recursive: true });
    writeFileSync(path, bytes);
  };

  const good: string[] = [];
  const add = async (relative: string, bytes: Promise<Buffer> | Buffer) => {
    write(relative, await bytes);
    good.push(relative);
  };
  const a = await fixtures.jpeg(640, 480, 1);
  await add('good/a.jpg', a);
  await add('good/b.png', fixtures.png(300, 200, 2));
  await add('good/c.tif', fixtures.tiff(200, 150, 3));
  await add(
    'good/exif.jpg',
    fixtures.jpegWithExif({
      make: 'RECONYX',
      model: 'HyperFire 2',
      serial: 'H2X-0042',
      dateTimeOriginal: '2023:11:02 05:41:09',
      gps: { latitude: 21.5, longitude: 79.25 },
    }),
  );
  await add('good/cmyk.jpg', fixtures.cmykJpeg(120, 90, [200, 120, 40]));
  await add('good/deep.png', fixtures.png16(128, 96));
  await add('good/grey.png', fixtures.greyPng(64, 64, 90));
  // Content decides the format: a PNG saved with a .JPG name is still a good PNG.
  await add('good/png-named.JPG', fixtures.png(100, 80, 4));
  for (let o = 1; o <= 8; o++) await add(`orient/o${o}.jpg`, fixtures.orientedJpeg(o));
  for (let i = 0; i < extraJpegs; i++) {
    await add(`more/extra-${String(i).padStart(3, '0')}.jpg`, fixtures.jpeg(800, 600, 100 + i));
  }

  write(NON_UTF8_NAME, await fixtures.jpeg(160, 120, 9));
  const nonUtf8Display = 'tiger-\\xFF.jpg';
  good.push(nonUtf8Display);

  // The copy sorts after good/a.jpg (byte order), so a.jpg is the original and this the duplicate.
  write('zz-copies/copy-of-a.jpg', a);

  const failures: Record<string, ExpectedFailure> = {
    'bad/empty.jpg': { code: 'IMAGE_DECODE_FAILED', message: /^The file is empty \(0 bytes\)\.$/ },
    'bad/truncated.jpg': { code: 'IMAGE_DECODE_FAILED', message: /^The JPEG file is truncated/ },
    'bad/notes.jpg': { code: 'IMAGE_DECODE_FAILED', message: /^The file is not an image/ },
    'bad/tiny.png': { code: 'IMAGE_TOO_SMALL', message: /^The image is only 1 × 1 px/ },
    'bad/huge.png': { code: 'IMAGE_TOO_LARGE', message: /^The image is 20000 × 20000 px \(400 megapixels\)/ },
    'bad/really-a-gif.jpg': { code: 'IMAGE_DECODE_FAILED', message: /^GIF images are not supported/ },
    'bad/phone.heic': { code: 'IMAGE_DECODE_FAILED', message: /HEIC|HEIF/ },
  };
  write('bad/empty.jpg', Buffer.alloc(0));
  write('bad/truncated.jpg', fixtures.truncate(await fixtures.jpeg(640, 480, 5), 0.55));
  write('bad/notes.jpg', 'Station 4 battery low; swap card next visit.\n');
  write('bad/tiny.png', await fixtures.png(1, 1));
  write('bad/huge.png', await fixtures.pngClaimingSize(20000, 20000));
  write('bad/really-a-gif.jpg', await fixtures.gif(64, 64));
  write('bad/phone.heic', fixtures.heicHeader());

  // Quietly skipped, but counted.
  write('README.txt', 'camera trap card dump\n');
  write('good/clip.mp4', Buffer.alloc(100));
  write('good/exif.xmp', '<x:xmpmeta/>');
  write('.DS_Store', Buffer.alloc(10));
  write('.thumbs/cached.jpg', a);

  return {
    folder,
    good,
    duplicates: { 'zz-copies/copy-of-a.jpg': 'good/a.jpg' },
    failures,
    nonUtf8: { relativeBytes: NON_UTF8_NAME, display: nonUtf8Display },
    hidden: 2,
    notImages: 3,
  };
}
