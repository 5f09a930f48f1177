import type { RawImage } from '../images/raw-image';

/**
 * The band a camera trap imprints on every frame (Reconyx, Bushnell, Browning: a bar of one colour with the time,
 * temperature, moon phase and brand in text) at the top and/or bottom, as fractions of the frame height. Boxes and
 * whole-frame detections stop at it: it is no animal, and its changing digits would otherwise look like motion.
 */
export interface InfoStrip {
  top: number;
  bottom: number;
}

export const NO_STRIP: InfoStrip = { top: 0, bottom: 0 };

/** A strip is a thin bar: a uniform run from the edge taller than this is sky, snow or night, not a strip. */
const MAX_STRIP_FRACTION = 0.12;
/** Shorter runs are JPEG ringing at the edge, not a bar that can hold text. */
const MIN_STRIP_FRACTION = 0.008;
/** Share of a row's pixels within NEAR_LEVELS of the row's dominant grey for the row to be part of a bar. */
const UNIFORM_SHARE = 0.6;
const NEAR_LEVELS = 14;
/** Pixels this far from the bar's grey are text; a bar with no text row is a plain edge of the scene. */
const TEXT_LEVELS = 64;
const MIN_TEXT_SHARE = 0.01;
/** Rows of bar at least kept beyond its last text row: Reconyx leaves about one. */
const TEXT_MARGIN_ROWS = 2;
/** Rows are read at about this many columns: plenty to see text, cheap on a 2560-pixel frame. */
const ROW_SAMPLES = 512;

interface RowStats {
  dominant: number;
  uniform: number;
  text: number;
}

function rowStats(image: RawImage, y: number): RowStats {
  const { data, width, channels } = image;
  const step = Math.max(1, Math.floor(width / ROW_SAMPLES));
  const hist = new Uint32Array(64);
  const values: number[] = [];
  const base = y * width * channels;
  for (let x = 0; x < width; x += step) {
    const i = base + x * channels;
    // Rec. 601 luma; for a grey image (1 channel) the value itself.
    const v =
      channels >= 3
        ? ((data[i] ?? 0) * 299 + (data[i + 1] ?? 0) * 587 + (data[i + 2] ?? 0) * 114) / 1000
        : (data[i] ?? 0);
    values.push(v);
    const slot = Math.min(63, Math.floor(v / 4));
    hist[slot] = (hist[slot] ?? 0) + 1;
  }
  let bin = 0;
  for (let b = 1; b < 64; b += 1) if ((hist[b] ?? 0) > (hist[bin] ?? 0)) bin = b;
  const dominant = bin * 4 + 2;
  let near = 0;
  let text = 0;
  for (const v of values) {
    const d = Math.abs(v - dominant);
    if (d <= NEAR_LEVELS) near += 1;
    else if (d > TEXT_LEVELS) text += 1;
  }
  return { dominant, uniform: near / values.length, text: text / values.length };
}

/** Height in rows of the bar that starts at `from` and runs in `direction` (+1 down, -1 up); 0 when there is none. */
function barRows(image: RawImage, from: number, direction: 1 | -1): number {
  const limit = Math.floor(image.height * MAX_STRIP_FRACTION);
  let rows = 0;
  let barGrey: number | null = null;
  let firstTextRow = -1;
  let lastTextRow = -1;
  for (; rows <= limit; rows += 1) {
    const s = rowStats(image, from + direction * rows);
    if (s.uniform < UNIFORM_SHARE) break;
    if (barGrey === null) barGrey = s.dominant;
    else if (Math.abs(s.dominant - barGrey) > NEAR_LEVELS) break;
    if (s.text >= MIN_TEXT_SHARE) {
      if (firstTextRow < 0) firstTextRow = rows;
      lastTextRow = rows;
    }
  }
  if (rows > limit || rows < Math.max(2, image.height * MIN_STRIP_FRACTION) || lastTextRow < 0) return 0;
  // The bar ends a little after its last line of text, with the margin it has before the text (bars centre
  // their text): a dark night scene next to a black bar is as uniform as the bar itself, and must not be cut
  // away with it. One more row because JPEG blurs the edge into the scene.
  return Math.min(rows, lastTextRow + Math.max(TEXT_MARGIN_ROWS, firstTextRow + 1)) + 1;
}

/** The info strip of one frame, from its own pixels. */
export function detectInfoStrip(image: RawImage): InfoStrip {
  if (image.height < 16) return NO_STRIP;
  return {
    top: barRows(image, 0, 1) / image.height,
    bottom: barRows(image, image.height - 1, -1) / image.height,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * One strip for all frames of a camera: the strip is the same on each, while a single frame can miss it (a bright
 * animal across the bar) or invent one (a dark night sky with a star). Each edge is the median over the frames, so
 * it counts only where most frames show it.
 */
export function cameraStrip(strips: readonly InfoStrip[]): InfoStrip {
  if (strips.length === 0) return NO_STRIP;
  return { top: median(strips.map((s) => s.top)), bottom: median(strips.map((s) => s.bottom)) };
}

/** The part of the frame below the top strip and above the bottom one, as a normalised box. */
export function sceneBox(strip: InfoStrip): { x: number; y: number; w: number; h: number } {
  return { x: 0, y: strip.top, w: 1, h: Math.max(0, 1 - strip.top - strip.bottom) };
}
