import { useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import { panBy, viewTransform, wheelFactor, zoomAt, type View } from '../lib/zoom';
import { Crop } from './common';

export interface ComparePane {
  detectionId: number | null;
  label: string;
  caption: string;
  /** The crop's box, where it may change under the same id (see Crop's `version`). */
  version?: string;
  /** Called when this pane's photo for `detectionId` is on screen (or known to be missing). */
  onSettled?: (detectionId: number) => void;
  /** This pane's photo is still on its way (the review screen's decisions wait for it). */
  loading?: boolean;
}

/**
 * The query and the selected candidate side by side. Wheel zooms about the pointer, drag pans; both panes follow
 * the same view, so the same stripe region stays side by side.
 */
export function CompareView({
  left,
  right,
  view,
  onView,
}: {
  left: ComparePane;
  right: ComparePane | null;
  view: View;
  onView: (v: View) => void;
}) {
  return (
    <div className="compare">
      <Pane pane={left} side="Photo to identify" view={view} onView={onView} />
      <Pane pane={right} side="Selected candidate" view={view} onView={onView} />
    </div>
  );
}

function Pane({
  pane,
  side,
  view,
  onView,
}: {
  pane: ComparePane | null;
  side: string;
  view: View;
  onView: (v: View) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; w: number; h: number } | null>(null);
  const latest = useRef({ view, onView });
  latest.current = { view, onView };

  // A native, non-passive listener: the wheel zooms the images instead of scrolling the page.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const { view: v, onView: set } = latest.current;
      set(
        zoomAt(
          v,
          wheelFactor(e.deltaY, e.deltaMode),
          (e.clientX - r.left) / r.width,
          (e.clientY - r.top) / r.height,
        ),
      );
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const r = e.currentTarget.getBoundingClientRect();
    drag.current = { x: e.clientX, y: e.clientY, w: r.width, h: r.height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const { view: v, onView: set } = latest.current;
    set(panBy(v, (e.clientX - d.x) / d.w, (e.clientY - d.y) / d.h));
    drag.current = { ...d, x: e.clientX, y: e.clientY };
  };
  const end = () => {
    drag.current = null;
  };

  return (
    <figure className="compare-pane">
      <figcaption>
        <span className="compare-side">{side}</span>
        <strong>{pane?.label ?? '—'}</strong>
        <span className="muted">{pane?.caption || '\u00a0'}</span>
      </figcaption>
      <div
        ref={ref}
        className={`compare-viewport ${view.scale > 1 ? 'zoomed' : ''}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={end}
        onPointerCancel={end}
      >
        {pane ? (
          <div className="compare-content" style={{ transform: viewTransform(view) }}>
            <Crop
              detectionId={pane.detectionId}
              alt={`${side}: ${pane.label}`}
              className="compare-img"
              onSettled={pane.onSettled}
              {...(pane.version ? { version: pane.version } : {})}
            />
          </div>
        ) : (
          <div className="compare-empty">No candidate to compare</div>
        )}
        {pane?.loading && (
          // The query pane beside it announces the state; this one only shows it.
          <p className="photo-loading" aria-hidden="true">
            Loading photo…
          </p>
        )}
      </div>
    </figure>
  );
}
