/**
 * The full licence texts that ship with the app for the models whose terms ask copies to carry them (ALIKE's BSD-3:
 * the converted model is a binary copy of its weights). One notice per text, naming every model it covers.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, messageOf } from '../errors';
import type { Manifest } from './manifest';

export interface LicenceText {
  /** The manifest's models under this text. */
  models: string[];
  /** The licence as the manifest names it. */
  licence: string;
  text: string;
}

export async function licenceTexts(manifest: Manifest, modelsFolder: string): Promise<LicenceText[]> {
  const byFile = new Map<string, { models: string[]; licence: string }>();
  for (const entry of manifest.models) {
    if (entry.licenceFile === undefined) continue;
    const known = byFile.get(entry.licenceFile);
    if (known) known.models.push(entry.id);
    else byFile.set(entry.licenceFile, { models: [entry.id], licence: entry.licence });
  }
  const texts: LicenceText[] = [];
  for (const [file, { models, licence }] of byFile) {
    const path = join(modelsFolder, 'licences', file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // A package without the text it must carry is broken: say which file, never show an empty notice.
      throw new EngineError(
        'NOT_FOUND',
        `The licence text ${path} of ${models.join(', ')} is missing: ${messageOf(error)}`,
        {
          details: { path },
        },
      );
    }
    texts.push({ models, licence, text });
  }
  return texts;
}
