import type { Flank } from '../../gallery/individuals';

/** The one taxon the gallery identifies, as Camtrap DP's taxonomic coverage lists it. */
export const TIGER = {
  scientificName: 'Panthera tigris',
  taxonRank: 'species',
  vernacularNames: { eng: 'tiger' },
} as const;

/** Panthera tigris or one of its subspecies ("Panthera tigris sumatrae"). */
export function isTiger(scientificName: string): boolean {
  return /^panthera tigris(?: [a-z]+)?$/i.test(scientificName.trim());
}

/**
 * observationTags is a pipe-separated list of tags, optionally `key:value` (the standard's example writes
 * "area:HS | season:spring"); the gallery's flank is the `flank` tag.
 */
const FLANK_TAG = /^flank:(left|right|unknown)$/i;

function splitTags(tags: string): string[] {
  return tags
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

export function flankOfTags(tags: string): Flank {
  for (const tag of splitTags(tags)) {
    const flank = FLANK_TAG.exec(tag)?.[1];
    if (flank !== undefined) return flank.toLowerCase() as Flank;
  }
  return 'unknown';
}

/** The tags with the flank tag set to the gallery's flank (none when it is unknown); other tags are kept. */
export function withFlankTag(tags: string, flank: Flank): string {
  if (flankOfTags(tags) === flank) return tags;
  const others = splitTags(tags).filter((t) => !FLANK_TAG.test(t));
  return [...others, ...(flank === 'unknown' ? [] : [`flank:${flank}`])].join(' | ');
}
