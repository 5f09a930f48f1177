import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { imagePaths, type BoxDto, type BoxEditDto, type FrameBoxDto } from '../../../electron/core/api';
import { call, errorMessage } from '../api/client';
import { useQuery } from '../api/query';
import {
  boxActionFor,
  boxFromPoints,
  centredBox,
  CORNERS,
  isUsable,
  moveBox,
  resizeBox,
  resizeByKey,
  sameBox,
  type BoxAction,
  type Corner,
} from '../lib/box-edit';
import { boxSourceLabel, formatScore, individualLabel } from '../lib/format';
import { moveSelection } from '../lib/keys';
import { InlineError, Kbd } from './common';
import { useToast } from './toast';

/** The box being changed and not saved yet: a new one (`detectionId` null) or a stored one moved or resized. */
interface Draft {
  detectionId: number | null;
  box: BoxDto;
}

/** What the pointer is doing: drawing a new box, moving one, or dragging one of its corners. */
type Gesture =
  | { kind: 'draw'; x: number; y: number }
  | { kind: 'move'; detectionId: number; from: BoxDto; x: number; y: number }
  | { kind: 'resize'; detectionId: number; from: BoxDto; corner: Corner; x: number; y: number };

const pct = (v: number) => `${(v * 100).toFixed(4)}%`;

/**
 * Box mode of the review screen: the whole photo with every box on it and how each was found. Drag on the photo to
 * draw a box, drag a box to move it, drag a corner to resize it; B adds a centred box, Tab selects the next one, the
 * arrows move it, Shift+arrows resize it, Delete removes it, Enter saves it, Esc leaves. A saved box is described and
 * identified again at once; its candidates show below the photo, and the toast undoes the edit.
 */
