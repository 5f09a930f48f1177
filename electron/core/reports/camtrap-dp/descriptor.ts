import { EngineError } from '../../errors';
import type { CamtrapTables } from './export-tables';
import { CAMTRAP_DP_PROFILE_URL, CAMTRAP_TABLES, tableSchemaUrl } from './schemas';
import { TIGER } from './tiger';
import { utcTime } from './timestamps';

/** datapackage.json of an export: Camtrap DP's required metadata, derived from the rows being written. */

export interface DescriptorInput {
  tables: CamtrapTables;
  id: string;
  created: Date;
  projectTitle: string | undefined;
  /** People to credit when no exported row names who classified it: the gallery's reviewers. */
  reviewers: string[];
}

type Json = Record<string, unknown>;

/**
 * The owner of the data decides its licence; the app cannot. Camtrap DP asks for one licence for the data and one
 * for the media, so the export says plainly that none was chosen (all rights reserved, Open Definition's
 * "other-closed") rather than claim an open licence on the user's behalf.
 */
function noLicenceChosen(scope: 'data' | 'media'): Json {
  return {
    name: 'other-closed',
    title:
      'All rights reserved by the owners of the data: no licence was chosen when exporting from Tiger ID. ' +
      'Rows from the packages listed under sources keep those packages’ licences. ' +
      'Choose a licence (e.g. CC0-1.0 for data, CC-BY-4.0 for media) before publishing.',
    scope,
  };
}

export function buildDescriptor(input: DescriptorInput): Json {
  const { tables, projectTitle } = input;
  // An export holding nothing but one imported package's rows is that package again: keep its metadata.
  const sole = !input.tables.galleryRows && tables.sources.length === 1 ? tables.sources[0] : undefined;
  const recomputed = new Set(['resources', 'profile', 'id', 'created', 'spatial', 'temporal', 'taxonomic']);
  const kept: Json = Object.fromEntries(
    Object.entries(sole?.descriptor ?? {}).filter(([k]) => !recomputed.has(k)),
  );
  const title = projectTitle ?? 'Camera-trap tiger survey';
  return {
    ...kept,
    resources: CAMTRAP_TABLES.map((name) => ({
      name,
      path: `${name}.csv`,
      profile: 'tabular-data-resource',
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      schema: tableSchemaUrl(name),
    })),
    profile: CAMTRAP_DP_PROFILE_URL,
    name: typeof kept.name === 'string' ? kept.name : 'tiger-id-camtrap-dp',
    id: input.id,
    created: utcTime(input.created),
    title:
      projectTitle ??
      (typeof kept.title === 'string' ? kept.title : 'Tiger sightings exported from Tiger ID'),
    contributors: sole ? kept.contributors : contributors(input),
    project: sole
      ? { ...(kept.project as Json), ...(projectTitle ? { title } : {}) }
      : project(tables, title),
    licenses:
      sole && Array.isArray(kept.licenses)
        ? kept.licenses
        : [noLicenceChosen('data'), noLicenceChosen('media')],
    ...(sole || tables.sources.length === 0 ? {} : { sources: tables.sources.map(sourceOf) }),
    spatial: spatial(tables),
    temporal: temporal(tables),
    taxonomic: taxonomic(tables),
  };
}

function project(tables: CamtrapTables, title: string): Json {
  return {
    title,
    // Tiger surveys place cameras where tigers walk (trails, roads, ridges) to photograph both flanks.
    samplingDesign: 'targeted',
    captureMethod: distinct(
      tables.media.map((m) => m.captureMethod ?? ''),
      'activityDetection',
    ),
    individualAnimals: true,
    observationLevel: distinct(
      tables.observations.map((o) => o.observationLevel ?? ''),
      'media',
    ),
  };
}

/** Who made the data: the imported packages' contributors, then everyone who classified an exported row. */
function contributors(input: DescriptorInput): Json[] {
  const list: Json[] = input.tables.sources.flatMap((s) =>
    Array.isArray(s.descriptor.contributors) ? (s.descriptor.contributors as Json[]) : [],
  );
  const named = new Set(list.map((c) => c.title));
  const people = input.tables.observations
    .filter((o) => o.classificationMethod === 'human' && o.classifiedBy)
    .map((o) => o.classifiedBy as string);
  for (const title of new Set(people.length > 0 || list.length > 0 ? people : input.reviewers)) {
    if (!named.has(title)) list.push({ title, role: 'contributor' });
    named.add(title);
  }
  if (list.length === 0) {
    throw new EngineError(
      'PACKAGE_INVALID',
      'Camtrap DP names at least one contributor, and nobody has reviewed a detection in this gallery yet: review some first (tigerid review), then export.',
    );
  }
  return list;
}

function sourceOf(pkg: CamtrapTables['sources'][number]): Json {
  const d = pkg.descriptor;
  const text = (key: string): string | undefined =>
    typeof d[key] === 'string' ? (d[key] as string) : undefined;
  const homepage = text('homepage');
  const version = text('version');
  return {
    title: text('title') ?? text('name') ?? pkg.key,
    ...(homepage ? { path: homepage } : {}),
    ...(version ? { version } : {}),
  };
}

/** A bounding box of the deployments as GeoJSON (a point when there is one place), like the standard's example. */
function spatial(tables: CamtrapTables): Json {
  const lats = tables.deployments.map((d) => Number(d.latitude));
  const lons = tables.deployments.map((d) => Number(d.longitude));
  const [south, north, west, east] = [
    Math.min(...lats),
    Math.max(...lats),
    Math.min(...lons),
    Math.max(...lons),
  ];
  if (south === north && west === east) return { type: 'Point', coordinates: [west, south] };
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  };
}

/** First deployment start to last deployment end, as the local dates the deployments were written in. */
function temporal(tables: CamtrapTables): Json {
  const byInstant = (field: 'deploymentStart' | 'deploymentEnd') =>
    tables.deployments.map((d) => d[field] as string).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    start: (byInstant('deploymentStart')[0] as string).slice(0, 10),
    end: (byInstant('deploymentEnd').at(-1) as string).slice(0, 10),
  };
}

/** Every observed taxon, described as its source package described it, the tiger as the gallery does. */
function taxonomic(tables: CamtrapTables): Json[] {
  const described = new Map<string, Json>();
  for (const source of tables.sources) {
    const list = Array.isArray(source.descriptor.taxonomic) ? (source.descriptor.taxonomic as Json[]) : [];
    for (const taxon of list) {
      if (typeof taxon.scientificName === 'string' && !described.has(taxon.scientificName)) {
        described.set(taxon.scientificName, taxon);
      }
    }
  }
  const names = new Set(tables.observations.map((o) => o.scientificName ?? '').filter((n) => n !== ''));
  return [...names]
    .sort()
    .map((scientificName) =>
      scientificName === TIGER.scientificName
        ? { ...TIGER }
        : (described.get(scientificName) ?? { scientificName }),
    );
}

function distinct(values: string[], fallback: string): string[] {
  const set = [...new Set(values.filter((v) => v !== ''))];
  return set.length > 0 ? set : [fallback];
}
