import type { ApiInput, ExportDto, ReportDto } from '../../../electron/core/api';

/**
 * What the report and export dialog needs that is not React: what each export is called, its default file or
 * folder name, the API call its form becomes, the result in words, and an error's title and next step.
 */

/** Something the user can export, with what the dialog must know about it. */
export type ExportTarget =
  | { kind: 'decision-report'; decisionId: number; code: string | null }
  | { kind: 'individual-report'; individualId: number; code: string }
  | { kind: 'range-report' }
  | { kind: 'sightings-csv' }
  | { kind: 'individuals-csv' }
  | { kind: 'camtrap-dp' }
  | { kind: 'secr' };

export type ExportKind = ExportTarget['kind'];

export interface ExportKindInfo {
  /** The name on buttons and in the dialog's title. */
  label: string;
  /** A file written into the chosen folder, or a new folder of files made inside it. */
  output: 'file' | 'folder';
  /** The file's extension (file outputs only). */
  extension: '.pdf' | '.csv' | null;
  /** Shown while it is written. */
  working: string;
  /** The primary button. */
  action: string;
  /** One sentence on what it is and who it is for. */
  about: string;
}

export const EXPORT_KINDS: Record<ExportKind, ExportKindInfo> = {
  'decision-report': {
    label: 'Match report (PDF)',
    output: 'file',
    extension: '.pdf',
    working: 'Writing report…',
    action: 'Save report',
    about:
      'The photos, the candidates the reviewer saw, the decision and the model versions, for managers and enforcement.',
  },
  'individual-report': {
    label: 'Report (PDF)',
    output: 'file',
    extension: '.pdf',
    working: 'Writing report…',
    action: 'Save report',
    about: 'Every confirmed sighting of this individual with its photos, decision trail and model versions.',
  },
  'range-report': {
    label: 'Range report (PDF)',
    output: 'file',
    extension: '.pdf',
    working: 'Writing report…',
    action: 'Save report',
    about: 'The confirmed sightings of a period and/or one station, with their photos and decisions.',
  },
  'sightings-csv': {
    label: 'Sightings CSV',
    output: 'file',
    extension: '.csv',
    working: 'Writing CSV…',
    action: 'Save CSV',
    about: 'One row per confirmed sighting, for spreadsheets and analysis.',
  },
  'individuals-csv': {
    label: 'Individuals CSV',
    output: 'file',
    extension: '.csv',
    working: 'Writing CSV…',
    action: 'Save CSV',
    about: 'One row per individual with its sighting counts and dates.',
  },
  'camtrap-dp': {
    label: 'Camtrap DP package',
    output: 'folder',
    extension: null,
    working: 'Writing package…',
    action: 'Save package',
    about:
      'The gallery as a Camtrap DP 1.0 data package (deployments, media, observations) for data portals.',
  },
  secr: {
    label: 'secr capture history',
    output: 'folder',
    extension: null,
    working: 'Writing capture history…',
    action: 'Save capture history',
    about: 'Capture and trap files for the R package secr (spatially explicit capture–recapture).',
  },
};

/** The gallery's Export… choices, in the order the dialog lists them. */
export const GALLERY_EXPORTS: ExportTarget[] = [
  { kind: 'range-report' },
  { kind: 'sightings-csv' },
  { kind: 'individuals-csv' },
  { kind: 'camtrap-dp' },
  { kind: 'secr' },
];

/** The form's values; each export reads the ones it has. Dates are YYYY-MM-DD or empty. */
export interface ExportOptions {
  from: string;
  to: string;
  stationId: number | null;
  /** Camtrap DP: the UTC offset the camera clocks were set to, such as +05:30, or empty. */
  utcOffset: string;
  /** secr: days per occasion, as typed (the number field's text). */
  occasionDays: string;
  flankAware: boolean;
}

export const DEFAULT_OPTIONS: ExportOptions = {
  from: '',
  to: '',
  stationId: null,
  utcOffset: '',
  occasionDays: '1',
  flankAware: false,
};

/** Which options the dialog shows for an export. */
export function optionFieldsOf(kind: ExportKind): { range: boolean; station: boolean } {
  const range = kind === 'range-report' || kind === 'sightings-csv' || kind === 'secr';
  return { range, station: kind === 'range-report' || kind === 'sightings-csv' };
}

/** The calendar date of `now` where the user is, as YYYY-MM-DD (file names carry the day they were made). */
export function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A piece of a file name from free text (a station name): letters, digits, dot, dash and underscore only. */
export function fileSafe(text: string): string {
  return text
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '');
}