export function BoxEditor({
  mediaId,
  focusId,
  onEdited,
  onClose,
}: {
  mediaId: number;
  /** The detection Review was showing: selected first. */
  focusId: number | null;
  /** After each saved edit, so Review can move to the box's detection. */
  onEdited: (edit: BoxEditDto) => void;
  onClose: () => void;
}) {
  const toast = useToast();
  const stored = useQuery('detections.boxes', { mediaId });
  const boxes: FrameBoxDto[] = stored.data ?? [];
  const [selected, setSelected] = useState<number | null>(focusId);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [last, setLast] = useState<BoxEditDto | null>(null);
  const layer = useRef<HTMLDivElement>(null);
  const gesture = useRef<Gesture | null>(null);

  // The box on screen for each stored one: its draft while it is being changed.
  const shownBox = (b: FrameBoxDto): BoxDto => (draft?.detectionId === b.detectionId ? draft.box : b.box);
  const selectedBox = boxes.find((b) => b.detectionId === selected);

  const save = useCallback(
    async (d: Draft) => {
      if (busy) return;
      setBusy(true);
      setError(null);
      try {
        const edit =
          d.detectionId === null
            ? await call('detections.addBox', { mediaId, box: d.box })
            : await call('detections.updateBox', { detectionId: d.detectionId, box: d.box });
        setDraft(null);
        setSelected(edit.detectionId);
        setLast(edit);
        onEdited(edit);
        const undo =
          d.detectionId === null
            ? () =>
                edit.removed.length > 0
                  ? call('detections.restoreBoxes', {
                      boxes: edit.removed,
                      remove: [edit.detectionId as number],
                    })
                  : call('detections.deleteBox', { detectionId: edit.detectionId as number })
            : () =>
                call('detections.updateBox', {
                  detectionId: d.detectionId as number,
                  box: (edit.before as NonNullable<BoxEditDto['before']>).box,
                  as: {
                    detector: (edit.before as NonNullable<BoxEditDto['before']>).detector,
                    confidence: (edit.before as NonNullable<BoxEditDto['before']>).confidence,
                  },
                });
        toast.show(d.detectionId === null ? 'Box added and identified.' : 'Box moved and identified again.', {
          action: {
            label: 'Undo',
            run: () => void undo().catch((e: unknown) => toast.show(errorMessage(e))),
          },
        });
      } catch (e) {
        setError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [busy, mediaId, onEdited, toast],
  );

  const remove = useCallback(
    async (detectionId: number) => {
      if (busy) return;
      setBusy(true);
      setError(null);
      try {
        const edit = await call('detections.deleteBox', { detectionId });
        setDraft(null);
        setSelected(edit.boxes[0]?.detectionId ?? null);
        setLast(edit);
        onEdited(edit);
        toast.show(
          edit.boxes.length === 0 ? 'Box deleted: the photo is set aside as empty.' : 'Box deleted.',
          {
            action: {
              label: 'Undo',
              run: () =>
                void call('detections.restoreBoxes', { boxes: edit.removed }).catch((e: unknown) =>
                  toast.show(errorMessage(e)),
                ),
            },
          },
        );
      } catch (e) {
        setError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [busy, onEdited, toast],
  );

  const perform = useCallback(
    (a: BoxAction) => {
      // The box the keys work on: the draft, else the selected stored box.
      const base: Draft | null =
        draft ?? (selectedBox ? { detectionId: selectedBox.detectionId, box: selectedBox.box } : null);
      switch (a.kind) {
        case 'new':
          setDraft({ detectionId: null, box: centredBox() });
          setSelected(null);
          break;
        case 'cycle': {
          // A changed box is saved before the next one is selected, so no arrow work is lost.
          if (draft) {
            void save(draft);
            break;
          }
          const at = boxes.findIndex((b) => b.detectionId === selected);
          const next = boxes[at < 0 ? 0 : moveSelection(at, a.delta, boxes.length)];
          if (next) setSelected(next.detectionId);
          break;
        }
        case 'move':
          if (base) setDraft({ ...base, box: moveBox(base.box, a.dx, a.dy) });
          break;
        case 'resize':
          if (base) setDraft({ ...base, box: resizeByKey(base.box, a.dw, a.dh) });
          break;
        case 'delete':
          if (draft?.detectionId === null) setDraft(null);
          else if (selectedBox) void remove(selectedBox.detectionId);
          break;
        case 'save':
          if (draft) void save(draft);
          break;
        case 'leave':
          onClose();
          break;
      }
    },
    [draft, selectedBox, boxes, selected, remove, save, onClose],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target;
      const inEditable =
        target instanceof HTMLElement &&
        (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      const action = boxActionFor({
        key: e.key,
        shiftKey: e.shiftKey,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        inEditable,
      });
      if (!action) return;
      // Enter saves a changed box wherever the focus is (a toast's Undo button keeps it after a click); with
      // nothing to save, Enter on a focused button presses it.
      if (action.kind === 'save' && !draft) return;
      e.preventDefault();
      perform(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [perform, draft]);

  const pointAt = (e: ReactPointerEvent): [number, number] => {
    const r = layer.current?.getBoundingClientRect();
    if (!r || r.width === 0 || r.height === 0) return [0, 0];
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || busy) return;
    const [x, y] = pointAt(e);
    const el = e.target instanceof HTMLElement ? e.target : null;
    const boxId = Number(el?.closest<HTMLElement>('[data-box]')?.dataset['box'] ?? Number.NaN);
    const corner = el?.dataset['corner'] as Corner | undefined;
    const box = boxes.find((b) => b.detectionId === boxId);
    if (box) {
      setSelected(box.detectionId);
      const from = shownBox(box);
      gesture.current = corner
        ? { kind: 'resize', detectionId: box.detectionId, from, corner, x, y }
        : { kind: 'move', detectionId: box.detectionId, from, x, y };
    } else {
      gesture.current = { kind: 'draw', x, y };
      setSelected(null);
      setDraft({ detectionId: null, box: boxFromPoints(x, y, x, y) });
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const g = gesture.current;
    if (!g) return;
    const [x, y] = pointAt(e);
    if (g.kind === 'draw') setDraft({ detectionId: null, box: boxFromPoints(g.x, g.y, x, y) });
    else if (g.kind === 'move')
      setDraft({ detectionId: g.detectionId, box: moveBox(g.from, x - g.x, y - g.y) });
    else setDraft({ detectionId: g.detectionId, box: resizeBox(g.from, g.corner, x - g.x, y - g.y) });
  };

  // A mouse edit is saved when the button is released; a drag too short to make a box was a click.
  const onPointerUp = () => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || !draft) return;
    if (g.kind === 'draw') {
      if (isUsable(draft.box)) void save(draft);
      else setDraft(null);
      return;
    }
    if (sameBox(draft.box, g.from)) setDraft(null);
    else void save(draft);
  };

  const shown: {
    key: string;
    detectionId: number | null;
    box: BoxDto;
    label: string;
    decided: boolean;
    whole: boolean;
  }[] = [
    ...boxes.map((b) => ({
      key: String(b.detectionId),
      detectionId: b.detectionId,
      box: shownBox(b),
      label: boxSourceLabel(b),
      decided: b.decided,
      // The whole photo is no box to grab: the mouse draws over it (the keys can still shrink it).
      whole: b.detector === 'whole-frame' && draft?.detectionId !== b.detectionId,
    })),
    ...(draft?.detectionId === null
      ? [
          {
            key: 'new',
            detectionId: null,
            box: draft.box,
            label: 'New box (Enter saves it)',
            decided: false,
            whole: false,
          },
        ]
      : []),
  ];
  const candidates = last?.candidates;

  return (
    <section className="box-editor" aria-label="Boxes on this photo">
      <div className="box-toolbar">
        <span className="muted">
          Drag on the photo to draw a box, drag a box or its corners to change it. <Kbd>B</Kbd> new box ·{' '}
          <Kbd>Tab</Kbd> next box · arrows move · Shift+arrows resize · <Kbd>Del</Kbd> delete ·{' '}
          <Kbd>Enter</Kbd> save
        </span>
        <button type="button" className="btn btn-small" onClick={onClose}>
          Done <Kbd>Esc</Kbd>
        </button>
      </div>
      <div className="box-photo">
        <img src={imagePaths.full(mediaId)} alt="The whole photo" draggable={false} />
        <div
          ref={layer}
          className={busy ? 'box-layer box-layer-busy' : 'box-layer'}
          role="application"
          aria-label="Photo: drag to draw a box"
          aria-busy={busy}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => {
            gesture.current = null;
            setDraft(null);
          }}
        >
          {shown.map((b, i) => {
            const isSelected = b.detectionId === null || b.detectionId === selected;
            return (
              <div
                key={b.key}
                className={`box-frame${isSelected ? ' box-selected' : ''}${b.detectionId === null ? ' box-new' : ''}${b.whole ? ' box-whole' : ''}`}
                style={{ left: pct(b.box.x), top: pct(b.box.y), width: pct(b.box.w), height: pct(b.box.h) }}
                {...(b.detectionId === null || b.whole ? {} : { 'data-box': b.detectionId })}
                role="img"
                aria-label={`Box ${i + 1} of ${shown.length}: ${b.label}${b.decided ? ', decided' : ''}${isSelected ? ', selected' : ''}`}
              >
                <span className="box-tag">
                  {i + 1}. {b.label}
                  {b.decided ? ' · decided' : ''}
                </span>
                {isSelected &&
                  b.detectionId !== null &&
                  !b.whole &&
                  CORNERS.map((c) => (
                    <span
                      key={c}
                      className={`box-handle box-handle-${c}`}
                      data-corner={c}
                      aria-hidden="true"
                    />
                  ))}
              </div>
            );
          })}
        </div>
      </div>
      <p className="box-status" role="status">
        {busy
          ? 'Describing the box and identifying it again…'
          : draft
            ? 'Changed, not saved yet: Enter saves it, Esc leaves it as it was.'
            : `${boxes.length} ${boxes.length === 1 ? 'box' : 'boxes'} on this photo.`}
      </p>
      <InlineError error={error} />
      {candidates && (
        <div className="box-candidates" aria-label="Candidates for the edited box">
          <strong>Identified again:</strong>{' '}
          {candidates.candidates.length === 0 ? (
            <span>{candidates.note ?? 'no candidates.'}</span>
          ) : (
            <ol>
              {candidates.candidates.slice(0, 3).map((c) => (
                <li key={c.individualId}>
                  {individualLabel(c)} · score {formatScore(c.score)}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
