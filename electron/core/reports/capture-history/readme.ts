import { dateOfDay } from './calendar';
import { BOTH_FLANKS_WINDOW_SECONDS } from './flank-captures';
import type { SecrDetector } from './detectors';
import type { Occasion } from './occasions';
import type { SecrExportSummary } from './secr';

/** README.txt of a secr export: what each file holds and every choice made, so the analysis can be reported. */
export function secrReadme(input: {
  summary: Omit<SecrExportSummary, 'folder' | 'files'>;
  occasions: readonly Occasion[];
  detectors: readonly SecrDetector[];
  animalIds: ReadonlyMap<string, string>;
  flankAware: boolean;
}): string {
  const { summary: s, occasions, detectors, animalIds } = input;
  const zone = `${s.utm.zone}${s.utm.hemisphere}`;
  const lines = [
    'Capture histories for spatially explicit capture-recapture, exported by Tiger ID',
    '=============================================================================',
    '',
    'FILES',
    '  captures.txt   One line per individual, occasion and detector where it was photographed:',
    '                 "Session ID Occasion Detector" (the DENSITY/secr capture format, trapID form).',
    '                 Several photos of one tiger at one station on one occasion make one line.',
    '  traps.txt      One line per camera station: "Detector X Y Usage", X and Y in metres (UTM), then',
    '                 the binary usage string: one 0/1 code per occasion, no separators (secr read.traps,',
    '                 binary.usage = TRUE).',
    ...(input.flankAware
      ? [
          '  flank-captures.csv     Captures typed by flank for two-flank spatial partial identity models',
          '                         (R package SPIM, build.data input): ID,trap,occ,type[,code,detector].',
          '  flank-individuals.csv  SPIM ID -> Tiger ID code, and whether the identity is complete.',
        ]
      : []),
    '  README.txt     This file.',
    '',
    'SESSION AND OCCASIONS',
    `  Session: ${s.session}`,
    `  Period: ${s.start} to ${s.end} (both days included), ${s.occasions} occasion(s) of ${s.occasionDays} day(s).`,
    '  Occasion k covers the calendar days start + (k-1)*N ... start + k*N - 1 (N = occasion length); the last',
    '  occasion ends with the period and may be shorter. A photo belongs to the day written in its capture time',
    "  (the camera's own clock and calendar).",
    ...occasions.map(
      (o) =>
        `    occasion ${o.index}: ${dateOfDay(o.firstDay)}${o.lastDay === o.firstDay ? '' : ` to ${dateOfDay(o.lastDay)}`}`,
    ),
    '',
    'USAGE (EFFORT)',
    '  A station operated from its recorded operation start to its recorded operation end (both days',
    '  included); a bound that was not recorded is the day of its first or last dated photo. Usage is 1 for',
    '  an occasion when the station operated on at least one day of it, else 0. Sightings on a day their',
    '  station was not operating are left out (counted below).',
    '',
    'COORDINATES',
    `  UTM zone ${zone}, WGS84 (EPSG:${s.utm.epsg}), central meridian ${s.utm.centralMeridian} degrees; metres,`,
    '  rounded to the metre. The zone is the one holding the mean longitude of all stations, and every',
    '  station is projected into it, so distances between stations are consistent.',
    '',
    'DETECTORS (trap = row of traps.txt)',
    ...detectors.map(
      (d) =>
        `  ${d.trap}. ${d.id} = station "${d.station.name}" at ${d.station.latitude}, ${d.station.longitude} -> ${Math.round(d.x)} ${Math.round(d.y)}; operated ${dateOfDay(d.effort.firstDay)} (${d.station.operationStart === null ? 'first photo' : 'recorded'}) to ${dateOfDay(d.effort.lastDay)} (${d.station.operationEnd === null ? 'last photo' : 'recorded'}); usage ${d.usage}`,
    ),
    '',
    'INDIVIDUALS (ID in captures.txt = Tiger ID code, with characters secr cannot read replaced by "-")',
    ...[...animalIds].map(([code, id]) => `  ${id}${id === code ? '' : ` = ${code}`}`),
    '',
    'COUNTS',
    `  ${s.sightingsUsed} sighting(s) made ${s.captures} capture line(s) of ${s.individuals} individual(s) at ${s.detectors} detector(s).`,
    `  Left out: ${s.excluded.noCaptureTime} without capture time, ${s.excluded.noStation} without station,`,
    `  ${s.excluded.outsidePeriod} outside the period, ${s.excluded.stationNotOperating} on a day their station was not operating.`,
    ...(s.warnings.length > 0 ? ['', 'WARNINGS', ...s.warnings.map((w) => `  - ${w}`)] : []),
    '',
    'READING IN R',
    '  library(secr)',
    `  ch <- read.capthist("captures.txt", "traps.txt", detector = "proximity", noccasions = ${s.occasions})`,
    '  summary(ch)',
    '  Each line of captures.txt is one detection, so detector = "count" reads the same files with every',
    '  count equal to 1; "proximity" (at most one detection per animal, detector and occasion) matches them.',
    ...(input.flankAware ? flankSection(s) : []),
    '',
  ];
  return lines.join('\n');
}

function flankSection(s: Omit<SecrExportSummary, 'folder' | 'files'>): string[] {
  const f = s.flank;
  return [
    '',
    'FLANK-AWARE CAPTURES (SPIM)',
    '  Two-flank spatial partial identity models (Augustine et al. 2018, Ann. Appl. Stat. 12:67; R package',
    '  SPIM) take one row per capture event: ID, trap (row of traps.txt), occ (occasion) and type:',
    `    B  both flanks photographed together: the same tiger's left and right flanks at the same station`,
    `       within ${BOTH_FLANKS_WINDOW_SECONDS} seconds (a paired station firing on one passage);`,
    '    L  a left flank otherwise;  R  a right flank otherwise.',
    '  Rows are unique per ID, trap, occasion and type. Sightings of an unknown flank are not in this file.',
    '  IDs follow build.data: complete identities first (1..nC; those with a B capture are 1..nB), then',
    '  partial ones. A complete identity is a tiger whose left and right flanks the reviewers linked in the',
    '  gallery (column complete = TRUE), even if this period shows only one flank; partial identities are',
    '  known by one flank only, and a left-only and a right-only ID may be the same tiger.',
    ...(f
      ? [
          `  ${f.captures} row(s): ${f.both} B, ${f.left} L, ${f.right} R; ${f.completeIdentities} complete and ${f.partialIdentities} partial identities; ${f.unknownFlank} unknown-flank sighting(s) left out.`,
        ]
      : []),
    '  Tiger ID does not record how many cameras each station had: give SPIM that third column of X yourself',
    '  (and, for trap operation, usage from traps.txt times the cameras operating).',
    '    library(SPIM)',
    '    input <- read.csv("flank-captures.csv")[, c("ID", "trap", "occ", "type")]',
    '    ids <- read.csv("flank-individuals.csv")',
    '    tr <- secr::read.traps("traps.txt", detector = "proximity")',
    '    X <- cbind(as.matrix(tr), cams = 2)   # cameras per station, from your field records',
    '    known <- ids$ID[ids$complete]',
    '    data <- build.data(input, K = ncol(secr::usage(tr)), X = X,',
    '                       IDknown = if (length(known) > 0) known else NA, buff = 3000)',
  ];
}
