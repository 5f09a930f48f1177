import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticTigerPhoto } from './synthetic-tigers';

/** One photo of the demo card and the generated individual it shows (the demo knows the truth, so it can score). */
export interface DemoPhoto {
  file: string;
  /** 1-based number of the generated individual. */
  individual: number;
  /** 0 for each individual's first photo, the one a reviewer opens the individual with. */
  view: number;
}

export const DEMO_INDIVIDUALS = 3;
export const DEMO_VIEWS = 3;

/**
 * Writes a small SD card of generated striped animals (each individual's own stripe pattern, seen in several
 * frames with another pose and exposure) so a new user can run import, identify and review before having photos
 * of their own. The files are named as a camera names them; rewriting them gives the same bytes.
 */
export async function writeDemoCard(folder: string): Promise<DemoPhoto[]> {
  const dcim = join(folder, 'DCIM', '100DEMO');
  await mkdir(dcim, { recursive: true });
  const photos: DemoPhoto[] = [];
  let frame = 1;
  // Views first: a camera sees the animals interleaved, not one after another.
  for (let view = 0; view < DEMO_VIEWS; view++) {
    for (let individual = 1; individual <= DEMO_INDIVIDUALS; individual++) {
      const file = join(dcim, `IMG_${String(frame++).padStart(4, '0')}.JPG`);
      await writeFile(file, await syntheticTigerPhoto(individual, view));
      photos.push({ file, individual, view });
    }
  }
  return photos;
}
