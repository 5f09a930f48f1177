import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCamtrapDp } from '../../electron/core/reports/camtrap-dp/validate';
import {
  CAMTRAP_EXAMPLE_DIR,
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
} from '../support/sighting-gallery';
import { tempDir } from '../support/temp-dir';

// Headers as the Camtrap DP 1.0.2 table schemas list their fields.
const DEPLOYMENTS =
  'deploymentID,locationID,locationName,latitude,longitude,coordinateUncertainty,deploymentStart,deploymentEnd,setupBy,cameraID,cameraModel,cameraDelay,cameraHeight,cameraDepth,cameraTilt,cameraHeading,detectionDistance,timestampIssues,baitUse,featureType,habitat,deploymentGroups,deploymentTags,deploymentComments';
const MEDIA =
  'mediaID,deploymentID,captureMethod,timestamp,filePath,filePublic,fileName,fileMediatype,exifData,favorite,mediaComments';
const OBSERVATIONS =
  'observationID,deploymentID,mediaID,eventID,eventStart,eventEnd,observationLevel,observationType,cameraSetupType,scientificName,count,lifeStage,sex,behavior,individualID,individualPositionRadius,individualPositionAngle,individualSpeed,bboxX,bboxY,bboxWidth,bboxHeight,classificationMethod,classifiedBy,classificationTimestamp,classificationProbability,observationTags,observationComments';

const SCHEMA = 'https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0.2';

function descriptor(): Record<string, unknown> {
  return {
    resources: ['deployments', 'media', 'observations'].map((name) => ({
      name,
      path: `${name}.csv`,
      profile: 'tabular-data-resource',
      schema: `${SCHEMA}/${name}-table-schema.json`,
    })),
    profile: `${SCHEMA}/camtrap-dp-profile.json`,
    name: 'hand-made',
    created: '2024-03-01T10:00:00Z',
    contributors: [{ title: 'Asha' }],
    project: {
      title: 'Test survey',
      samplingDesign: 'targeted',
      captureMethod: ['activityDetection'],
      individualAnimals: true,
      observationLevel: ['media'],
    },
    spatial: { type: 'Point', coordinates: [79.1, 21.5] },
    temporal: { start: '2024-01-01', end: '2024-01-31' },
    taxonomic: [{ scientificName: 'Panthera tigris' }],
  };
}

interface Tables {
  deployments: string[];
  media: string[];
  observations: string[];
}

/** A small valid package: one deployment, two photos, one identified tiger. Rows are lines without the header. */
function validTables(): Tables {
  return {
    deployments: [
      'dep1,,Ridge,21.5,79.1,,2024-01-01T00:00:00+05:30,2024-01-31T18:00:00+05:30,,,,,,,,,,,,,,,,',
    ],
    media: [
      'm1,dep1,activityDetection,2024-01-02T03:04:05+05:30,media/a.jpg,false,a.jpg,image/jpeg,,,',
      'm2,dep1,activityDetection,2024-01-02T03:04:06Z,https://example.org/b.jpg,true,b.jpg,image/jpeg,,,',
    ],
    observations: [
      'o1,dep1,m1,,2024-01-02T03:04:05+05:30,2024-01-02T03:04:05+05:30,media,animal,,Panthera tigris,1,,,,T-0001,,,,0.1,0.2,0.3,0.4,human,Asha,2024-02-01T00:00:00Z,0.9,flank:left,',
    ],
  };
}

