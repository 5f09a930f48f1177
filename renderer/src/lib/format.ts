import type { DetectionViewDto, Flank } from '../../../electron/core/api';

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Camera capture times are local wall-clock times: shown as written, never shifted to the viewer's zone. */
export function formatCaptureTime(t: string | null): string {
  if (!t) return 'No capture time';
  const m = /^(\d{4})[-:](\d{2})[-:](\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(t);
  if (!m) return t;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const date = `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
  return m[4] ? `${date}, ${m[4]}:${m[5]}` : date;
}

export function formatDate(t: string | null): string {
  if (!t) return '—';
  return formatCaptureTime(t).split(',')[0] ?? t;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return `${h} h ${minutes % 60} min`;
}

export function formatScore(score: number): string {
  return score.toFixed(2);
}

export function flankLabel(f: Flank): string {
  return f === 'left' ? 'Left flank' : f === 'right' ? 'Right flank' : 'Flank unknown';
}

const VIEW_WORDS: Record<NonNullable<DetectionViewDto['view']>, string> = {
  flank: 'Side view (flank)',
  'face-or-rump': 'Face or rump (end-on)',
  partial: 'Partial (cut by the frame)',
  'too-small': 'Too small',
  blurred: 'Blurred',
  featureless: 'Too plain for stripes',
};

/** A detection's view in words, with whether it identifies and who said so. */
export function viewLabel(v: DetectionViewDto): string {
  if (v.identifiable === null) return 'Not judged';
  const seen = v.view === null ? '' : `${VIEW_WORDS[v.view]} · `;
  const verdict = v.identifiable ? 'identifies' : 'not identifiable';
  return `${seen}${verdict}${v.source === 'reviewer' ? ' (set by the reviewer)' : ''}`;
}

/** How a detection's box was found, in words: every box says where it came from. */
export function boxSourceLabel(d: { detector: string; confidence: number | null }): string {
  if (d.confidence !== null) return `${Math.round(d.confidence * 100)}% sure it is an animal (${d.detector})`;
  switch (d.detector) {
    case 'whole-frame':
      return 'Whole photo (no detector)';
    case 'background':
      return 'Differs from the camera’s empty background';
    case 'burst-motion':
      return 'Moved between the frames of its burst';
    case 'drawn':
      return 'Drawn by hand';
    default:
      return d.detector.startsWith('camtrap-dp') ? 'Box from an imported survey' : d.detector;
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export const PHASE_LABELS: Record<string, string> = {
  scan: 'Finding photos',
  import: 'Importing photos',
  localise: 'Comparing each camera’s frames',
  analyse: 'Finding tigers in the photos',
};

export function phaseLabel(phase: string): string {
  return PHASE_LABELS[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1);
}

export function individualLabel(i: { code: string; name: string | null }): string {
  return i.name ? `${i.name} (${i.code})` : i.code;
}

/** A moment recorded by the app (UTC ISO), shown in the viewer's own time. */
export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The matcher id in words. The id lists what ran ("builtin-stripes@3 + megadescriptor-l-384@1a2b3c4d + detector
 * whole-frame"): the built-in stripe matcher always, each installed recognition model, then the detector.
 */
export function matcherLabel(matcher: string): string {
  const parts = matcher.split(' + ');
  const stripes = parts.some((p) => p.startsWith('builtin-stripes'));
  const models = parts
    .filter((p) => !p.startsWith('builtin-stripes') && !p.startsWith('detector '))
    .map((p) => p.split('@')[0] ?? p);
  if (models.length === 0)
    return stripes ? 'Built-in stripe matcher (no recognition model installed)' : matcher;
  return stripes ? `Built-in stripe matcher and ${models.join(', ')}` : models.join(', ');
}
