import { labelStep, monthLabel, monthlySightings } from '../lib/timeline';
import { plural } from '../lib/format';

/** Sightings per month, as bars on a month axis. */
export function TimelineChart({ capturedAt }: { capturedAt: (string | null)[] }) {
  const t = monthlySightings(capturedAt);
  if (t.months.length === 0) {
    return (
      <p className="muted">
        {capturedAt.length === 0
          ? 'No sightings yet.'
          : 'None of these photos has a capture time, so there is no timeline to draw.'}
      </p>
    );
  }
  const width = 400;
  const height = 170;
  const pad = { left: 26, right: 6, top: 10, bottom: 36 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / t.months.length;
  const barW = Math.max(2, Math.min(24, slot * 0.7));
  const step = labelStep(t.months.length, 7);
  const ticks =
    t.max <= 4 ? Array.from({ length: t.max + 1 }, (_, i) => i) : [0, Math.round(t.max / 2), t.max];
  const first = t.months[0];
  const last = t.months[t.months.length - 1];
  const summary = `Sightings per month from ${first ? monthLabel(first) : ''} to ${last ? monthLabel(last) : ''}, at most ${t.max} in a month.`;

  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="timeline-svg">
        {ticks.map((v) => {
          const y = pad.top + plotH - (v / t.max) * plotH;
          return (
            <g key={v}>
              <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} className="tl-grid" />
              <text x={pad.left - 6} y={y + 4} textAnchor="end" className="tl-tick">
                {v}
              </text>
            </g>
          );
        })}
        {t.months.map((m, i) => {
          const h = (m.count / t.max) * plotH;
          const x = pad.left + i * slot + (slot - barW) / 2;
          const showLabel = i % step === 0;
          const showYear = showLabel && (i === 0 || t.months[i - step]?.year !== m.year);
          return (
            <g key={m.key}>
              {m.count > 0 && (
                <rect x={x} y={pad.top + plotH - h} width={barW} height={h} rx={2} className="tl-bar">
                  <title>{`${monthLabel(m)}: ${plural(m.count, 'sighting')}`}</title>
                </rect>
              )}
              {showLabel && (
                <text x={x + barW / 2} y={height - pad.bottom + 16} textAnchor="middle" className="tl-label">
                  {monthLabel(m, false)}
                </text>
              )}
              {showYear && (
                <text x={x + barW / 2} y={height - pad.bottom + 30} textAnchor="middle" className="tl-year">
                  {m.year}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {t.undated > 0 && (
        <figcaption className="muted">
          {plural(t.undated, 'sighting')} without a capture time {t.undated === 1 ? 'is' : 'are'} not shown.
        </figcaption>
      )}
    </figure>
  );
}
