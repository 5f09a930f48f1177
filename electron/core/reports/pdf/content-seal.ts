import { sha256Hex } from '../../sha256';

/**
 * The seal printed on a match report: a SHA-256 of what the report states, not of the PDF file (a file cannot
 * contain the hash of its own bytes, and re-saving a PDF changes its bytes without changing what it says).
 *
 * The rule, so that anyone can recompute it:
 *   1. The report's content is one JSON value (`ReportContent`): every fact the pages print, including the
 *      SHA-256 recorded for each photo file and whether the file on disk still had that hash.
 *   2. It is written in canonical form (the JSON Canonicalization Scheme, RFC 8785): object members sorted by
 *      key (UTF-16 code units), no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them.
 *   3. Those UTF-8 bytes are attached to the PDF as `report-content.json`; the seal is their SHA-256 in lowercase
 *      hex, printed on the first page and stored in the document information (Keywords and TigerIDContentSHA256).
 * A recipient extracts the attachment (e.g. `pdfdetach -saveall`), hashes it, and compares it with the printed
 * seal and with what the pages say.
 */

/** Canonical JSON (RFC 8785) of plain data; refuses what JSON cannot represent instead of silently dropping it. */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`Expected finite number at ${path} but received ${value}`);
    // JSON.stringify writes -0 as 0, as RFC 8785 requires.
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new TypeError(`Expected JSON data at ${path} but received ${typeof value}`);
}

export interface ContentSeal {
  /** The canonical JSON, as attached to the PDF. */
  json: string;
  sha256: string;
  /** Printed in every page footer: the seal's first 16 hex digits, so each page names the content it belongs to. */
  reportId: string;
}

export function sealContent(content: unknown): ContentSeal {
  const json = canonicalJson(content);
  const sha256 = sha256Hex(json);
  return { json, sha256, reportId: sha256.slice(0, 16) };
}
