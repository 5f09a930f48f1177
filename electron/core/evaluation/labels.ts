import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseCsv } from '../csv';
import { EngineError } from '../errors';
import type { Flank } from '../gallery/individuals';

export interface LabelledImage {
  individualId: string;
  /** Absolute path. */
  file: string;
  /** As written in the CSV, for reports. */
  relativeFile: string;
  flank: Flank;
  encounter: string | null;
  /** The camera station the frame comes from: its frames serve as each other's background (a fixed camera). */
  station: string | null;
}

const rowSchema = z.object({
  individual_id: z.string().trim().min(1, 'individual_id is empty'),
  file: z.string().trim().min(1, 'file is empty'),
  flank: z.enum(['left', 'right', 'unknown', '']).default(''),
  encounter: z.string().trim().default(''),
  station: z.string().trim().default(''),
});

/**
 * Reads an evaluation labels file: a header with at least `individual_id,file`, optional `flank`, `encounter` and
 * `station`.
 * Files are relative to the CSV's folder or `root`. Every problem names the line.
 */
export function readLabels(csvPath: string, root?: string): LabelledImage[] {
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (error) {
    throw new EngineError(
      'FILE_UNREADABLE',
      `Cannot read the labels file ${csvPath}: ${(error as Error).message}`,
    );
  }
  const rows = parseCsv(text, csvPath);
  const header = rows.shift();
  if (!header)
    throw new EngineError('CSV_INVALID', `${csvPath} is empty; expected a header "individual_id,file".`);
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  for (const required of ['individual_id', 'file']) {
    if (!columns.includes(required)) {
      throw new EngineError(
        'CSV_INVALID',
        `${csvPath}: the header has no "${required}" column (found: ${columns.join(', ') || 'nothing'}).`,
      );
    }
  }
  const base = root ?? dirname(csvPath);
  const seen = new Set<string>();
  return rows.map(({ line, fields }) => {
    if (fields.length !== columns.length) {
      throw new EngineError(
        'CSV_INVALID',
        `${csvPath}, line ${line}: ${fields.length} fields where the header has ${columns.length}.`,
      );
    }
    const parsed = rowSchema.safeParse(Object.fromEntries(columns.map((c, i) => [c, fields[i]])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EngineError(
        'CSV_INVALID',
        `${csvPath}, line ${line}: ${issue?.path.join('.')}: ${issue?.message}`,
      );
    }
    const file = isAbsolute(parsed.data.file) ? parsed.data.file : resolve(base, parsed.data.file);
    if (seen.has(file))
      throw new EngineError('CSV_INVALID', `${csvPath}, line ${line}: ${parsed.data.file} is listed twice.`);
    seen.add(file);
    return {
      individualId: parsed.data.individual_id,
      file,
      relativeFile: parsed.data.file,
      flank: (parsed.data.flank || 'unknown') as Flank,
      encounter: parsed.data.encounter || null,
      station: parsed.data.station || null,
    };
  });
}
