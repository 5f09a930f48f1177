/**
 * Synthetic tiger-like flanks for the matcher's tests (no real photos needed): an orange body with seeded
 * random black stripes on a green background, rendered from SVG by sharp, and geometric variants of it.
 */
import sharp, { type Sharp } from 'sharp';
import type { RawImage } from '../images/raw-image';
import { mulberry32 } from './stripe-hamming';

export function stripeSvg(seed: number, width = 640, height = 400): string {
  const random = mulberry32(seed);
  const stripes: string[] = [];
  for (let i = 0; i < 26; i++) {
    const x = 60 + random() * (width - 120);
    const top = 70 + random() * 40;
    const bottom = height - 70 - random() * 40;
    const bend = (random() - 0.5) * 90;
    const w = 4 + random() * 12;
    const fork =
      random() < 0.5
        ? ` M ${x + bend / 2} ${(top + bottom) / 2} l ${20 + random() * 30} ${25 + random() * 40}`
        : '';
    stripes.push(
      `<path d="M ${x} ${top} Q ${x + bend} ${(top + bottom) / 2} ${x + (random() - 0.5) * 40} ${bottom}${fork}" stroke="#111" stroke-width="${w.toFixed(1)}" fill="none" stroke-linecap="round"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#4f7a3a"/>
    <ellipse cx="${width / 2}" cy="${height / 2}" rx="${width * 0.46}" ry="${height * 0.4}" fill="#d9822b"/>
    ${stripes.join('\n')}
  </svg>`;
}

async function toRaw(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

export function renderStripes(seed: number): Promise<RawImage> {
  return toRaw(sharp(Buffer.from(stripeSvg(seed))));
}

/** The same flank seen again: rotated, cropped off-centre and at another resolution. */
export async function renderStripesWarped(seed: number): Promise<RawImage> {
  const rotated = await sharp(Buffer.from(stripeSvg(seed)))
    .rotate(7, { background: '#4f7a3a' })
    .png()
    .toBuffer();
  const meta = await sharp(rotated).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  return toRaw(
    sharp(rotated)
      .extract({
        left: Math.round(w * 0.08),
        top: Math.round(h * 0.05),
        width: Math.round(w * 0.85),
        height: Math.round(h * 0.88),
      })
      .resize({ width: 820 }),
  );
}

export function solidImage(width: number, height: number, rgb: [number, number, number]): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height, channels: 3 };
}
