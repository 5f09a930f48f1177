import type { LabelledImage } from './labels';
import { sha256Hex } from '../sha256';

export interface EvaluationSplit {
  gallery: LabelledImage[];
  /** Queries whose individual is in the gallery. */
  known: LabelledImage[];
  /** Queries of individuals held out of the gallery entirely (open set). */
  unknown: LabelledImage[];
  unknownIndividuals: string[];
}

const UNKNOWN_SHARE = 0.2;

/**
 * The deterministic split of EVALUATION.md: the individuals whose SHA-256 id hash is in the lowest 20 % are
 * unknown; every other individual with 2+ images puts the first half (rounded up) of its images, ordered by
 * encounter then file, in the gallery, and queries the rest, from other encounters where it has several.
 */
export function splitForEvaluation(images: LabelledImage[]): EvaluationSplit {
  const byIndividual = new Map<string, LabelledImage[]>();
  for (const image of images) {
    const list = byIndividual.get(image.individualId) ?? [];
    list.push(image);
    byIndividual.set(image.individualId, list);
  }
  const hashOf = (id: string) => sha256Hex(id);
  const ids = [...byIndividual.keys()].sort((a, b) =>
    hashOf(a) < hashOf(b) ? -1 : hashOf(a) > hashOf(b) ? 1 : 0,
  );
  const unknownIndividuals = ids.slice(0, Math.round(ids.length * UNKNOWN_SHARE)).sort();
  const unknownSet = new Set(unknownIndividuals);

  const split: EvaluationSplit = { gallery: [], known: [], unknown: [], unknownIndividuals };
  for (const [id, list] of [...byIndividual.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ordered = [...list].sort(
      (a, b) =>
        (a.encounter ?? '').localeCompare(b.encounter ?? '') || (a.relativeFile < b.relativeFile ? -1 : 1),
    );
    if (unknownSet.has(id)) {
      split.unknown.push(...ordered);
      continue;
    }
    if (ordered.length < 2) {
      split.gallery.push(...ordered);
      continue;
    }
    const half = Math.ceil(ordered.length / 2);
    const gallery = ordered.slice(0, half);
    let queries = ordered.slice(half);
    const galleryEncounters = new Set(gallery.map((g) => g.encounter).filter((e) => e !== null));
    const encounters = new Set(ordered.map((g) => g.encounter));
    if (encounters.size > 1) {
      const fromOther = queries.filter((q) => q.encounter === null || !galleryEncounters.has(q.encounter));
      if (fromOther.length > 0) queries = fromOther;
    }
    split.gallery.push(...gallery);
    split.known.push(...queries);
  }
  return split;
}
