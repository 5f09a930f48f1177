import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { NormalisedBox } from '../../electron/core/images/crop';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';

/**
 * Generated camera-trap frames for the localisation tests: a fixed textured scene (the same for every frame of a
 * camera), a little sensor noise and exposure change per frame, an optional striped "animal", an optional
 * Reconyx-like info strip (black bars with white blocks for text) and colour or infrared (grey) light.
 */
export interface FrameSpec {
  scene?: number;
  /** Where the animal stands, normalised; none for a blank frame. */
  animal?: NormalisedBox;
  /** Seeds the noise, the exposure and the strip's "digits": differs per frame. */
  shot: number;
  infrared?: boolean;
  /** Strip height in pixels at the top and bottom; 0 for none. */
  strip?: number;
  width?: number;
  height?: number;
  /** EXIF DateTimeOriginal, "YYYY:MM:DD HH:MM:SS". */
  takenAt?: string;
}

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export async function cameraFrame(spec: FrameSpec): Promise<Buffer> {
  const width = spec.width ?? FRAME_WIDTH;
  const height = spec.height ?? FRAME_HEIGHT;
  const scene = spec.scene ?? 1;
  const rand = mulberry32(spec.shot * 7919 + scene);
  const gain = 0.92 + rand() * 0.16;
  const data = Buffer.alloc(width * height * 3);
  const animal = spec.animal;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let r = 95 + 45 * Math.sin(x / 23 + scene) * Math.cos(y / 17) + 20 * Math.sin((x + y) / 9 + scene);
      let g = 115 + 40 * Math.cos(x / 19 - y / 29 + scene * 2);
      let b = 70 + 30 * Math.sin(y / 13 + x / 31 + scene);
      if (animal) {
        const ax = x / width - animal.x;
        const ay = y / height - animal.y;
        if (ax >= 0 && ay >= 0 && ax < animal.w && ay < animal.h) {
          const stripe = Math.floor((x + y / 3) / 10) % 3 === 0;
          [r, g, b] = stripe ? [25, 20, 15] : [225, 125, 45];
        }
      }
      const noise = () => (rand() - 0.5) * 8;
      const i = (y * width + x) * 3;
      if (spec.infrared) {
        const grey = (0.299 * r + 0.587 * g + 0.114 * b) * gain + noise();
        data[i] = data[i + 1] = data[i + 2] = Math.max(0, Math.min(255, grey));
      } else {
        data[i] = Math.max(0, Math.min(255, r * gain + noise()));
        data[i + 1] = Math.max(0, Math.min(255, g * gain + noise()));
        data[i + 2] = Math.max(0, Math.min(255, b * gain + noise()));
      }
    }
  }
  const strip = spec.strip ?? 0;
  if (strip > 0) {
    for (const top of [0, height - strip]) {
      data.fill(0, top * width * 3, (top + strip) * width * 3);
      // "Text": white blocks a few pixels wide, some of them (the clock's digits) different on every frame.
      for (let k = 0; k < 30; k += 1) {
        const x0 = 8 + k * 14 + (k > 20 ? 200 : 0);
        if (x0 + 8 >= width || (k % 4 === 3 && rand() < 0.5)) continue;
        for (let y = top + Math.floor(strip / 4); y < top + strip - Math.floor(strip / 4); y += 1)
          for (let x = x0; x < x0 + 8; x += 1) data.fill(235, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
  }
  let image = sharp(data, { raw: { width, height, channels: 3 } });
  if (spec.takenAt) image = image.withExif({ IFD2: { DateTimeOriginal: spec.takenAt } });
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** EXIF time `seconds` after 2024-05-01 20:00:00. */
export function exifTimeAfter(seconds: number): string {
  return new Date(Date.UTC(2024, 4, 1, 20, 0, 0) + seconds * 1000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')
    .replace(/-/g, ':');
}

/** Strip height of the frames writeCard writes. */
export const CARD_STRIP = 20;

/**
 * One SD card of one camera, written to `folder`: 6 blank triggers (blank-0..5.jpg) and 3 with an animal
 * (animal-0..2.jpg), an hour apart, all with an info strip.
 */
export async function writeCard(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (let k = 0; k < 6; k += 1) {
    const bytes = await cameraFrame({ shot: k, strip: CARD_STRIP, takenAt: exifTimeAfter(k * 3600) });
    writeFileSync(join(folder, `blank-${k}.jpg`), bytes);
  }
  const animals = [
    { x: 0.1, y: 0.3, w: 0.2, h: 0.18 },
    { x: 0.6, y: 0.55, w: 0.22, h: 0.2 },
    { x: 0.4, y: 0.1, w: 0.18, h: 0.2 },
  ];
  for (const [k, animal] of animals.entries()) {
    const takenAt = exifTimeAfter((10 + k) * 3600);
    writeFileSync(
      join(folder, `animal-${k}.jpg`),
      await cameraFrame({ shot: 10 + k, animal, strip: CARD_STRIP, takenAt }),
    );
  }
}
