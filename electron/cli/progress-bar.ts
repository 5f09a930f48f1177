import type { ProgressEvent, ProgressListener } from '../core/progress';

const BAR_WIDTH = 24;
const FIRST_DRAW_DELAY_MS = 200;
const PLAIN_LINE_INTERVAL_MS = 5_000;

export interface ProgressStream {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

/**
 * Draws progress on stderr: a redrawn bar with count, rate and ETA on a terminal; a plain line every few seconds
 * otherwise (logs, CI). The bar appears only after 200 ms so quick work stays quiet.
 */
export function progressBar(
  stream: ProgressStream,
  label: string,
  now: () => number = Date.now,
): ProgressListener & { done(): void } {
  const startedAt = now();
  // Rate and ETA are per phase: an import's scan and its analysis run at very different speeds.
  let phase = { name: '', startedAt, done: 0 };
  let last: ProgressEvent | undefined;
  let lastPlainAt = -Infinity;
  let drawn = false;

  const render = (event: ProgressEvent): string => {
    const elapsedS = Math.max((now() - phase.startedAt) / 1000, 1e-3);
    const rate = (event.done - phase.done) / elapsedS;
    const parts = [`${label}${event.phase ? ` (${event.phase})` : ''}`];
    if (event.total !== undefined && event.total > 0) {
      const fraction = Math.min(event.done / event.total, 1);
      const filled = Math.round(fraction * BAR_WIDTH);
      if (stream.isTTY) parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
      parts.push(`${formatCount(event.done, event.unit)}/${formatCount(event.total, event.unit)}`);
      if (rate > 0 && event.done < event.total)
        parts.push(`ETA ${formatDuration((event.total - event.done) / rate)}`);
    } else {
      parts.push(formatCount(event.done, event.unit));
    }
    parts.push(`${formatCount(rate, event.unit)}/s`);
    if (event.message) parts.push(event.message);
    return parts.join('  ');
  };

  const listener = (event: ProgressEvent): void => {
    last = event;
    const t = now();
    if (event.phase !== phase.name) phase = { name: event.phase, startedAt: t, done: event.done };
    if (t - startedAt < FIRST_DRAW_DELAY_MS) return;
    if (stream.isTTY) {
      const line = render(event).slice(0, (stream.columns ?? 100) - 1);
      stream.write(`\r\x1b[2K${line}`);
      drawn = true;
    } else if (t - lastPlainAt >= PLAIN_LINE_INTERVAL_MS) {
      lastPlainAt = t;
      stream.write(`${render(event)}\n`);
    }
  };

  return Object.assign(listener, {
    done(): void {
      if (stream.isTTY && drawn) stream.write('\r\x1b[2K');
      else if (!stream.isTTY && last && lastPlainAt > -Infinity) stream.write(`${render(last)}\n`);
    },
  });
}

export function formatCount(value: number, unit: string): string {
  if (unit === 'bytes') {
    const units = ['B', 'KB', 'MB', 'GB'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