function rangePart(options: ExportOptions, stationName: string | null): string {
  const parts: string[] = [];
  if (options.from && options.to) parts.push(`${options.from}-to-${options.to}`);
  else if (options.from) parts.push(`from-${options.from}`);
  else if (options.to) parts.push(`to-${options.to}`);
  const station = stationName ? fileSafe(stationName) : '';
  if (station) parts.push(station);
  return parts.join('-');
}

/**
 * The name the dialog suggests: what it is, its scope, and today's date, e.g. `T-0007-report-2026-11-27.pdf`,
 * `report-2024-01-01-to-2024-03-31-Ridge-2026-11-27.pdf` or the folder name `camtrap-dp-2026-11-27`.
 */
export function defaultOutputName(
  target: ExportTarget,
  options: ExportOptions,
  today: string,
  stationName: string | null = null,
): string {
  const scoped = (stem: string) => {
    const range = rangePart(options, stationName);
    return range ? `${stem}-${range}` : stem;
  };
  switch (target.kind) {
    case 'decision-report':
      return `${target.code ? `${fileSafe(target.code)}-` : ''}decision-${target.decisionId}-report-${today}.pdf`;
    case 'individual-report':
      return `${fileSafe(target.code)}-report-${today}.pdf`;
    case 'range-report':
      return `${scoped('report')}-${today}.pdf`;
    case 'sightings-csv':
      return `${scoped('sightings')}-${today}.csv`;
    case 'individuals-csv':
      return `individuals-${today}.csv`;
    case 'camtrap-dp':
      return `camtrap-dp-${today}`;
    case 'secr':
      return `secr-${today}`;
  }
}

/** The typed name with the export's extension, added when the user left it off. */
export function withExtension(name: string, extension: string | null): string {
  const trimmed = name.trim();
  if (!extension || trimmed === '' || trimmed.toLowerCase().endsWith(extension)) return trimmed;
  return `${trimmed}${extension}`;
}

/** `name` inside `folder`, with the separator the folder's own path uses (a Windows path keeps backslashes). */
export function joinPath(folder: string, name: string): string {
  const base = folder.trim();
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const trimmed = base.replace(/[\\/]+$/, '');
  return `${trimmed === '' && base !== '' ? '' : trimmed}${sep}${name.trim()}`;
}

/** One API call; the dialog runs it as it is. */
export type ExportRequest =
  | { method: 'reports.match'; args: ApiInput<'reports.match'> }
  | { method: 'exports.csv'; args: ApiInput<'exports.csv'> }
  | { method: 'exports.camtrapDp'; args: ApiInput<'exports.camtrapDp'> }
  | { method: 'exports.secr'; args: ApiInput<'exports.secr'> };

/** Where it goes: the chosen folder and the file (or new folder) name typed in the dialog. */
export interface ExportOutput {
  folder: string;
  name: string;
  /** The user said yes to "Replace?". */
  overwrite: boolean;
}

/** The API call an export's form becomes. Empty dates and an empty offset are left out, not sent blank. */
export function exportRequest(
  target: ExportTarget,
  options: ExportOptions,
  output: ExportOutput,
): ExportRequest {
  const info = EXPORT_KINDS[target.kind];
  const folder = output.folder.trim();
  const overwrite = output.overwrite;
  const file = { folder, fileName: withExtension(output.name, info.extension), overwrite };
  const range = {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.stationId !== null ? { stationId: options.stationId } : {}),
  };
  switch (target.kind) {
    case 'decision-report':
      return { method: 'reports.match', args: { scope: { decisionId: target.decisionId }, ...file } };
    case 'individual-report':
      return { method: 'reports.match', args: { scope: { individualId: target.individualId }, ...file } };
    case 'range-report':
      return { method: 'reports.match', args: { scope: range, ...file } };
    case 'sightings-csv':
      return { method: 'exports.csv', args: { kind: 'sightings', ...range, ...file } };
    case 'individuals-csv':
      return { method: 'exports.csv', args: { kind: 'individuals', ...file } };
    case 'camtrap-dp':
      return {
        method: 'exports.camtrapDp',
        args: {
          folder: joinPath(folder, output.name),
          overwrite,
          ...(options.utcOffset.trim() ? { utcOffset: options.utcOffset.trim() } : {}),
        },
      };
    case 'secr':
      return {
        method: 'exports.secr',
        args: {
          folder: joinPath(folder, output.name),
          overwrite,
          occasionDays: Number(options.occasionDays),
          flankAware: options.flankAware,
          ...(options.from ? { start: options.from } : {}),
          ...(options.to ? { end: options.to } : {}),
        },
      };
  }
}

