import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  defaultOutputName,
  describeExportError,
  exportOutcome,
  exportRequest,
  fileSafe,
  joinPath,
  localDate,
  replaceQuestion,
  reportOutcome,
  requestPath,
  withExtension,
  type ExportOptions,
} from '../../renderer/src/lib/exports';

const TODAY = '2026-11-27';
const opts = (patch: Partial<ExportOptions> = {}): ExportOptions => ({ ...DEFAULT_OPTIONS, ...patch });
const out = { folder: '/home/ranger/Tiger ID exports', name: 'x', overwrite: false };

describe('localDate', () => {
  it('is the calendar day where the user is, zero-padded', () => {
    // Built from local fields, so the test holds in every time zone.
    expect(localDate(new Date(2026, 10, 27, 23, 59))).toBe('2026-11-27');
    expect(localDate(new Date(2024, 0, 5, 0, 1))).toBe('2024-01-05');
  });
});

describe('default names', () => {
  it('names an individual’s report by its code and the day', () => {
    expect(
      defaultOutputName({ kind: 'individual-report', individualId: 7, code: 'T-0007' }, opts(), TODAY),
    ).toBe('T-0007-report-2026-11-27.pdf');
  });

  it('names a decision report by the individual and the decision', () => {
    expect(
      defaultOutputName({ kind: 'decision-report', decisionId: 42, code: 'T-0003' }, opts(), TODAY),
    ).toBe('T-0003-decision-42-report-2026-11-27.pdf');
    expect(defaultOutputName({ kind: 'decision-report', decisionId: 42, code: null }, opts(), TODAY)).toBe(
      'decision-42-report-2026-11-27.pdf',
    );
  });

  it('puts the range and a file-safe station name into range reports and sightings CSVs', () => {
    const range = opts({ from: '2024-01-01', to: '2024-03-31' });
    expect(defaultOutputName({ kind: 'range-report' }, range, TODAY, 'Kanha C/14 (north)')).toBe(
      'report-2024-01-01-to-2024-03-31-Kanha-C-14-north-2026-11-27.pdf',
    );
    expect(defaultOutputName({ kind: 'range-report' }, opts({ from: '2024-01-01' }), TODAY)).toBe(
      'report-from-2024-01-01-2026-11-27.pdf',
    );
    expect(defaultOutputName({ kind: 'sightings-csv' }, opts({ to: '2024-03-31' }), TODAY)).toBe(
      'sightings-to-2024-03-31-2026-11-27.csv',
    );
    expect(defaultOutputName({ kind: 'sightings-csv' }, opts(), TODAY)).toBe('sightings-2026-11-27.csv');
  });

  it('names the folder exports without an extension', () => {
    expect(defaultOutputName({ kind: 'individuals-csv' }, opts(), TODAY)).toBe('individuals-2026-11-27.csv');
    expect(defaultOutputName({ kind: 'camtrap-dp' }, opts(), TODAY)).toBe('camtrap-dp-2026-11-27');
    expect(defaultOutputName({ kind: 'secr' }, opts(), TODAY)).toBe('secr-2026-11-27');
  });

  it('keeps only letters, digits, dot, dash and underscore from free text', () => {
    expect(fileSafe('  Ridge / Camp 2 ')).toBe('Ridge-Camp-2');
    expect(fileSafe('../etc')).toBe('etc');
    expect(fileSafe('Tadoba_A.1')).toBe('Tadoba_A.1');
  });
});

describe('file names and paths', () => {
  it('adds the extension only when it is missing (any case)', () => {
    expect(withExtension('report', '.pdf')).toBe('report.pdf');
    expect(withExtension(' report.PDF ', '.pdf')).toBe('report.PDF');
    expect(withExtension('data.csv', '.csv')).toBe('data.csv');
    expect(withExtension('', '.pdf')).toBe('');
    expect(withExtension('camtrap', null)).toBe('camtrap');
  });

  it('joins with the folder’s own separator', () => {
    expect(joinPath('/home/ranger/out/', 'a.pdf')).toBe('/home/ranger/out/a.pdf');
    expect(joinPath('C:\\Users\\ranger\\Tiger ID exports', 'a.pdf')).toBe(
      'C:\\Users\\ranger\\Tiger ID exports\\a.pdf',
    );
    expect(joinPath('/', 'a.pdf')).toBe('/a.pdf');
  });
});

