import { z } from 'zod';
import type { CoreContext } from '../../context';
import type { Flank } from '../../gallery/individuals';
import { undatedSightingFrames, undatedWarning } from '../../gallery/capture-times';
import { calendarDateSchema, listStations } from '../../gallery/stations';
import { parseInput } from '../../validate';
import { prepareOutputFolder, writeFileAtomic } from '../output-path';
import { listSightings } from '../sightings';
import { captureDay, dateOfDay, dayNumber } from './calendar';
import { operatingStations, secrDetectors, withSecrIds } from './detectors';
import { flankHistory, type FlankHistory } from './flank-captures';
import { occasionWindows, type Occasion } from './occasions';
import { exclusionWarnings, placeSightings, type PlacedSighting, type SecrExclusions } from './placement';
import { secrReadme } from './readme';
import {
  capturesText,
  flankCapturesCsv,
  flankIndividualsCsv,
  trapsText,
  type CaptureLine,
} from './secr-files';
import type { UtmZone } from './utm';

/**
 * Capture histories for spatially explicit capture–recapture, as text files that secr's `read.capthist` reads
 * (the DENSITY formats, Efford 2012; see secr's "Data input" vignette): captures.txt ("Session ID Occasion
 * Detector", one line per individual, occasion and detector) and traps.txt ("Detector X Y" in UTM metres,
 * followed by a binary usage string, one code per occasion), with a README.txt saying how they were made.
 */

/** secr identifiers may not hold blanks, tabs, commas or underscores; '#' starts a comment, quotes quote. */
const SECR_ID = /^[A-Za-z0-9.-]+$/;

const secrOptionsSchema = z
  .object({
    occasionDays: z.number().int().min(1).max(366).default(1),
    start: calendarDateSchema.optional(),
    end: calendarDateSchema.optional(),
    session: z
      .string()
      .max(64)
      .regex(SECR_ID, 'may hold only letters, digits, "." and "-" (secr identifiers)')
      .optional(),
    flankAware: z.boolean().default(false),
    overwrite: z.boolean().default(false),
  })
  .strict();

export type SecrExportOptions = z.input<typeof secrOptionsSchema>;
export type { SecrExclusions } from './placement';
export type { SecrDetector } from './detectors';

export interface SecrExportSummary {
  folder: string;
  files: string[];
  session: string;
  start: string;
  end: string;
  occasionDays: number;
  occasions: number;
  detectors: number;
  individuals: number;
  /** Lines of captures.txt. */
  captures: number;
  /** Sightings that made those lines (several of one individual at one detector on one occasion make one). */
  sightingsUsed: number;
  excluded: SecrExclusions;
  utm: UtmZone & { epsg: number };
  /** For the flank-aware variant: SPIM input rows by type, and identities. */
  flank?: {
    captures: number;
    both: number;
    left: number;
    right: number;
    completeIdentities: number;
    partialIdentities: number;
    /** Sightings of an unknown flank, left out of flank-captures.csv (they are in captures.txt). */
    unknownFlank: number;
  };
  warnings: string[];
}

/**
 * Writes captures.txt, traps.txt and README.txt (plus flank-captures.csv and flank-individuals.csv when
 * flank-aware) into `folder`. Sightings that cannot be placed on an occasion at an operating station are left
 * out and counted, with a warning for each reason.
 */
