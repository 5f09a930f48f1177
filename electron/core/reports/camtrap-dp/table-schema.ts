import type { TableField, TableSchema } from './schemas';

/**
 * A small Frictionless Table Schema validator, for the parts of the spec the Camtrap DP tables use: the header,
 * field types (string, number, integer, boolean, date/datetime with strptime formats, any), the required,
 * unique, enum, minimum/maximum and pattern constraints, missing values, primary and foreign keys.
 */

export interface ValidationError {
  file: string;
  /** Line number in the file (the header is row 1). */
  row?: number;
  field?: string;
  message: string;
}

export type ReportError = (error: ValidationError) => void;

export interface CsvRow {
  line: number;
  fields: string[];
}

/** A table whose header matched its schema; `rows` are the data rows with as many values as the header. */
export interface CheckedTable {
  file: string;
  schema: TableSchema;
  rows: CsvRow[];
}

const TRUE_VALUES = new Set(['true', 'True', 'TRUE', '1']);
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', '0']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|INF|-INF)$/;
const INTEGER = /^[+-]?\d+$/;

type CellCheck = (value: string) => string | null;

/**
 * Checks one CSV (rows as parsed, header first) against its table schema. Returns the table for the foreign-key
 * pass, or null when the header is wrong (every row would be misread, so rows are not checked then).
 */
export function checkTable(
  schema: TableSchema,
  file: string,
  csvRows: CsvRow[],
  report: ReportError,
): CheckedTable | null {
  const expected = schema.fields.map((f) => f.name);
  const [header, ...body] = csvRows;
  if (header === undefined) {
    report({ file, message: `the file is empty; its first row must be the header: ${expected.join(',')}` });
    return null;
  }
  const headerProblem = compareHeader(header.fields, expected);
  if (headerProblem !== null) {
    report({ file, row: header.line, ...headerProblem });
    return null;
  }

  const missing = new Set(schema.missingValues);
  const primaryKey = schema.primaryKey ?? [];
  const checks = schema.fields.map((field) => compileField(field));
  const required = schema.fields.map((f) => f.constraints.required === true || primaryKey.includes(f.name));
  const keys = uniqueKeys(schema).map((names) => ({
    names,
    indexes: names.map((n) => expected.indexOf(n)),
    isPrimary: sameNames(names, primaryKey),
    seen: new Map<string, number>(),
  }));

  const rows: CsvRow[] = [];
  for (const row of body) {
    if (row.fields.length !== expected.length) {
      report({
        file,
        row: row.line,
        message: `the row has ${row.fields.length} values; the header has ${expected.length} columns`,
      });
      continue;
    }
    rows.push(row);
    for (let i = 0; i < expected.length; i++) {
      const value = row.fields[i] as string;
      const field = expected[i] as string;
      if (missing.has(value)) {
        if (required[i]) report({ file, row: row.line, field, message: `${field} is required` });
        continue;
      }
      const problem = (checks[i] as CellCheck)(value);
      if (problem !== null) report({ file, row: row.line, field, message: problem });
    }
    for (const key of keys) {
      const values = key.indexes.map((i) => row.fields[i] as string);
      if (values.some((v) => missing.has(v))) continue;
      const id = keyOf(values);
      const first = key.seen.get(id);
      if (first === undefined) key.seen.set(id, row.line);
      else {
        report({
          file,
          row: row.line,
          field: key.names.join(','),
          message: `${key.names.join(', ')} "${values.join('", "')}" is not unique${key.isPrimary ? ' (primary key)' : ''}: row ${first} has it too`,
        });
      }
    }
  }
  return { file, schema, rows };
}

/** Checks every foreign key of `table` against the rows of the tables it references (by resource name). */
export function checkForeignKeys(
  table: CheckedTable,
  referenced: (resource: string) => CheckedTable | undefined,
  report: ReportError,
): void {
  const names = table.schema.fields.map((f) => f.name);
  const missing = new Set(table.schema.missingValues);
  for (const fk of table.schema.foreignKeys) {
    // An empty resource name refers to the table itself (Table Schema's self-reference).
    const target = fk.reference.resource === '' ? table : referenced(fk.reference.resource);
    if (target === undefined) continue; // that table is absent or unreadable: already reported
    const targetNames = target.schema.fields.map((f) => f.name);
    const targetIndexes = fk.reference.fields.map((n) => targetNames.indexOf(n));
    const known = new Set(target.rows.map((r) => keyOf(targetIndexes.map((i) => r.fields[i] as string))));
    const indexes = fk.fields.map((n) => names.indexOf(n));
    for (const row of table.rows) {
      const values = indexes.map((i) => row.fields[i] as string);
      if (values.every((v) => missing.has(v)) || known.has(keyOf(values))) continue;
      report({
        file: table.file,
        row: row.line,
        field: fk.fields.join(','),
        message: `${fk.fields.join(', ')} "${values.join('", "')}" matches no ${fk.reference.fields.join(', ')} in ${target.file}`,
      });
    }
  }
}

/** One string per key: a single field's value as it is, several joined by NUL (which IDs do not contain). */
function keyOf(values: string[]): string {
  return values.length === 1 ? (values[0] as string) : values.join('\u0000');
}

function compareHeader(found: string[], expected: string[]): { field?: string; message: string } | null {
  const order = `the header must list the ${expected.length} fields of the table schema in this order: ${expected.join(',')}`;
  for (let i = 0; i < Math.max(found.length, expected.length); i++) {
    const want = expected[i];
    const got = found[i];
    if (want === got) continue;
    if (want === undefined)
      return { message: `column ${i + 1} "${got}" is not a field of the table; ${order}` };
    if (got === undefined) return { field: want, message: `column ${want} is missing; ${order}` };
    return { field: want, message: `column ${i + 1} is "${got}" where ${want} belongs; ${order}` };
  }
  return null;
}