describe('exportRequest', () => {
  it('reports one decision or one individual into the chosen folder, replacing only on a yes', () => {
    expect(
      exportRequest({ kind: 'decision-report', decisionId: 9, code: 'T-0001' }, opts(), {
        ...out,
        name: 'match',
      }),
    ).toEqual({
      method: 'reports.match',
      args: {
        scope: { decisionId: 9 },
        folder: '/home/ranger/Tiger ID exports',
        fileName: 'match.pdf',
        overwrite: false,
      },
    });
    expect(
      exportRequest({ kind: 'individual-report', individualId: 3, code: 'T-0003' }, opts(), {
        ...out,
        name: 'T-0003.pdf',
        overwrite: true,
      }).args,
    ).toMatchObject({ scope: { individualId: 3 }, fileName: 'T-0003.pdf', overwrite: true });
  });

  it('sends only the range fields that were filled', () => {
    expect(exportRequest({ kind: 'range-report' }, opts(), out).args).toEqual({
      scope: {},
      folder: out.folder,
      fileName: 'x.pdf',
      overwrite: false,
    });
    expect(
      exportRequest({ kind: 'range-report' }, opts({ from: '2024-01-01', stationId: 4 }), out).args,
    ).toMatchObject({ scope: { from: '2024-01-01', stationId: 4 } });
    expect(
      exportRequest({ kind: 'sightings-csv' }, opts({ to: '2024-02-01', stationId: 2 }), out).args,
    ).toEqual({
      kind: 'sightings',
      to: '2024-02-01',
      stationId: 2,
      folder: out.folder,
      fileName: 'x.csv',
      overwrite: false,
    });
  });

  it('exports individuals without the sightings filter', () => {
    expect(exportRequest({ kind: 'individuals-csv' }, opts({ from: '2024-01-01' }), out).args).toEqual({
      kind: 'individuals',
      folder: out.folder,
      fileName: 'x.csv',
      overwrite: false,
    });
  });

  it('writes Camtrap DP and secr into a new folder inside the chosen one', () => {
    expect(
      exportRequest({ kind: 'camtrap-dp' }, opts({ utcOffset: ' +05:30 ' }), { ...out, name: 'pkg' }),
    ).toEqual({
      method: 'exports.camtrapDp',
      args: { folder: '/home/ranger/Tiger ID exports/pkg', overwrite: false, utcOffset: '+05:30' },
    });
    expect(exportRequest({ kind: 'camtrap-dp' }, opts(), { ...out, name: 'pkg' }).args).toEqual({
      folder: '/home/ranger/Tiger ID exports/pkg',
      overwrite: false,
    });
    expect(
      exportRequest(
        { kind: 'secr' },
        opts({ occasionDays: '7', flankAware: true, from: '2024-01-01', to: '2024-03-31', stationId: 5 }),
        { ...out, name: 'secr', overwrite: true },
      ),
    ).toEqual({
      method: 'exports.secr',
      args: {
        folder: '/home/ranger/Tiger ID exports/secr',
        overwrite: true,
        occasionDays: 7,
        flankAware: true,
        start: '2024-01-01',
        end: '2024-03-31',
      },
    });
  });

  it('names the file or folder a request would write', () => {
    expect(requestPath(exportRequest({ kind: 'sightings-csv' }, opts(), { ...out, name: 's' }))).toBe(
      '/home/ranger/Tiger ID exports/s.csv',
    );
    expect(requestPath(exportRequest({ kind: 'secr' }, opts(), { ...out, name: 'h' }))).toBe(
      '/home/ranger/Tiger ID exports/h',
    );
  });
});