/** The file or folder a request writes, as the "Replace?" question names it. */
export function requestPath(request: ExportRequest): string {
  switch (request.method) {
    case 'reports.match':
    case 'exports.csv':
      return joinPath(request.args.folder, request.args.fileName);
    case 'exports.camtrapDp':
    case 'exports.secr':
      return request.args.folder;
  }
}

/** What was written, in words for the result panel. */
export interface ExportOutcome {
  path: string;
  facts: string[];
  warnings: string[];
}

/** The first hex digits of a seal: enough to compare with the one printed in the report. */
export function shortSeal(sha256: string): string {
  return sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256;
}

export function reportOutcome(report: ReportDto): ExportOutcome {
  const count = (n: number, one: string) => `${n.toLocaleString()} ${n === 1 ? one : `${one}s`}`;
  return {
    path: report.file,
    facts: [
      `${count(report.pages, 'page')}, ${count(report.sightings, 'sighting')}`,
      `Seal ${shortSeal(report.sha256)}`,
    ],
    warnings: [],
  };
}

/** The export's summary line; the path is shown on its own, so a summary ending in "to PATH" loses that end. */
export function exportOutcome(result: ExportDto): ExportOutcome {
  return { path: result.path, facts: result.summary ? [result.summary] : [], warnings: result.warnings };
}

/** What "Replace?" asks on OUTPUT_EXISTS: a file is replaced; a folder keeps its other files. */
export function replaceQuestion(
  kind: ExportKind,
  path: string,
): { question: string; yes: string; no: string } {
  return EXPORT_KINDS[kind].output === 'file'
    ? {
        question: `${path} already exists. Replace it?`,
        yes: 'Replace',
        no: 'Keep the existing file',
      }
    : {
        question: `The folder ${path} is not empty. Write into it anyway? Files of the same names are replaced; its other files stay.`,
        yes: 'Write into it',
        no: 'Keep the folder as it is',
      };
}

/** A failed export as the dialog shows it: a short title, the engine's own message, and what to do next. */
export interface ExportErrorView {
  title: string;
  message: string;
  hint: string | null;
  /** The field the user should look at, if the error is about one. */
  field: 'folder' | 'name' | 'utcOffset' | null;
}

export function describeExportError(
  error: { code: string; message: string },
  kind: ExportKind,
  options: Pick<ExportOptions, 'utcOffset'> = DEFAULT_OPTIONS,
): ExportErrorView {
  const info = EXPORT_KINDS[kind];
  const base = { message: error.message };
  switch (error.code) {
    case 'OUTPUT_OUTSIDE_FOLDER':
      return {
        ...base,
        title: 'That name would leave the chosen folder.',
        hint: `Type a plain ${info.output === 'file' ? 'file' : 'folder'} name, without / or \\.`,
        field: 'name',
      };
    case 'NOT_FOUND':
      return { ...base, title: 'Nothing was written.', hint: null, field: null };
    case 'CONFLICT':
    case 'PACKAGE_INVALID':
      return {
        ...base,
        title: 'The gallery is not ready for this export.',
        hint: 'Fix what the message names (station positions and dates are set on the Stations page), then save again: this dialog keeps your choices.',
        field: null,
      };
    case 'INVALID_ARGUMENT':
      // The engine's message names the offset ("time zone", "utcOffset"); the envelope carries no field.
      if (kind === 'camtrap-dp' && /time zone|utcOffset/i.test(error.message)) {
        return options.utcOffset.trim() === ''
          ? {
              ...base,
              title: 'Camtrap DP needs the time zone of the camera clocks.',
              hint: 'Enter the UTC offset the cameras were set to (for India +05:30), then save again.',
              field: 'utcOffset',
            }
          : {
              ...base,
              title: 'Check the UTC offset.',
              hint: 'Write it as a sign, hours and minutes, such as +05:30 or -04:00.',
              field: 'utcOffset',
            };
      }
      return { ...base, title: 'Check the options.', hint: null, field: null };
    case 'UNREACHABLE':
    case 'NOT_SIGNED_IN':
      return { ...base, title: 'Tiger ID could not be reached.', hint: null, field: null };
    default:
      return { ...base, title: `The ${info.label} could not be written.`, hint: null, field: null };
  }
}
