import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { groupBy } from '../../electron/core/group-by';
import { mulberry32 } from '../../electron/core/matching/stripe-hamming';
import { NEGATIVES_DIR, exifTime, writeFrame } from './localisation-dev-set';
import { ATRW_DIR } from './shared-data';

/** What a frame shows of its tiger: only `flank` can identify; the others are what a real card is mostly made of. */
export type DevView = 'flank' | 'partial' | 'too-small' | 'blurred';

export interface FullFrameDevSet {
  /** individual_id,file,flank,encounter,station,view: every frame, for `tigerid eval --labels`. */
  labels: string;
  /** The same, side views only (the protocol of the first row of issue 10's table). */
  sideViewLabels: string;
  frames: number;
  encounters: number;
}

/**
 * The views of the frames of each burst, in order. Every burst has a side view somewhere, as real bursts mostly do
 * (the animal walks past the camera); 7 of 12 frames cannot identify, close to the 56 of 96 of the real frames.
 */
const BURSTS: DevView[][] = [
  ['flank', 'flank', 'partial', 'too-small'],
  ['partial', 'flank', 'blurred', 'too-small'],
  ['too-small', 'partial', 'flank', 'blurred'],
];

/**
 * A full-frame identification dev set (issue 10): `individuals` real ATRW tigers, each seen in 3 encounters (bursts
 * of 4 frames 2 s apart, hours apart), pasted on real blank camera-trap frames of `../shared/data/camera-trap-negatives`
 * that serve as 6 fixed stations — the same background behind different tigers. Half the encounters are at night:
 * the whole frame turned grey, as an infrared camera records it. Each frame of a burst shows another ATRW photo of
 * the individual (consecutive photos of it, so one encounter looks alike), the animal moving a little between
 * frames, and many frames show a view no matcher identifies from: cut by the frame edge, too far away, or blurred
 * by motion. Written under `root/<station>/` with EXIF capture times; deterministic for a seed.
 */
export async function buildFullFrameDevSet(
  root: string,
  { individuals = 12, seed = 11 }: { individuals?: number; seed?: number } = {},
): Promise<FullFrameDevSet> {
  const next = mulberry32(seed);
  const atrw = readFileSync(join(ATRW_DIR, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  const byIndividual = groupBy(
    atrw.map((line) => line.split(',')),
    ([id = '']) => id,
  );
  const perIndividual = BURSTS.length * BURSTS[0]!.length;
  const chosen = [...byIndividual.entries()]
    .map(([id, rows]): [string, string[]] => [id, rows.map(([, file = '']) => file)])
    .filter(([, files]) => files.length >= perIndividual)
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .slice(0, individuals);
  const blanks = readFileSync(join(NEGATIVES_DIR, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((fields) => fields[2] === 'blank')
    .map((fields) => join(NEGATIVES_DIR, fields[0]!));
  const stations = Array.from({ length: 6 }, (_, i) => blanks[(i * 7) % blanks.length]!);

  const rows: string[] = [];
  const sideViews: string[] = [];
  let encounter = 0;
  for (const [id, files] of chosen) {
    for (const [e, views] of BURSTS.entries()) {
      // Consecutive encounters at different stations; each station sees both day and night encounters.
      const stationIndex = (encounter * 5) % stations.length;
      const background = stations[stationIndex]!;
      const station = `station-${stationIndex + 1}`;
      const night = Math.floor(encounter / stations.length) % 2 === 1;
      const start = Date.UTC(2024, 2, 1) + encounter * 5 * 3_600_000 + Math.floor(next() * 3_000_000);
      const { width = 0, height = 0 } = await sharp(background).metadata();
      const light = 0.92 + next() * 0.16;
      const walk = (next() < 0.5 ? -1 : 1) * width * 0.035;
      let x = width * (0.15 + next() * 0.45);
      const y = height * (0.25 + next() * 0.35);
      for (const [f, view] of views.entries()) {
        const photo = join(ATRW_DIR, files[e * views.length + f]!);
        const tiger = await tigerAsSeen(photo, view, width, height, next);
        const left =
          view === 'partial'
            ? walk < 0
              ? 0
              : width - tiger.width
            : Math.round(Math.min(Math.max(x, 0), width - tiger.width));
        const top = Math.round(Math.min(y, height * 0.95 - tiger.height));
        let frame = sharp(background)
          .composite([{ input: tiger.data, left, top }])
          .linear(light, 0);
        if (night)
          frame = sharp(await frame.toBuffer())
            .greyscale()
            .toColourspace('srgb');
        const name = `${id}-e${e}-f${f}.jpg`;
        await writeFrame(frame, join(root, station), name, exifTime(start + f * 2000));
        const row = `${id},${station}/${name},unknown,${id}-e${e},${station},${view}`;
        rows.push(row);
        if (view === 'flank') sideViews.push(row);
        x += walk;
      }
      encounter += 1;
    }
  }
  const header = 'individual_id,file,flank,encounter,station,view';
  const labels = join(root, 'labels.csv');
  const sideViewLabels = join(root, 'labels-side-views.csv');
  writeFileSync(labels, `${[header, ...rows].join('\n')}\n`);
  writeFileSync(sideViewLabels, `${[header, ...sideViews].join('\n')}\n`);
  return { labels, sideViewLabels, frames: rows.length, encounters: encounter };
}

/** The tiger photo as the camera saw it in this view: its pixels, ready to paste. */
async function tigerAsSeen(
  photo: string,
  view: DevView,
  frameWidth: number,
  frameHeight: number,
  next: () => number,
): Promise<{ data: Buffer; width: number; height: number }> {
  const wanted = Math.round(frameWidth * (view === 'too-small' ? 0.06 : 0.2 + next() * 0.06));
  let tiger = sharp(photo).resize({ width: wanted, height: Math.round(frameHeight * 0.6), fit: 'inside' });
  if (view === 'blurred') {
    // A tiger running past at night exposure: a horizontal smear over ~6 % of its length.
    const length = Math.max(3, Math.round(wanted * 0.06) | 1);
    // sharp's kernels are at least 3 × 3: the smear is the middle row.
    tiger = sharp(await tiger.toBuffer()).convolve({
      width: length,
      height: 3,
      kernel: Array.from({ length: 3 * length }, (_, i) => (i >= length && i < 2 * length ? 1 : 0)),
    });
  }
  const { data, info } = await tiger.toBuffer({ resolveWithObject: true });
  if (view !== 'partial') return { data, width: info.width, height: info.height };
  // Cut by the frame edge: only 40 % of its length is in the picture.
  const kept = Math.max(1, Math.round(info.width * 0.4));
  const cut = await sharp(data)
    .extract({ left: 0, top: 0, width: kept, height: info.height })
    .toBuffer({ resolveWithObject: true });
  return { data: cut.data, width: cut.info.width, height: cut.info.height };
}