describe('results in words', () => {
  it('gives a report’s pages, sightings and a short seal', () => {
    expect(
      reportOutcome({
        file: '/out/T-0007.pdf',
        pages: 12,
        sightings: 1,
        sha256: '3fa2b4c6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081920',
      }),
    ).toEqual({
      path: '/out/T-0007.pdf',
      facts: ['12 pages, 1 sighting', 'Seal 3fa2b4c6d8e0…'],
      warnings: [],
    });
  });

  it('shows the summary as a fact beside the path, and keeps the warnings', () => {
    expect(exportOutcome({ path: '/out/s.csv', summary: '2 sightings', warnings: [] })).toEqual({
      path: '/out/s.csv',
      facts: ['2 sightings'],
      warnings: [],
    });
    expect(
      exportOutcome({
        path: '/out/pkg',
        summary: 'Camtrap DP package: 1 deployments, 2 media, 2 observations',
        warnings: ['Station "Ridge" has no operation dates'],
      }),
    ).toEqual({
      path: '/out/pkg',
      facts: ['Camtrap DP package: 1 deployments, 2 media, 2 observations'],
      warnings: ['Station "Ridge" has no operation dates'],
    });
  });
});

describe('Replace? and errors', () => {
  it('asks to replace a file, and to write into a non-empty folder', () => {
    expect(replaceQuestion('individual-report', '/out/a.pdf')).toEqual({
      question: '/out/a.pdf already exists. Replace it?',
      yes: 'Replace',
      no: 'Keep the existing file',
    });
    expect(replaceQuestion('camtrap-dp', '/out/pkg').question).toMatch(
      /^The folder \/out\/pkg is not empty\./,
    );
  });

  it('keeps the engine’s message and adds a title and the next step', () => {
    const coordinates = describeExportError(
      { code: 'CONFLICT', message: 'Station(s) without coordinates: "Ridge". … tigerid stations set …' },
      'secr',
    );
    expect(coordinates).toEqual({
      title: 'The gallery is not ready for this export.',
      message: 'Station(s) without coordinates: "Ridge". … tigerid stations set …',
      hint: 'Fix what the message names (station positions and dates are set on the Stations page), then save again: this dialog keeps your choices.',
      field: null,
    });
    expect(describeExportError({ code: 'PACKAGE_INVALID', message: 'm' }, 'camtrap-dp').title).toBe(
      'The gallery is not ready for this export.',
    );
    expect(
      describeExportError({ code: 'OUTPUT_OUTSIDE_FOLDER', message: 'm' }, 'sightings-csv'),
    ).toMatchObject({
      field: 'name',
      hint: 'Type a plain file name, without / or \\.',
    });
    expect(describeExportError({ code: 'NOT_FOUND', message: 'No sightings' }, 'range-report')).toMatchObject(
      {
        title: 'Nothing was written.',
        message: 'No sightings',
      },
    );
    expect(describeExportError({ code: 'INTERNAL', message: 'm' }, 'secr').title).toBe(
      'The secr capture history could not be written.',
    );
  });

  it('points a Camtrap DP time-zone error at the UTC offset field', () => {
    const noZone = {
      code: 'INVALID_ARGUMENT',
      message:
        '2 capture or operation time(s) have no time zone (e.g. 2021-05-31T08:25:38), and Camtrap DP needs one.',
    };
    expect(describeExportError(noZone, 'camtrap-dp', { utcOffset: '' })).toMatchObject({
      title: 'Camtrap DP needs the time zone of the camera clocks.',
      field: 'utcOffset',
    });
    expect(
      describeExportError(
        { code: 'INVALID_ARGUMENT', message: 'Invalid exports.camtrapDp: utcOffset: must look like +05:30' },
        'camtrap-dp',
        { utcOffset: '5:30' },
      ),
    ).toMatchObject({ title: 'Check the UTC offset.', field: 'utcOffset' });
    // Another invalid argument is not about the offset.
    expect(
      describeExportError(
        { code: 'INVALID_ARGUMENT', message: 'Some operation dates are not ISO dates' },
        'camtrap-dp',
      ),
    ).toMatchObject({ title: 'Check the options.', field: null });
  });
});