/** Field lists whose values must be unique: each unique field, and the primary key. */
function uniqueKeys(schema: TableSchema): string[][] {
  const keys = schema.fields.filter((f) => f.constraints.unique === true).map((f) => [f.name]);
  const primaryKey = schema.primaryKey;
  if (primaryKey && !keys.some((k) => sameNames(k, primaryKey))) keys.push(primaryKey);
  return keys;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function compileField(field: TableField): CellCheck {
  const { name, constraints: c } = field;
  const checks: CellCheck[] = [typeCheck(field)];
  if (c.enum !== undefined) {
    const allowed = new Set(c.enum);
    const list = c.enum.join(', ');
    checks.push((v) => (allowed.has(v) ? null : `${name} must be one of: ${list} (found "${v}")`));
  }
  if (c.pattern !== undefined) {
    // Table Schema patterns match the whole value (XML Schema semantics).
    const pattern = new RegExp(`^(?:${c.pattern})$`);
    checks.push((v) => (pattern.test(v) ? null : `${name} "${v}" does not match the pattern ${c.pattern}`));
  }
  if (c.minimum !== undefined || c.maximum !== undefined) {
    if (field.type !== 'number' && field.type !== 'integer') {
      throw new TypeError(`Table Schema ${name}: minimum/maximum on a ${field.type} field is not supported`);
    }
    const { minimum, maximum } = c;
    checks.push((v) => {
      const n = Number(v.replace('INF', 'Infinity'));
      if (minimum !== undefined && n < minimum) return `${name} is ${v}, below the minimum ${minimum}`;
      if (maximum !== undefined && n > maximum) return `${name} is ${v}, above the maximum ${maximum}`;
      return null;
    });
  }
  // Constraints are checked only once the value has the field's type.
  return (value) => {
    for (const check of checks) {
      const problem = check(value);
      if (problem !== null) return problem;
    }
    return null;
  };
}

function typeCheck(field: TableField): CellCheck {
  const { name, type, format } = field;
  switch (type) {
    case 'string':
    case 'any':
      if (format !== undefined && format !== 'default') {
        throw new TypeError(`Table Schema ${name}: ${type} format "${format}" is not supported`);
      }
      return () => null;
    case 'number':
      return (v) => (NUMBER.test(v) ? null : `${name} must be a number, not "${v}"`);
    case 'integer':
      return (v) => (INTEGER.test(v) ? null : `${name} must be an integer, not "${v}"`);
    case 'boolean':
      return (v) =>
        TRUE_VALUES.has(v) || FALSE_VALUES.has(v) ? null : `${name} must be true or false, not "${v}"`;
    case 'date':
    case 'datetime': {
      const temporal = compileTemporalFormat(format, type);
      return (v) =>
        temporal.matches(v) ? null : `${name} "${v}" is not a valid ${type} of the form ${temporal.shown}`;
    }
  }
}

/** strptime directives Table Schema formats use, with the readable form shown in messages. */
const DIRECTIVES: Record<string, { pattern: string; shown: string }> = {
  Y: { pattern: '(?<year>\\d{4})', shown: 'YYYY' },
  m: { pattern: '(?<month>\\d{2})', shown: 'MM' },
  d: { pattern: '(?<day>\\d{2})', shown: 'DD' },
  H: { pattern: '(?<hour>\\d{2})', shown: 'hh' },
  M: { pattern: '(?<minute>\\d{2})', shown: 'mm' },
  S: { pattern: '(?<second>\\d{2})', shown: 'ss' },
  // Python's %z, which Frictionless uses: Z, ±hhmm or ±hh:mm.
  z: { pattern: '(?:Z|[+-](?<zh>\\d{2}):?(?<zm>\\d{2}))', shown: '±hh:mm (or Z)' },
  '%': { pattern: '%', shown: '%' },
};

/** Table Schema's defaults: ISO 8601, the datetime in UTC. */
const DEFAULT_FORMATS = { date: '%Y-%m-%d', datetime: '%Y-%m-%dT%H:%M:%SZ' };

function compileTemporalFormat(
  format: string | undefined,
  type: 'date' | 'datetime',
): { matches(value: string): boolean; shown: string } {
  const strptime = format === undefined || format === 'default' ? DEFAULT_FORMATS[type] : format;
  let pattern = '';
  let shown = '';
  for (let i = 0; i < strptime.length; i++) {
    const c = strptime[i] as string;
    if (c !== '%') {
      pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      shown += c;
      continue;
    }
    const directive = DIRECTIVES[strptime[++i] ?? ''];
    if (directive === undefined) {
      throw new TypeError(
        `Table Schema ${type} format "${strptime}": only %Y %m %d %H %M %S %z are supported`,
      );
    }
    pattern += directive.pattern;
    shown += directive.shown;
  }
  const regex = new RegExp(`^${pattern}$`);
  return {
    shown,
    matches(value) {
      const groups = regex.exec(value)?.groups;
      if (groups === undefined) return false;
      const n = (key: string, absent: number): number =>
        groups[key] === undefined ? absent : Number(groups[key]);
      const year = n('year', 2000);
      const month = n('month', 1);
      const day = n('day', 1);
      const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return (
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysInMonth &&
        n('hour', 0) <= 23 &&
        n('minute', 0) <= 59 &&
        n('second', 0) <= 59 &&
        n('zh', 0) <= 23 &&
        n('zm', 0) <= 59
      );
    },
  };
}
