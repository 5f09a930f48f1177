import { readFile } from 'node:fs/promises';

/** The bytes of an imported photo, by its raw path bytes when its name is not valid UTF-8 (Linux allows that). */
export async function readMediaFile(row: { path: string; path_raw: Buffer | null }): Promise<Buffer> {
  return readFile(row.path_raw ?? row.path);
}
