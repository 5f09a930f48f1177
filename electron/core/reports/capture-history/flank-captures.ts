import type { Flank } from '../../gallery/individuals';
import { captureInstant } from './calendar';

/**
 * Captures typed by flank for two-flank spatial partial identity models (Augustine et al. 2018, "Spatial
 * capture–recapture with partial identity: an application to camera traps", Ann. Appl. Stat. 12:67; R package
 * SPIM, `build.data(input, K, X, IDknown, ...)`). SPIM takes one row per capture event with columns ID, trap,
 * occ and type: "B" when both flanks were photographed together (a paired station firing at once), else "L" or
 * "R". Individuals whose left and right flanks are linked (complete identities) must be numbered 1..nC, those
 * with a both-flank capture first; the rest are partial identities that the model may still join.
 */

/** Opposite flanks of one individual at one station this close in time are one both-flank capture event. */
export const BOTH_FLANKS_WINDOW_SECONDS = 60;

export type FlankType = 'B' | 'L' | 'R';

export interface FlankSighting {
  individualCode: string;
  flank: Flank;
  trap: number;
  occasion: number;
  capturedAt: string;
}

export interface FlankCapture {
  id: number;
  trap: number;
  occasion: number;
  type: FlankType;
  code: string;
}

export interface FlankIndividual {
  id: number;
  code: string;
  complete: boolean;
  /** Which flank a partial identity shows; "both" for complete ones. */
  flank: 'both' | 'left' | 'right';
}

export interface FlankHistory {
  captures: FlankCapture[];
  individuals: FlankIndividual[];
}

/**
 * Types each left/right sighting B, L or R and numbers the individuals as SPIM requires. `galleryFlanks` holds,
 * per individual code, the flanks the gallery knows: an individual known by both flanks is a complete identity
 * (the reviewers linked them), even when this period shows only one. Unknown-flank sightings must be filtered
 * out by the caller.
 */
export function flankHistory(
  sightings: readonly FlankSighting[],
  galleryFlanks: ReadonlyMap<string, ReadonlySet<Flank>>,
): FlankHistory {
  const rows = new Map<string, Omit<FlankCapture, 'id'>>();
  for (const s of typedSightings(sightings)) {
    const row = { trap: s.trap, occasion: s.occasion, type: s.type, code: s.individualCode };
    rows.set(`${row.code}\u0000${row.trap}\u0000${row.occasion}\u0000${row.type}`, row);
  }

  const shownFlank = new Map<string, Flank>();
  for (const s of sightings) if (!shownFlank.has(s.individualCode)) shownFlank.set(s.individualCode, s.flank);
  const codes = [...shownFlank.keys()].sort();
  const withBoth = new Set([...rows.values()].filter((r) => r.type === 'B').map((r) => r.code));
  const linked = (code: string) => {
    const flanks = galleryFlanks.get(code);
    return flanks !== undefined && flanks.has('left') && flanks.has('right');
  };
  const ordered = [
    ...codes.filter((c) => withBoth.has(c)),
    ...codes.filter((c) => !withBoth.has(c) && linked(c)),
    ...codes.filter((c) => !withBoth.has(c) && !linked(c)),
  ];
  const individuals = ordered.map((code, i): FlankIndividual => {
    const complete = withBoth.has(code) || linked(code);
    const flank = complete ? 'both' : shownFlank.get(code) === 'left' ? 'left' : 'right';
    return { id: i + 1, code, complete, flank };
  });
  const idOf = new Map(individuals.map((i) => [i.code, i.id]));
  const captures = [...rows.values()]
    .map((r) => ({ ...r, id: idOf.get(r.code) as number }))
    .sort(
      (a, b) => a.id - b.id || a.occasion - b.occasion || a.trap - b.trap || a.type.localeCompare(b.type),
    );
  return { captures, individuals };
}

/** B when the same individual's opposite flank was photographed at the same trap within the window, else L or R. */
function typedSightings(sightings: readonly FlankSighting[]): (FlankSighting & { type: FlankType })[] {
  const groups = new Map<string, { flank: Flank; at: number }[]>();
  const keyed = sightings.map((s) => {
    const key = `${s.individualCode}\u0000${s.trap}`;
    const entry = { flank: s.flank, at: captureInstant(s.capturedAt) };
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
    return { sighting: s, key, ...entry };
  });
  const windowMs = BOTH_FLANKS_WINDOW_SECONDS * 1000;
  return keyed.map(({ sighting, key, flank, at }) => {
    const paired = (groups.get(key) ?? []).some((o) => o.flank !== flank && Math.abs(o.at - at) <= windowMs);
    const type: FlankType = paired ? 'B' : flank === 'left' ? 'L' : 'R';
    return { ...sighting, type };
  });
}
