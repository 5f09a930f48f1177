import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parseCsv } from '../../csv';
import { isEngineError } from '../../errors';
import { describeFileError, isSystemError } from '../../images/file-access';
import { CAMTRAP_TABLES, camtrapProfileSchema, TABLE_SCHEMAS, type CamtrapTable } from './schemas';
import {
  checkForeignKeys,
  checkTable,
  type CheckedTable,
  type ReportError,
  type ValidationError,
} from './table-schema';

export type { ValidationError } from './table-schema';

export interface CamtrapValidation {
  valid: boolean;
  errors: ValidationError[];
}

/** A package that passed validation: its descriptor and its three tables. */
export interface CamtrapPackage {
  descriptor: Record<string, unknown>;
  tables: Record<CamtrapTable, CheckedTable>;
}

/** Reads one file of a package by its path inside the package; undefined when there is no such file. */
export type PackageFiles = (path: string) => Promise<string | undefined>;

const DESCRIPTOR = 'datapackage.json';
/** Past this many problems in one file the rest are counted, not listed: one bad column can fail every row. */
const MAX_ERRORS_PER_FILE = 200;

/**
 * Validates a Camtrap DP 1.0.2 package in a folder: datapackage.json against the Camtrap DP profile, then each
 * CSV against its table schema, then the keys that link the tables.
 */
export async function validateCamtrapDp(dir: string): Promise<CamtrapValidation> {
  const { errors } = await readCamtrapDp(folderFiles(dir));
  return { valid: errors.length === 0, errors };
}

/** Reads and validates a package; `pkg` is present only when there were no errors. */
export async function readCamtrapDp(
  files: PackageFiles,
): Promise<{ errors: ValidationError[]; pkg?: CamtrapPackage }> {
  const errors = new ErrorList();
  const descriptor = await readDescriptor(files, errors.report);
  if (descriptor === undefined) return { errors: errors.list() };

  const tables: Partial<Record<CamtrapTable, CheckedTable>> = {};
  for (const table of CAMTRAP_TABLES) {
    const checked = await readTable(files, descriptor, table, errors.report);
    if (checked !== null) tables[table] = checked;
  }
  for (const table of Object.values(tables)) {
    checkForeignKeys(table, (name) => tables[name as CamtrapTable], errors.report);
  }
  const list = errors.list();
  if (list.length > 0 || !hasAllTables(tables)) return { errors: list };
  return { errors: list, pkg: { descriptor, tables } };
}