export function exportSecr(
  ctx: CoreContext,
  folder: string,
  options: SecrExportOptions = {},
): SecrExportSummary {
  const opts = parseInput(secrOptionsSchema, options, 'secr export options');
  const warnings: string[] = [];

  const operating = operatingStations(listStations(ctx), warnings);
  const startDay = opts.start ? dayNumber(opts.start) : Math.min(...operating.map((o) => o.effort.firstDay));
  const endDay = opts.end ? dayNumber(opts.end) : Math.max(...operating.map((o) => o.effort.lastDay));
  if (startDay > endDay) {
    throw new RangeError(
      `Expected the start of the period on or before its end, but received start ${dateOfDay(startDay)} and end ${dateOfDay(endDay)}`,
    );
  }
  const occasions = occasionWindows(startDay, endDay, opts.occasionDays);
  const session = opts.session ?? dateOfDay(startDay);
  const { zone, detectors } = secrDetectors(operating, occasions, warnings);
  warnings.push(...shortOccasionWarning(occasions, opts.occasionDays));

  const sightings = listSightings(ctx);
  const { placed, excluded } = placeSightings(sightings, occasions, detectors);
  const undated = undatedSightingFrames(sightings.filter((s) => captureDay(s.capturedAt) === null));
  warnings.push(
    ...exclusionWarnings(
      excluded,
      undated.map((u) => undatedWarning(u, 'a capture history places each sighting on a day')),
    ),
  );
  const { animalIds, captures } = captureLines(placed);
  if (captures.length === 0) {
    warnings.push('No sighting falls in the period at an operating station: captures.txt has no captures.');
  }

  const utm = { ...zone, epsg: (zone.hemisphere === 'N' ? 32600 : 32700) + zone.zone };
  const files = new Map<string, string>([
    ['captures.txt', capturesText(session, captures)],
    ['traps.txt', trapsText(utm, detectors)],
  ]);
  let flank: SecrExportSummary['flank'];
  if (opts.flankAware) {
    const sided = placed.filter((s) => s.flank !== 'unknown');
    const history = flankHistory(sided, galleryFlanks(sightings));
    flank = flankCounts(history, placed.length - sided.length);
    if (flank.unknownFlank > 0) {
      warnings.push(
        `${flank.unknownFlank} sighting(s) of an unknown flank are in captures.txt but not in flank-captures.csv (partial-identity models need the flank).`,
      );
    }
    files.set('flank-captures.csv', flankCapturesCsv(history, detectors));
    const names = new Map(sightings.map((s) => [s.individualCode, s.individualName]));
    files.set('flank-individuals.csv', flankIndividualsCsv(history, names));
  }

  const summary = {
    session,
    start: dateOfDay(startDay),
    end: dateOfDay(endDay),
    occasionDays: opts.occasionDays,
    occasions: occasions.length,
    detectors: detectors.length,
    individuals: animalIds.size,
    captures: captures.length,
    sightingsUsed: placed.length,
    excluded,
    utm,
    ...(flank && { flank }),
    warnings,
  };
  files.set(
    'README.txt',
    secrReadme({ summary, occasions, detectors, animalIds, flankAware: opts.flankAware }),
  );

  const out = prepareOutputFolder(folder, { overwrite: opts.overwrite });
  for (const [name, text] of files) writeFileAtomic(out.file(name), text);
  return { folder: out.path, files: [...files.keys()], ...summary };
}

/** One line per individual, occasion and detector, sorted by animal id (code-unit order), occasion, trap. */
function captureLines(placed: readonly PlacedSighting[]): {
  animalIds: Map<string, string>;
  captures: CaptureLine[];
} {
  const byCode = new Map<string, PlacedSighting[]>();
  for (const s of placed) {
    const list = byCode.get(s.individualCode);
    if (list) list.push(s);
    else byCode.set(s.individualCode, [s]);
  }
  const animalIds = new Map<string, string>();
  const lines = new Map<string, CaptureLine>();
  for (const { item: code, id } of withSecrIds([...byCode.keys()].sort(), (c) => c)) {
    animalIds.set(code, id);
    for (const s of byCode.get(code) ?? []) {
      lines.set(`${id}\u0000${s.occasion}\u0000${s.trap}`, {
        id,
        occasion: s.occasion,
        detector: s.detector,
      });
    }
  }
  const captures = [...lines.values()].sort(
    (a, b) =>
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      a.occasion - b.occasion ||
      a.detector.trap - b.detector.trap,
  );
  return { animalIds, captures };
}

/** The flanks the gallery knows of each individual, from all its standing sightings (any period). */
function galleryFlanks(
  sightings: readonly { individualCode: string; flank: Flank }[],
): Map<string, Set<Flank>> {
  const flanks = new Map<string, Set<Flank>>();
  for (const s of sightings)
    flanks.set(s.individualCode, (flanks.get(s.individualCode) ?? new Set()).add(s.flank));
  return flanks;
}

function flankCounts(history: FlankHistory, unknownFlank: number): NonNullable<SecrExportSummary['flank']> {
  const ofType = (type: string) => history.captures.filter((c) => c.type === type).length;
  return {
    captures: history.captures.length,
    both: ofType('B'),
    left: ofType('L'),
    right: ofType('R'),
    completeIdentities: history.individuals.filter((i) => i.complete).length,
    partialIdentities: history.individuals.filter((i) => !i.complete).length,
    unknownFlank,
  };
}

function shortOccasionWarning(occasions: readonly Occasion[], days: number): string[] {
  const last = occasions.at(-1);
  if (!last || last.lastDay - last.firstDay + 1 >= days) return [];
  return [
    `The last occasion (${last.index}) covers ${last.lastDay - last.firstDay + 1} of ${days} days: the period is not a whole number of occasions.`,
  ];
}
