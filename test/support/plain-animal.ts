import sharp from 'sharp';

/** A brown animal with no stripes (a deer, a dog) on grass: an animal whose coat looks nothing like a tiger's. */
export function plainAnimal(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
    <defs><radialGradient id="g"><stop offset="0" stop-color="#a0704a"/><stop offset="1" stop-color="#6b4a30"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="#7d8a5a"/>
    <ellipse cx="320" cy="200" rx="250" ry="130" fill="url(#g)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}