describe('validateCamtrapDp', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('tigerid-camtrap-validate-');
  });
  afterEach(() => dir.cleanup());

  const write = (
    change: (t: Tables) => void = () => {},
    changeDescriptor: (d: Record<string, unknown>) => void = () => {},
    headers = { deployments: DEPLOYMENTS, media: MEDIA, observations: OBSERVATIONS },
  ): string => {
    const tables = validTables();
    change(tables);
    const d = descriptor();
    changeDescriptor(d);
    writeFileSync(join(dir.path, 'datapackage.json'), JSON.stringify(d));
    for (const name of ['deployments', 'media', 'observations'] as const) {
      writeFileSync(join(dir.path, `${name}.csv`), [headers[name], ...tables[name]].join('\n') + '\n');
    }
    return dir.path;
  };

  it('accepts a small hand-made package', async () => {
    expect(await validateCamtrapDp(write())).toEqual({ valid: true, errors: [] });
  });

  it.skipIf(!HAS_CAMTRAP_EXAMPLE)(
    `accepts the standard's own example package (${HAS_CAMTRAP_EXAMPLE ? 'present' : CAMTRAP_EXAMPLE_SKIP_REASON})`,
    async () => {
      expect(await validateCamtrapDp(CAMTRAP_EXAMPLE_DIR)).toEqual({ valid: true, errors: [] });
    },
  );

  it('rejects a header whose columns are out of order, naming the first misplaced one', async () => {
    const swapped = DEPLOYMENTS.replace('latitude,longitude', 'longitude,latitude');
    const result = await validateCamtrapDp(
      write(undefined, undefined, { deployments: swapped, media: MEDIA, observations: OBSERVATIONS }),
    );
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: 'deployments.csv', row: 1, field: 'latitude' });
    expect(result.errors[0]!.message).toMatch(
      /^column 4 is "longitude" where latitude belongs; the header must list the 24 fields of the table schema in this order: deploymentID,locationID,locationName,latitude,longitude,/,
    );
  });

  it('rejects a missing required value', async () => {
    const result = await validateCamtrapDp(
      write((t) => {
        t.deployments[0] = t.deployments[0]!.replace('21.5,79.1', ',79.1');
      }),
    );
    expect(result).toEqual({
      valid: false,
      errors: [{ file: 'deployments.csv', row: 2, field: 'latitude', message: 'latitude is required' }],
    });
  });

  it('rejects a value outside its enum, listing the allowed ones', async () => {
    const result = await validateCamtrapDp(
      write((t) => (t.observations[0] = t.observations[0]!.replace('animal', 'tiger'))),
    );
    expect(result.errors).toEqual([
      {
        file: 'observations.csv',
        row: 2,
        field: 'observationType',
        message:
          'observationType must be one of: animal, human, vehicle, blank, unknown, unclassified (found "tiger")',
      },
    ]);
  });

  it('rejects a bounding box outside the frame', async () => {
    const result = await validateCamtrapDp(
      write((t) => (t.observations[0] = t.observations[0]!.replace('0.1,0.2,0.3,0.4', '1.2,0.2,0,0.4'))),
    );
    expect(result.errors).toEqual([
      { file: 'observations.csv', row: 2, field: 'bboxX', message: 'bboxX is 1.2, above the maximum 1' },
      {
        file: 'observations.csv',
        row: 2,
        field: 'bboxWidth',
        message: 'bboxWidth is 0, below the minimum 1e-15',
      },
    ]);
  });

  it('rejects a duplicate primary key, naming the row that has it first', async () => {
    const result = await validateCamtrapDp(write((t) => (t.media[1] = t.media[1]!.replace('m2,', 'm1,'))));
    expect(result.errors).toEqual([
      {
        file: 'media.csv',
        row: 3,
        field: 'mediaID',
        message: 'mediaID "m1" is not unique (primary key): row 2 has it too',
      },
    ]);
  });

  it('rejects foreign keys that point at nothing', async () => {
    const result = await validateCamtrapDp(
      write((t) => {
        t.observations[0] = t.observations[0]!.replace('o1,dep1,m1,', 'o1,dep1,m9,');
        t.media[1] = t.media[1]!.replace('m2,dep1,', 'm2,dep9,');
      }),
    );
    expect(result.errors).toEqual([
      {
        file: 'media.csv',
        row: 3,
        field: 'deploymentID',
        message: 'deploymentID "dep9" matches no deploymentID in deployments.csv',
      },
      {
        file: 'observations.csv',
        row: 2,
        field: 'mediaID',
        message: 'mediaID "m9" matches no mediaID in media.csv',
      },
    ]);
  });

  it('rejects times without a zone, impossible dates, bad booleans, integers and paths', async () => {
    const result = await validateCamtrapDp(
      write((t) => {
        t.media[0] = 'm1,dep1,activityDetection,2024-01-02T03:04:05,/home/me/a.jpg,yes,a.jpg,image/jpeg,,,';
        t.media[1] = t.media[1]!.replace('2024-01-02T03:04:06Z', '2024-02-30T03:04:06Z');
        t.observations[0] = t.observations[0]!.replace('Panthera tigris,1,', 'Panthera tigris,1.5,');
      }),
    );
    expect(result.errors.map((e) => [e.row, e.field, e.message])).toEqual([
      [
        2,
        'timestamp',
        'timestamp "2024-01-02T03:04:05" is not a valid datetime of the form YYYY-MM-DDThh:mm:ss±hh:mm (or Z)',
      ],
      [
        2,
        'filePath',
        'filePath "/home/me/a.jpg" does not match the pattern ^(?=^[^./~])(^((?!\\.{2}).)*$).*$',
      ],
      [2, 'filePublic', 'filePublic must be true or false, not "yes"'],
      [
        3,
        'timestamp',
        'timestamp "2024-02-30T03:04:06Z" is not a valid datetime of the form YYYY-MM-DDThh:mm:ss±hh:mm (or Z)',
      ],
      [2, 'count', 'count must be an integer, not "1.5"'],
    ]);
  });

  it('rejects a row with the wrong number of values', async () => {
    const result = await validateCamtrapDp(write((t) => t.media.push('m3,dep1')));
    expect(result.errors).toEqual([
      { file: 'media.csv', row: 4, message: 'the row has 2 values; the header has 11 columns' },
    ]);
  });

  it('checks datapackage.json against the Camtrap DP profile', async () => {
    const result = await validateCamtrapDp(
      write(undefined, (d) => {
        (d.project as Record<string, unknown>).samplingDesign = 'grid';
        delete d.taxonomic;
        (d.resources as Record<string, unknown>[])[2]!.schema =
          'https://example.org/observations-table-schema.json';
      }),
    );
    expect(result.errors).toEqual([
      { file: 'datapackage.json', message: "the package must have required property 'taxonomic'" },
      {
        file: 'datapackage.json',
        field: 'resources.2.schema',
        message: 'resources.2.schema must match pattern "1\\.0\\.2"',
      },
      {
        file: 'datapackage.json',
        field: 'project.samplingDesign',
        message:
          'project.samplingDesign must be one of: simpleRandom, systematicRandom, clusteredRandom, experimental, targeted, opportunistic',
      },
    ]);
  });

  it('reports a missing table file and a missing descriptor', async () => {
    const path = write();
    rmSync(join(path, 'observations.csv'));
    expect((await validateCamtrapDp(path)).errors).toEqual([
      { file: 'observations.csv', message: 'observations.csv is missing from the package' },
    ]);
    rmSync(join(path, 'datapackage.json'));
    expect((await validateCamtrapDp(path)).errors).toEqual([
      { file: 'datapackage.json', message: 'datapackage.json is missing from the package' },
    ]);
  });
});
