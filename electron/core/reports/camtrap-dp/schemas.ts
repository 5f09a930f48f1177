/*!
 * Camtrap DP 1.0.2 profile and table schemas (./standard/*.json), from https://github.com/tdwg/camtrap-dp
 * Copyright (c) 2021 Camtrap DP Development Team
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
 * documentation files (the "Software"), to deal in the Software without restriction, including without limitation
 * the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
 * to permit persons to whom the Software is furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all copies or substantial portions of
 * the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
 * THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
 * CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
 * DEALINGS IN THE SOFTWARE.
 */
// The notice above is a legal comment (/*!) so that esbuild keeps it in the bundle, where the JSON is inlined.
import { z } from 'zod';
import profileJson from './standard/camtrap-dp-profile.json' with { type: 'json' };
import deploymentsJson from './standard/deployments-table-schema.json' with { type: 'json' };
import mediaJson from './standard/media-table-schema.json' with { type: 'json' };
import observationsJson from './standard/observations-table-schema.json' with { type: 'json' };

/**
 * The Camtrap DP version this app writes and reads, and its shipped schemas. Imported as JSON modules so they
 * travel inside the bundle: validation never needs the network.
 */
export const CAMTRAP_DP_VERSION = '1.0.2';
const STANDARD_URL = `https://raw.githubusercontent.com/tdwg/camtrap-dp/${CAMTRAP_DP_VERSION}`;
export const CAMTRAP_DP_PROFILE_URL = `${STANDARD_URL}/camtrap-dp-profile.json`;

export const CAMTRAP_TABLES = ['deployments', 'media', 'observations'] as const;
export type CamtrapTable = (typeof CAMTRAP_TABLES)[number];

export function tableSchemaUrl(table: CamtrapTable): string {
  return `${STANDARD_URL}/${table}-table-schema.json`;
}

const fieldNames = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (typeof v === 'string' ? [v] : v));

const tableField = z.object({
  name: z.string(),
  // The field types the three Camtrap DP tables use; a schema with another type fails to load, loudly.
  type: z.enum(['string', 'number', 'integer', 'boolean', 'datetime', 'date', 'any']),
  format: z.string().optional(),
  constraints: z
    .object({
      required: z.boolean().optional(),
      unique: z.boolean().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      enum: z.array(z.string()).optional(),
      pattern: z.string().optional(),
    })
    .default({}),
});

const tableSchema = z.object({
  name: z.string(),
  fields: z.array(tableField).min(1),
  missingValues: z.array(z.string()).default(['']),
  primaryKey: fieldNames.optional(),
  foreignKeys: z
    .array(
      z.object({ fields: fieldNames, reference: z.object({ resource: z.string(), fields: fieldNames }) }),
    )
    .default([]),
});

export type TableField = z.infer<typeof tableField>;
export type TableSchema = z.infer<typeof tableSchema>;

export const TABLE_SCHEMAS: Readonly<Record<CamtrapTable, TableSchema>> = {
  deployments: tableSchema.parse(deploymentsJson),
  media: tableSchema.parse(mediaJson),
  observations: tableSchema.parse(observationsJson),
};

/** The column names of a table, in the order its schema lists them (the order the header must have). */
export function tableFields(table: CamtrapTable): string[] {
  return TABLE_SCHEMAS[table].fields.map((f) => f.name);
}

const FRICTIONLESS_DATA_PACKAGE = 'https://specs.frictionlessdata.io/schemas/data-package.json';

const profileParts = z.looseObject({
  $defs: z.record(z.string(), z.unknown()),
  allOf: z.tuple([
    z.object({ $ref: z.literal(FRICTIONLESS_DATA_PACKAGE) }),
    z.looseObject({
      properties: z.looseObject({ spatial: z.looseObject({ $ref: z.string() }) }),
    }),
  ]),
});

/**
 * The Camtrap DP part of the profile, ready for Ajv. The profile is draft-04 and also requires the Frictionless
 * data-package schema and a GeoJSON schema, both by remote URL; neither is reachable offline (nor shipped), so
 * those two references are dropped and only Camtrap DP's own rules are checked (their keywords mean the same in
 * Ajv's default draft-07). The table schemas then check the CSVs themselves.
 */
export function camtrapProfileSchema(): Record<string, unknown> {
  const profile = profileParts.parse(structuredClone(profileJson));
  const camtrap = profile.allOf[1];
  const spatial = Object.fromEntries(
    Object.entries(camtrap.properties.spatial).filter(([k]) => k !== '$ref'),
  );
  return { $defs: profile.$defs, ...camtrap, properties: { ...camtrap.properties, spatial } };
}
