/**
 * Synchronised zoom and pan for the compare view. The view state is in fractions of the pane, so two panes of
 * different pixel sizes show the same region: CSS `transform: translate(x*100%, y*100%) scale(scale)` with
 * `transform-origin: 0 0` on content that fills the pane.
 */
export interface View {
  scale: number;
  /** Left edge of the content, in pane widths (0 at scale 1; between 1 - scale and 0). */
  x: number;
  /** Top edge of the content, in pane heights. */
  y: number;
}

export const IDENTITY: View = { scale: 1, x: 0, y: 0 };
export const MIN_SCALE = 1;
export const MAX_SCALE = 8;

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Keeps the content covering the pane: no empty gaps at the edges. */
export function clampView(v: View): View {
  const scale = clamp(v.scale, MIN_SCALE, MAX_SCALE);
  return { scale, x: clamp(v.x, 1 - scale, 0), y: clamp(v.y, 1 - scale, 0) };
}

/** Zooms by `factor` about a point of the pane (fractions 0..1), keeping that point still. */
export function zoomAt(v: View, factor: number, px: number, py: number): View {
  const scale = clamp(v.scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / v.scale;
  return clampView({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k });
}

/** Pans by a drag of (dx, dy) in fractions of the pane. */
export function panBy(v: View, dx: number, dy: number): View {
  return clampView({ scale: v.scale, x: v.x + dx, y: v.y + dy });
}

/** A wheel event's zoom factor: smooth for trackpads, one step per notch for mice. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-clamp(pixels, -200, 200) / 400);
}

export function viewTransform(v: View): string {
  return `translate(${(v.x * 100).toFixed(3)}%, ${(v.y * 100).toFixed(3)}%) scale(${v.scale.toFixed(4)})`;
}
