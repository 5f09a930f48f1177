import sharp from 'sharp';
import { decodeImage } from '../images/decode';
import { detectInfoStrip, type InfoStrip } from './info-strip';

/**
 * A frame as localisation sees it: small enough to keep a whole camera's frames in memory (160 × 120 × 3 bytes),
 * large enough that an animal a tenth of the frame wide still covers a few hundred pixels.
 */
export interface FrameSample {
  width: number;
  height: number;
  /** Interleaved RGB, top-left origin, EXIF orientation applied. */
  rgb: Uint8Array;
  /** Night infrared: R ≈ G ≈ B everywhere. Compared only with other infrared frames of its camera. */
  infrared: boolean;
  /** This frame's own reading of the info strip; a camera's frames agree on one (cameraStrip). */
  strip: InfoStrip;
}

const SAMPLE_MAX_SIDE = 160;
/** Strip text is a few pixels tall at this size; shrink-on-load still decodes a 2048-pixel JPEG at 1/4. */
const STRIP_MAX_SIDE = 512;
/** Mean |R−G|, |G−B| below this is grey: JPEG chroma noise on an infrared frame stays under ~1.5 levels. */
const INFRARED_CHROMA = 3;

function isInfrared(rgb: Uint8Array): boolean {
  let chroma = 0;
  const pixels = rgb.length / 3;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i] ?? 0;
    const g = rgb[i + 1] ?? 0;
    const b = rgb[i + 2] ?? 0;
    chroma += (Math.abs(r - g) + Math.abs(g - b)) / 2;
  }
  return pixels > 0 && chroma / pixels < INFRARED_CHROMA;
}

/** Decodes a frame for localisation; decode errors are the same EngineErrors analysis reports. */
export async function sampleFrame(input: Buffer | string): Promise<FrameSample> {
  const { image } = await decodeImage(input, { maxSide: STRIP_MAX_SIDE });
  const strip = detectInfoStrip(image);
  const scale = SAMPLE_MAX_SIDE / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * Math.min(1, scale)));
  const height = Math.max(1, Math.round(image.height * Math.min(1, scale)));
  const rgb = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const data = new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return { width, height, rgb: data, infrared: isInfrared(data), strip };
}