/** Files of a package folder; a path that would leave the folder reads as absent. */
export function folderFiles(dir: string): PackageFiles {
  const root = resolve(dir);
  return async (path) => {
    const target = resolve(root, path);
    const rel = relative(root, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    try {
      return await readFile(target, 'utf8');
    } catch (error) {
      if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
      throw error;
    }
  };
}

/** "media.csv, row 12, timestamp: ..." for logs and the CLI. */
export function describeValidationError(error: ValidationError): string {
  const where = [error.file, error.row === undefined ? null : `row ${error.row}`].filter((p) => p !== null);
  return `${where.join(', ')}: ${error.message}`;
}

async function readDescriptor(
  files: PackageFiles,
  report: ReportError,
): Promise<Record<string, unknown> | undefined> {
  const text = await readText(files, DESCRIPTOR, report);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    report({ file: DESCRIPTOR, message: `not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    report({ file: DESCRIPTOR, message: 'must hold a JSON object (the data package descriptor)' });
    return undefined;
  }
  const validate = profileValidator();
  if (!validate(json)) {
    for (const issue of withoutAlternatives(validate.errors ?? [])) report(profileError(issue));
  }
  return json as Record<string, unknown>;
}

async function readTable(
  files: PackageFiles,
  descriptor: Record<string, unknown>,
  table: CamtrapTable,
  report: ReportError,
): Promise<CheckedTable | null> {
  const resources = Array.isArray(descriptor.resources) ? (descriptor.resources as unknown[]) : [];
  const resource = resources.find(
    (r): r is Record<string, unknown> =>
      typeof r === 'object' && r !== null && (r as Record<string, unknown>).name === table,
  );
  if (resource === undefined) {
    report({ file: DESCRIPTOR, field: 'resources', message: `the package has no "${table}" resource` });
    return null;
  }
  const { path, schema } = resource;
  const field = `resources.${table}`;
  if (typeof schema === 'string' && !schema.endsWith(`/${table}-table-schema.json`)) {
    report({
      file: DESCRIPTOR,
      field: `${field}.schema`,
      message: `the "${table}" resource must use the Camtrap DP ${table} table schema, not ${schema}`,
    });
  }
  if (typeof path !== 'string') {
    report({
      file: DESCRIPTOR,
      field: `${field}.path`,
      message: `the "${table}" resource must name one CSV file as its path`,
    });
    return null;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    report({
      file: DESCRIPTOR,
      field: `${field}.path`,
      message: `the "${table}" resource is at ${path}; only tables inside the package folder can be read`,
    });
    return null;
  }
  const text = await readText(files, path, report);
  if (text === undefined) return null;
  let rows: { line: number; fields: string[] }[];
  try {
    rows = parseCsv(text, path);
  } catch (error) {
    if (!isEngineError(error, 'CSV_INVALID')) throw error;
    report({ file: path, message: error.message });
    return null;
  }
  return checkTable(TABLE_SCHEMAS[table], path, rows, report);
}

async function readText(files: PackageFiles, path: string, report: ReportError): Promise<string | undefined> {
  try {
    const text = await files(path);
    if (text === undefined) report({ file: path, message: `${path} is missing from the package` });
    return text;
  } catch (error) {
    report({ file: path, message: `cannot be read: ${describeFileError(error)}` });
    return undefined;
  }
}

function profileValidator() {
  // Camtrap DP's own keywords (skos:*, example) are annotations; declaring them keeps Ajv's strict mode on.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addVocabulary(['skos:exactMatch', 'skos:broadMatch', 'example']);
  addFormats(ajv);
  return ajv.compile(camtrapProfileSchema());
}

/**
 * A resource fails the profile's oneOf (a Camtrap DP table, or another resource) with one issue per branch; the
 * specific ones ("must have required property 'schema'") say what to fix, the branch summaries only add noise.
 */
function withoutAlternatives(issues: ErrorObject[]): ErrorObject[] {
  const item = (path: string): string => path.split('/').slice(0, 3).join('/');
  const isSummary = (issue: ErrorObject): boolean => issue.keyword === 'oneOf' || issue.keyword === 'not';
  return issues.filter(
    (issue) =>
      !isSummary(issue) ||
      !issues.some((other) => !isSummary(other) && item(other.instancePath) === item(issue.instancePath)),
  );
}

function profileError(issue: ErrorObject): ValidationError {
  const field = issue.instancePath.slice(1).replaceAll('/', '.');
  const message =
    issue.keyword === 'enum'
      ? `must be one of: ${(issue.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
      : (issue.message ?? 'is invalid');
  return {
    file: DESCRIPTOR,
    ...(field === '' ? {} : { field }),
    message: `${field === '' ? 'the package' : field} ${message}`,
  };
}

function hasAllTables(
  tables: Partial<Record<CamtrapTable, CheckedTable>>,
): tables is Record<CamtrapTable, CheckedTable> {
  return CAMTRAP_TABLES.every((t) => tables[t] !== undefined);
}

/** Collects problems, listing at most MAX_ERRORS_PER_FILE per file and counting the rest. */
class ErrorList {
  private readonly errors: ValidationError[] = [];
  private readonly perFile = new Map<string, number>();

  readonly report: ReportError = (error) => {
    const count = (this.perFile.get(error.file) ?? 0) + 1;
    this.perFile.set(error.file, count);
    if (count <= MAX_ERRORS_PER_FILE) this.errors.push(error);
  };

  list(): ValidationError[] {
    const more = [...this.perFile]
      .filter(([, count]) => count > MAX_ERRORS_PER_FILE)
      .map(([file, count]) => ({
        file,
        message: `${count - MAX_ERRORS_PER_FILE} more problem(s) in ${file} are not listed`,
      }));
    return [...this.errors, ...more];
  }
}
