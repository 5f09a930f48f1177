import sharp from 'sharp';
import { mulberry32 as prng } from '../matching/stripe-hamming';

/** The stripe pattern of one synthetic individual: wavy black bands of varying width on orange fur. */
function stripePaths(individual: number): string {
  const rand = prng(individual * 7919 + 13);
  const paths: string[] = [];
  for (let i = 0; i < 22; i++) {
    const x = 40 + i * 19 + rand() * 10;
    const tilt = (rand() - 0.5) * 40;
    const width = 3 + rand() * 7;
    const bend = (rand() - 0.5) * 30;
    const top = 60 + rand() * 30;
    const bottom = 240 - rand() * 30;
    paths.push(
      `<path d="M ${x} ${top} Q ${x + bend} ${(top + bottom) / 2} ${x + tilt} ${bottom}" stroke="#111" stroke-width="${width.toFixed(1)}" fill="none" stroke-linecap="round"/>`,
    );
    if (rand() < 0.5) {
      const fx = x + 6 + rand() * 6;
      paths.push(
        `<path d="M ${fx} ${top + 20} L ${fx + tilt / 3} ${top + 60 + rand() * 40}" stroke="#111" stroke-width="${(width / 2).toFixed(1)}" fill="none"/>`,
      );
    }
  }
  return paths.join('');
}

/**
 * A photo of a synthetic tiger: an orange striped body on a textured green background. The stripes belong to the
 * individual; the view changes position, scale, rotation, exposure and background, as another camera-trap frame
 * of the same animal would.
 */
export async function syntheticTigerPhoto(
  individual: number,
  view: number,
  width = 640,
  height = 420,
): Promise<Buffer> {
  const rand = prng(individual * 104729 + view * 31 + 7);
  const angle = (rand() - 0.5) * 14;
  const scale = 0.85 + rand() * 0.25;
  const dx = (rand() - 0.5) * 60;
  const dy = (rand() - 0.5) * 40;
  const grass: string[] = [];
  for (let i = 0; i < 160; i++) {
    const x = rand() * width;
    const y = rand() * height;
    grass.push(
      `<line x1="${x.toFixed(0)}" y1="${y.toFixed(0)}" x2="${(x + (rand() - 0.5) * 12).toFixed(0)}" y2="${(y - 10 - rand() * 25).toFixed(0)}" stroke="#2f5a1e" stroke-width="2"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#6b8f4e"/>${grass.join('')}
    <g transform="translate(${(width / 2 + dx).toFixed(1)} ${(height / 2 + dy).toFixed(1)}) rotate(${angle.toFixed(1)}) scale(${scale.toFixed(3)}) translate(-260 -150)">
      <clipPath id="body"><ellipse cx="260" cy="150" rx="230" ry="100"/></clipPath>
      <ellipse cx="260" cy="150" rx="230" ry="100" fill="#d9822b"/>
      <g clip-path="url(#body)">${stripePaths(individual)}</g>
    </g></svg>`;
  const gain = 0.85 + rand() * 0.3;
  return sharp(Buffer.from(svg)).linear(gain, 0).jpeg({ quality: 88 }).toBuffer();
}
