import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { syntheticTigerPhoto } from '../../../electron/core/demo/synthetic-tigers';
import { runCli } from '../../support/run-cli';
import { withGallery } from './gallery-db';

/** A photo to seed: its tag (the file name without .jpg, which also sets the review order), tiger and view. */
export type Seed = [tag: string, tiger: number, view: number];

export interface ReviewGallery {
  /** Detection id by photo tag. */
  detection: Map<string, number>;
  /** Individual id by name ("Stripe 1" for the seed tagged s1). */
  individual: Map<string, number>;
}

/** The tag of a photo path written by seedReviewGallery ("…/q2.jpg" → "q2"). */
export const tagOf = (file: string) => /([a-z]\d)\.jpg$/.exec(file)?.[1] ?? file;

/**
 * Writes synthetic tiger photos, imports them with the CLI as a user would, and opens a new individual "Stripe N"
 * from each photo tagged in `known` (sN), so Review has a gallery to match the rest against.
 */
export async function seedReviewGallery(
  dataDir: string,
  folder: string,
  seeds: readonly Seed[],
  known: readonly string[],
): Promise<ReviewGallery> {
  mkdirSync(folder, { recursive: true });
  for (const [tag, tiger, view] of seeds)
    writeFileSync(join(folder, `${tag}.jpg`), await syntheticTigerPhoto(tiger, view));
  const imported = await runCli(['import', folder, '--data', dataDir]);
  expect(imported.code, imported.stderr).toBe(0);
  const detection = new Map<string, number>();
  withGallery(dataDir, (d) => {
    const rows = d
      .prepare('SELECT d.id, m.path FROM detections d JOIN media m ON m.id = d.media_id')
      .all() as { id: number; path: string }[];
    for (const r of rows) detection.set(tagOf(r.path), r.id);
  });
  expect(detection.size).toBe(seeds.length);
  const individual = new Map<string, number>();
  for (const tag of known) {
    const name = `Stripe ${tag.slice(1)}`;
    individual.set(name, await decideNewIndividual(dataDir, detection.get(tag) as number, name));
  }
  return { detection, individual };
}

/** Decides a detection as a new individual named `name` with the CLI, as a user would; returns the individual's id. */
export async function decideNewIndividual(
  dataDir: string,
  detectionId: number,
  name: string,
): Promise<number> {
  const decided = await runCli([
    'decide',
    String(detectionId),
    'new-individual',
    '--name',
    name,
    '--data',
    dataDir,
    '--json',
  ]);
  expect(decided.code, decided.stderr).toBe(0);
  return (JSON.parse(decided.stdout) as { individualId: number }).individualId;
}

/**
 * A known tiger beside a camera's card, both imported with the CLI: s1.jpg (tiger 1) at station C1, and the photos
 * `writeCard` writes into the card folder at station C12 (folders `known` and `card` under `root`).
 */
export async function importKnownAndCard(
  dataDir: string,
  root: string,
  writeCard: (card: string) => Promise<void>,
): Promise<void> {
  const known = join(root, 'known');
  const card = join(root, 'card');
  mkdirSync(known, { recursive: true });
  mkdirSync(card, { recursive: true });
  writeFileSync(join(known, 's1.jpg'), await syntheticTigerPhoto(1, 5));
  await writeCard(card);
  for (const [folder, station] of [
    [known, 'C1'],
    [card, 'C12'],
  ] as const) {
    const imported = await runCli(['import', folder, '--station', station, '--data', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
  }
}
