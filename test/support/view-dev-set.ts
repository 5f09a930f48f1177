import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropRaw, type NormalisedBox } from '../../electron/core/images/crop';
import { decodeImage } from '../../electron/core/images/decode';
import type { RawImage } from '../../electron/core/images/raw-image';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';
import { NEGATIVES_DIR } from './localisation-dev-set';
import { ATRW_DIR } from './shared-data';

/** How a view-judge sample was made from a real ATRW crop. */
export type ViewSampleKind = 'atrw' | 'pasted' | 'partial' | 'tiny' | 'blurred';

export interface ViewSample {
  kind: ViewSampleKind;
  /** The ATRW crop it was made from. */
  source: string;
  /** The crop the matchers describe: the box plus the analysis padding (the ATRW crop itself: whole frame). */
  crop: RawImage;
  box: NormalisedBox;
  wholeFrame: boolean;
}

/** The analysis padding (setting detection.cropPadding's default). */
const PADDING = 0.05;

/** Every ATRW crop file, in labels.csv order. */
export function atrwFiles(): string[] {
  return readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => join(ATRW_DIR, line.split(',')[1] ?? ''));
}

function blankFrames(): string[] {
  return readFileSync(join(NEGATIVES_DIR, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .filter((line) => line.split(',')[2] === 'blank')
    .map((line) => join(NEGATIVES_DIR, line.split(',')[0] ?? ''));
}

/** An ATRW crop as the app sees an imported crop: the whole photo is the detection. */
export async function atrwSample(file: string): Promise<ViewSample> {
  const { image } = await decodeImage(file);
  return { kind: 'atrw', source: file, crop: image, box: { x: 0, y: 0, w: 1, h: 1 }, wholeFrame: true };
}

/**
 * A real ATRW tiger pasted on a real blank camera-trap frame, as test/support/localisation-dev-set.ts pastes them,
 * and the crop analysis would cut for a box on it:
 * - pasted: a fifth of the frame wide, wholly inside the frame (the control: it must stay identifiable);
 * - partial: as wide, but 40–70 % of it beyond the frame's left or right edge (the box is the part inside);
 * - tiny: a fourteenth of the frame wide;
 * - blurred: a fifth of the frame wide, smeared along its length as an animal walking past in a long night
 *   exposure (a horizontal line kernel a twelfth to a sixth of its width), on the sharp still background.
 */
export async function pastedSample(
  kind: Exclude<ViewSampleKind, 'atrw'>,
  source: string,
  seed: number,
): Promise<ViewSample> {
  const next = mulberry32(seed);
  const blanks = blankFrames();
  const blank = blanks[Math.floor(next() * blanks.length)] as string;
  const { width = 0, height = 0 } = await sharp(blank).metadata();
  const tigerWidth = Math.round(width / (kind === 'tiny' ? 14 : 5));
  let tiger = sharp(source).resize({ width: tigerWidth });
  if (kind === 'blurred') {
    const length = 2 * Math.round((tigerWidth * (1 / 12 + next() / 12)) / 2) + 1;
    const kernel = new Array<number>(length * 3).fill(0);
    for (let i = 0; i < length; i++) kernel[length + i] = 1;
    tiger = sharp(await tiger.toBuffer()).convolve({ width: length, height: 3, kernel, scale: length });
  }
  const tigerImage = await tiger.toBuffer({ resolveWithObject: true });
  const tigerHeight = Math.min(tigerImage.info.height, Math.round(height * 0.6));
  const top = Math.floor(height * 0.04 + next() * (height * 0.92 - tigerHeight));
  let left = Math.floor(next() * (width - tigerWidth));
  let extract = { left: 0, width: tigerWidth };
  if (kind === 'partial') {
    const outside = Math.round(tigerWidth * (0.4 + 0.3 * next()));
    const atLeft = next() < 0.5;
    extract = { left: atLeft ? outside : 0, width: tigerWidth - outside };
    left = atLeft ? 0 : width - extract.width;
  }
  const pasted = await sharp(tigerImage.data)
    .extract({ ...extract, top: 0, height: tigerHeight })
    .toBuffer();
  const frame = await sharp(blank)
    .composite([{ input: pasted, left, top }])
    .jpeg({ quality: 92 })
    .toBuffer();
  const { image } = await decodeImage(frame);
  const box = { x: left / width, y: top / height, w: extract.width / width, h: tigerHeight / height };
  return { kind, source, crop: cropRaw(image, box, PADDING), box, wholeFrame: false };
}
