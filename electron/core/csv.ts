import { EngineError } from './errors';

/**
 * RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Rows come with their 1-based line number so errors
 * in a user's file can name the line.
 */
export function parseCsv(text: string, source: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      rowLine = line;
    } else if (c === '"') {
      throw new EngineError('CSV_INVALID', `${source}, line ${line}: a quote inside an unquoted field`);
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted)
    throw new EngineError('CSV_INVALID', `${source}, line ${rowLine}: a quoted field is never closed`);
  if (fieldStarted || fields.length > 0) {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  return rows;
}

/** One CSV line; fields with commas, quotes or line breaks are quoted. */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values
    .map((v) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',')}\n`;
}
