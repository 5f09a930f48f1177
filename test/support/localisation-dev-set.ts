import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { NormalisedBox } from '../../electron/core/images/crop';
import { sampleFrame } from '../../electron/core/localisation/frame-sample';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';
import { ATRW_DIR, SHARED_DATA } from './shared-data';

export const NEGATIVES_DIR = join(SHARED_DATA, 'camera-trap-negatives');
export const SNOW_LEOPARD_DIR = join(SHARED_DATA, 'camera-trap-snowleopard-bursts');

export interface DevFrame {
  /** Folder name = station the frames are imported as. */
  station: string;
  /** The copy under root. */
  path: string;
  kind: 'tiger' | 'blank' | 'other';
  /** EXIF DateTimeOriginal written into the copy ("YYYY:MM:DD HH:MM:SS"). */
  takenAt: string;
  /** The real frame it was made from (the blank, for a tiger frame). */
  source: string;
  /** Where the tiger was pasted (tiger frames only). */
  truth?: NormalisedBox;
}

/** "YYYY:MM:DD HH:MM:SS", as EXIF writes it. */
export function exifTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
}

/** Writes a frame as a camera would: a JPEG with its capture time in EXIF. */
export async function writeFrame(image: Sharp, dir: string, name: string, time: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await image
    .withExif({ IFD2: { DateTimeOriginal: time } })
    .jpeg({ quality: 92 })
    .toFile(path);
  return path;
}

/**
 * The localisation dev set, written under `root/<station>/`: the 137 real negatives (40 blanks, 97 other animals)
 * plus `tigers` frames made by pasting a real ATRW tiger crop, a fifth of the frame wide, at a random place on a
 * real blank frame (so the same background appears behind different tigers), in grey on an infrared blank. The negatives carry no camera
 * metadata and come from several cameras; they are imported as two stations, one per resolution (each tiger frame
 * at its blank's station), so within a station only visual similarity tells the cameras apart. Their capture
 * times are lost; each copy gets an EXIF time of its own, an hour apart in a shuffled order, so no two frames
 * form a burst.
 */
export async function buildDevSet(root: string, tigers = 60, seed = 7): Promise<DevFrame[]> {
  const manifest = readFileSync(join(NEGATIVES_DIR, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
  const crops = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  // Deterministic, so the dev set and its figures are the same on every run.
  const next = mulberry32(seed);
  const slots = Array.from({ length: manifest.length + tigers }, (_, i) => i).sort(() => next() - 0.5);
  const takenAt = (i: number) => exifTime(Date.UTC(2024, 0, 1) + slots[i]! * 3_600_000);
  const write = (image: Sharp, station: string, name: string, time: string) =>
    writeFrame(image, join(root, station), name, time);
  const frames: DevFrame[] = [];
  for (const [i, line] of manifest.entries()) {
    const [file = '', , category = ''] = line.split(',');
    const source = join(NEGATIVES_DIR, file);
    const { height = 0 } = await sharp(source).metadata();
    const station = `cam-${height}`;
    const time = takenAt(i);
    const path = await write(sharp(source), station, file.split('/').at(-1)!, time);
    frames.push({ station, path, kind: category === 'blank' ? 'blank' : 'other', takenAt: time, source });
  }
  const blanks = frames.filter((f) => f.kind === 'blank');
  for (let t = 0; t < tigers; t += 1) {
    const blank = blanks[Math.floor(next() * blanks.length)]!;
    const crop = join(ATRW_DIR, crops[Math.floor(next() * crops.length)]!.split(',')[1]!);
    const { width = 0, height = 0 } = await sharp(blank.source).metadata();
    const tigerWidth = Math.round(width / 5);
    const tiger = await sharp(crop).resize({ width: tigerWidth }).toBuffer({ resolveWithObject: true });
    const tigerHeight = Math.min(tiger.info.height, Math.round(height * 0.6));
    const left = Math.floor(next() * (width - tigerWidth));
    // Below the top 4 % and above the bottom 4 %: on the scene, not on the info strip.
    const top = Math.floor(height * 0.04 + next() * (height * 0.92 - tigerHeight));
    const pasted = await sharp(tiger.data)
      .extract({ left: 0, top: 0, width: tigerWidth, height: tigerHeight })
      .toBuffer();
    const time = takenAt(manifest.length + t);
    const name = `tiger-${String(t).padStart(3, '0')}.jpg`;
    let frame = sharp(blank.source).composite([{ input: pasted, left, top }]);
    // A tiger at night is recorded in grey like the rest of the infrared frame, not as an orange patch on it.
    if ((await sampleFrame(blank.source)).infrared)
      frame = sharp(await frame.toBuffer())
        .greyscale()
        .toColourspace('srgb');
    const path = await write(frame, blank.station, name, time);
    frames.push({
      station: blank.station,
      path,
      kind: 'tiger',
      takenAt: time,
      source: blank.source,
      truth: { x: left / width, y: top / height, w: tigerWidth / width, h: tigerHeight / height },
    });
  }
  return frames;
}

export function boxIou(a: NormalisedBox, b: NormalisedBox): number {
  const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = iw * ih;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
