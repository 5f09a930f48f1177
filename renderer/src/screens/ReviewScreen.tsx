import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  imagePaths,
  type CandidateDto,
  type CandidatesDto,
  type DetectionDto,
  type ReviewItemDto,
  type RevisitItemDto,
  type Verdict,
} from '../../../electron/core/api';
import { call, errorMessage, type ApiError } from '../api/client';
import { queries, queryKey, useQuery } from '../api/query';
import { BoxEditor } from '../components/BoxEditor';
import { CompareView } from '../components/CompareView';
import { Crop, EmptyState, ErrorBanner, InlineError, Kbd, Loading, PageHeader } from '../components/common';
import { useToast } from '../components/toast';
import {
  baseName,
  boxSourceLabel,
  flankLabel,
  formatCaptureTime,
  formatInstant,
  formatScore,
  individualLabel,
  plural,
  viewLabel,
} from '../lib/format';
import {
  decidesOnPhoto,
  moveSelection,
  REVIEW_LEGEND,
  reviewActionFor,
  type ReviewAction,
} from '../lib/keys';
import { boxVersion } from '../lib/box-edit';
import { mergeOrder, nextAfter, reinsert } from '../lib/queue-order';
import { IDENTITY, type View } from '../lib/zoom';
import { href } from '../router';
import { LastDecisionReport } from './export/LastDecisionReport';
import { InlineNameForm } from './InlineNameForm';

const QUEUE_LIMIT = 200;

/** What the review view works through: the undecided queue, or the can't-tell and not-a-match list to revisit. */
type Mode = 'queue' | 'revisit';

/** What the reviewer did to an item: a decision, or a mark on the photo (empty frame, not a tiger). */
type Decided = {
  detectionId: number;
  summary: string;
  /** The list it was decided from: undo puts it back there. */
  mode: Mode;
} & (
  | { decisionId: number; verdict: Verdict; individualCode: string | null }
  | { markId: number; verdict: 'empty' | 'not-tiger' }
);

function isRevisitItem(d: ReviewItemDto | RevisitItemDto): d is RevisitItemDto {
  return 'decisionId' in d;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function ReviewScreen() {
  const settings = useQuery('settings.get', {});
  const queue = useQuery('review.queue', { limit: QUEUE_LIMIT }, { pollMs: 10000 });
  const revisit = useQuery('review.revisit', { limit: QUEUE_LIMIT }, { pollMs: 10000 });
  const toast = useToast();

  const [mode, setMode] = useState<Mode>('queue');
  const [ended, setEnded] = useState(false);
  const [order, setOrder] = useState<number[]>([]);
  const [currentId, setCurrentId] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  // Which frame of the item's encounter is on screen (0: the best one).
  const [frame, setFrame] = useState(0);
  const [view, setView] = useState<View>(IDENTITY);
  // Box mode: the photo whose boxes are edited (kept while the queue refreshes under it); then the box to show.
  const [boxMedia, setBoxMedia] = useState<number | null>(null);
  const boxFocus = useRef<{ detectionId: number | null; frame: number }>({ detectionId: null, frame: 0 });
  const [history, setHistory] = useState<Decided[]>([]);
  const [skipped, setSkipped] = useState<number[]>([]);
  const [naming, setNaming] = useState(false);
  const [newName, setNewName] = useState('');
  // The species asked for after O (null: not asking).
  const [species, setSpecies] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | Error | null>(null);
  // The detection whose query photo each of the two query panes has on screen (loaded, or known missing).
  const [photoOn, setPhotoOn] = useState<{ side: number | null; compare: number | null }>({
    side: null,
    compare: null,
  });

  // In revisit mode, what was decided there this session is done: deciding can't tell again must not loop. Read
  // through a ref, so an undo (which shrinks this set) does not re-merge an answer that predates the undo.
  const revisited = useRef(new Set<number>());
  revisited.current = new Set(history.filter((h) => h.mode === 'revisit').map((h) => h.detectionId));
  const items: (ReviewItemDto | RevisitItemDto)[] | undefined =
    mode === 'queue' ? queue.data?.items : revisit.data?.items;
  // Keep the reviewer's place: merge each refreshed list into the order being worked through.
  useEffect(() => {
    if (!items) return;
    const done = mode === 'revisit' ? revisited.current : new Set<number>();
    setOrder((prev) =>
      mergeOrder(
        prev,
        items.map((d) => d.detectionId).filter((id) => !done.has(id)),
      ),
    );
  }, [items, mode]);
  const byId = useMemo(() => new Map((items ?? []).map((d) => [d.detectionId, d])), [items]);

  useEffect(() => {
    if (currentId !== null && order.includes(currentId)) return;
    // Box mode holds its photo: an edit that takes the item out of the queue must not pull the editor away.
    if (busy || boxMedia !== null) return;
    setCurrentId(order[0] ?? null);
  }, [order, currentId, busy, boxMedia]);

  useEffect(() => {
    setSelected(0);
    setFrame(boxFocus.current.frame);
    boxFocus.current.frame = 0;
    setView(IDENTITY);
    setNaming(false);
    setNewName('');
    setSpecies(null);
    setActionError(null);
  }, [currentId]);

  // Back from box mode, Review shows the box edited last: its item, at its frame, once the refreshed queue has it.
  useEffect(() => {
    const id = boxFocus.current.detectionId;
    if (id === null || boxMedia !== null || !items) return;
    const item = items.find(
      (i) =>
        i.detectionId === id || ('encounter' in i && i.encounter.frames.some((f) => f.detectionId === id)),
    );
    if (!item || !order.includes(item.detectionId)) return;
    const found = 'encounter' in item ? item.encounter.frames.findIndex((f) => f.detectionId === id) : 0;
    const at = Math.max(0, found);
    boxFocus.current.detectionId = null;
    if (item.detectionId === currentId) setFrame(at);
    else {
      boxFocus.current.frame = at;
      setCurrentId(item.detectionId);
    }
  }, [items, order, boxMedia, currentId]);

  /** Switches lists; the order is rebuilt from the other list. */
  const openList = useCallback((next: Mode) => {
    setMode(next);
    setOrder([]);
    setCurrentId(null);
    setEnded(false);
  }, []);

  // An item of the queue is an encounter: the frames of one station close in time, best first. A decision covers
  // them all; the reviewer can look at each.
  const listedItem = currentId !== null ? byId.get(currentId) : undefined;
  const frames: DetectionDto[] =
    listedItem && 'encounter' in listedItem ? listedItem.encounter.frames : listedItem ? [listedItem] : [];
  const frameId = frames[frame]?.detectionId ?? currentId;

  // Decisions wait until this frame's own photo is on screen in both query panes: a key pressed earlier would
  // decide about a photo the reviewer has not seen.
  // In box mode nothing decides, by key or by button: the boxes of the photo are changing under it.
  const photoReady =
    boxMedia === null && frameId !== null && photoOn.side === frameId && photoOn.compare === frameId;
  const onSidePhoto = useCallback((id: number) => setPhotoOn((p) => ({ ...p, side: id })), []);
  const onComparePhoto = useCallback((id: number) => setPhotoOn((p) => ({ ...p, compare: id })), []);

  const topK = settings.data?.reviewCandidates ?? 12;
  const candidatesArgs = { detectionId: frameId ?? 1, topK };
  const candidates = useQuery('review.candidates', candidatesArgs, {
    enabled: frameId !== null && settings.data !== undefined,
  });
  // The candidates on screen must be this frame's, never the previous one's.
  const shown: CandidatesDto | undefined =
    candidates.data && candidates.data.query.detectionId === frameId ? candidates.data : undefined;
  const list = shown?.candidates ?? [];
  const listed = listedItem;
  const current: DetectionDto | undefined = shown?.query ?? frames[frame] ?? listed;
  const earlier = listed && isRevisitItem(listed) ? listed : undefined;
  const chosen: CandidateDto | undefined = list[selected];

  // Load the next detection's candidates and photo while the reviewer looks at this one.
  useEffect(() => {
    if (!shown || currentId === null) return;
    const next = nextAfter(order, currentId);
    if (next === null) return;
    const args = { detectionId: next, topK };
    queries.prefetch(queryKey('review.candidates', args), () => call('review.candidates', args));
    new Image().src = imagePaths.crop(next);
  }, [shown, currentId, order, topK]);

  const undoRef = useRef<(entry?: Decided) => Promise<void>>(async () => {});

  const decide = useCallback(
    async (verdict: Verdict, candidate?: CandidateDto, name?: string) => {
      if (currentId === null || frameId === null || busy || !photoReady) return;
      setBusy(true);
      setActionError(null);
      const next = nextAfter(order, currentId);
      try {
        const d = await call('decisions.record', {
          detectionId: frameId,
          verdict,
          ...(candidate ? { individualId: candidate.individualId } : {}),
          ...(name ? { newName: name } : {}),
          // The review queue's items are encounters; a revisited detection is decided on its own.
          encounter: mode === 'queue',
        });
        const said =
          verdict === 'match' && candidate
            ? `Matched to ${individualLabel(candidate)}`
            : verdict === 'new-individual'
              ? `New individual ${d.individualCode ?? ''}${name ? ` (${name})` : ''} created`
              : verdict === 'no-match'
                ? 'Marked as not a match'
                : "Marked as can't tell";
        const summary = d.detectionsDecided > 1 ? `${said}: all ${d.detectionsDecided} frames.` : `${said}.`;
        const entry: Decided = {
          decisionId: d.decisionId,
          detectionId: currentId,
          verdict,
          individualCode: d.individualCode,
          summary,
          mode,
        };
        setHistory((h) => [...h, entry]);
        setOrder((o) => o.filter((x) => x !== currentId));
        setCurrentId(next);
        toast.show(summary, { action: { label: 'Undo', run: () => undoRef.current(entry) } });
      } catch (e) {
        setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [currentId, frameId, busy, photoReady, order, mode, toast],
  );

  /** Sets the flank seen on this frame, for its whole encounter; the toast undoes it. */
  const setFlank = useCallback(
    async (flank: 'left' | 'right') => {
      if (frameId === null || busy || !photoReady) return;
      setActionError(null);
      try {
        const changes = await call('detections.setFlank', { detectionId: frameId, flank });
        const where = changes.length > 1 ? ` on ${changes.length} frames` : '';
        toast.show(
          changes.length === 0
            ? `Already the ${flank} flank.`
            : `${flank === 'left' ? 'Left' : 'Right'} flank set${where}.`,
          changes.length === 0
            ? undefined
            : { action: { label: 'Undo', run: () => void call('detections.restoreFlanks', { changes }) } },
        );
      } catch (e) {
        setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
      }
    },
    [frameId, busy, photoReady, toast],
  );

  /**
   * The reviewer's verdict on the photo shown (V): its view can, or cannot, identify the animal. A view that cannot
   * gets no confident candidate and no new-individual hint; the toast undoes it.
   */
  const toggleView = useCallback(async () => {
    const shownView = shown?.query.view;
    if (frameId === null || busy || !photoReady || !shownView) return;
    setActionError(null);
    try {
      const identifiable = shownView.identifiable === false;
      const { change } = await call('detections.setView', { detectionId: frameId, identifiable });
      toast.show(
        identifiable ? 'View marked as identifying the animal.' : 'View marked as not identifiable.',
        change === null
          ? undefined
          : {
              action: {
                label: 'Undo',
                run: () => void call('detections.restoreViews', { changes: [change] }),
              },
            },
      );
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
    }
  }, [shown, frameId, busy, photoReady, toast]);

  /** Records a mark on the photo (E, O) like a decision: history, toast with Undo, and on to `next`. */
  const marked = useCallback(
    (entry: Decided, nextOrder: (o: number[]) => number[], next: number | null) => {
      setHistory((h) => [...h, entry]);
      setOrder(nextOrder);
      setCurrentId(next);
      setFrame(0);
      setSpecies(null);
      toast.show(entry.summary, { action: { label: 'Undo', run: () => undoRef.current(entry) } });
    },
    [toast],
  );

  /**
   * E: the photo on screen holds no animal. Its frame is set aside as empty (the Status screen lists it, to pull
   * back); the encounter's other frames stay in Review under the same item.
   */
  const markEmpty = useCallback(async () => {
    if (currentId === null || !current || busy || !photoReady) return;
    setBusy(true);
    setActionError(null);
    const rest = frames.filter((f) => f.mediaId !== current.mediaId);
    const stays = rest[0]?.detectionId;
    try {
      const m = await call('frames.markEmpty', { mediaId: current.mediaId });
      const summary = `${baseName(current.file)} set aside as empty (no animal).`;
      marked(
        { markId: m.markId, verdict: 'empty', detectionId: currentId, summary, mode },
        (o) =>
          stays === undefined
            ? o.filter((x) => x !== currentId)
            : o.map((x) => (x === currentId ? stays : x)),
        stays ?? nextAfter(order, currentId),
      );
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
    } finally {
      setBusy(false);
    }
  }, [currentId, current, busy, photoReady, frames, order, mode, marked]);

  /** O, then Enter: the animal is not a tiger (species optional), for the encounter's frames as a decision is. */
  const markNotTiger = useCallback(
    async (name: string) => {
      if (currentId === null || frameId === null || busy || !photoReady) return;
      setBusy(true);
      setActionError(null);
      try {
        const m = await call('detections.markNotTiger', {
          detectionId: frameId,
          ...(name.trim() ? { species: name } : {}),
          encounter: mode === 'queue',
        });
        const said = `Marked not a tiger${m.species ? ` (${m.species})` : ''}`;
        const summary =
          m.detectionIds.length > 1 ? `${said}: all ${m.detectionIds.length} frames.` : `${said}.`;
        marked(
          { markId: m.markId, verdict: 'not-tiger', detectionId: currentId, summary, mode },
          (o) => o.filter((x) => x !== currentId),
          nextAfter(order, currentId),
        );
      } catch (e) {
        setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [currentId, frameId, busy, photoReady, order, mode, marked],
  );
  const speciesUsed = useQuery('detections.species', {}, { enabled: species !== null });

  /** Leaves this detection undecided and moves on; it comes back at the end of the list. */
  const skip = useCallback(() => {
    if (currentId === null || busy) return;
    const at = order.indexOf(currentId);
    const rest = order.filter((x) => x !== currentId);
    setOrder([...rest, currentId]);
    setCurrentId(rest[at] ?? rest[0] ?? currentId);
    setSkipped((s) => (s.includes(currentId) ? s : [...s, currentId]));
  }, [currentId, busy, order]);

  // U undoes the newest decision made in the list on screen; a toast's Undo undoes its own decision.
  const inMode = history.filter((h) => h.mode === mode);
  const last = inMode[inMode.length - 1];
  const undo = useCallback(
    async (target?: Decided) => {
      const entry = target ?? last;
      if (!entry || busy || !history.includes(entry)) return;
      setBusy(true);
      setActionError(null);
      try {
        if ('markId' in entry) await call('contentMarks.undo', { markId: entry.markId });
        else await call('decisions.undo', { decisionId: entry.decisionId });
        setHistory((h) => h.filter((x) => x !== entry));
        // Undone from the other list, it reappears there when that list is opened.
        if (entry.mode === mode) {
          setOrder((o) => reinsert(o, entry.detectionId, currentId));
          setCurrentId(entry.detectionId);
        }
        toast.show(`Undone: ${entry.summary}`);
      } catch (e) {
        setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [last, history, busy, mode, currentId, toast],
  );
  undoRef.current = undo;

  const perform = useCallback(
    (a: ReviewAction) => {
      switch (a.kind) {
        case 'match':
          if (chosen) void decide('match', chosen);
          break;
        case 'match-candidate': {
          const c = list[a.index];
          if (c) {
            setSelected(a.index);
            void decide('match', c);
          }
          break;
        }
        case 'no-match':
          void decide('no-match');
          break;
        case 'cant-tell':
          void decide('cant-tell');
          break;
        case 'new-individual':
          setNaming(true);
          break;
        case 'empty':
          void markEmpty();
          break;
        case 'not-tiger':
          setSpecies('');
          break;
        case 'undo':
          void undo();
          break;
        case 'skip':
          skip();
          break;
        case 'select':
          setSelected((s) => moveSelection(s, a.delta, list.length));
          break;
        case 'frame':
          setFrame((f) => moveSelection(f, a.delta, frames.length));
          break;
        case 'flank':
          void setFlank(a.flank);
          break;
        case 'view':
          void toggleView();
          break;
        case 'reset-zoom':
          setView(IDENTITY);
          break;
        case 'boxes':
          if (current) setBoxMedia(current.mediaId);
          break;
      }
    },
    [chosen, list, decide, undo, skip, frames.length, setFlank, toggleView, current, markEmpty],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // In box mode the keys are the box editor's: none of them may decide.
      if (naming || species !== null || ended || boxMedia !== null) return;
      const action = reviewActionFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        inEditable: isEditable(e.target),
      });
      if (!action) return;
      if (current === undefined && action.kind !== 'undo') return;
      e.preventDefault();
      // Ignored, not queued: the reviewer presses again once the photo is there.
      if (decidesOnPhoto(action) && !photoReady) return;
      perform(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [perform, naming, species, ended, current, photoReady, boxMedia]);

  const source = mode === 'queue' ? queue : revisit;
  if (source.error && !source.data) {
    return (
      <div className="page">
        <ErrorBanner
          error={source.error}
          onRetry={() => void source.refetch()}
          title={
            mode === 'queue' ? 'Could not load the review queue.' : 'Could not load the list to revisit.'
          }
        />
      </div>
    );
  }
  if (!source.data)
    return (
      <div className="page">
        <Loading />
      </div>
    );

  const toRevisit = revisit.data?.total ?? 0;
  const summary = (
    <SessionSummary
      history={history}
      skipped={skipped.filter((id) => !history.some((h) => h.detectionId === id))}
      toRevisit={toRevisit}
      onRevisit={mode === 'revisit' && !ended ? undefined : () => openList('revisit')}
    />
  );

  if (ended) {
    return (
      <div className="page">
        <PageHeader title="Review" />
        {summary}
        <p className="session-actions">
          <button type="button" className="btn btn-primary" onClick={() => setEnded(false)}>
            Continue reviewing
          </button>
        </p>
      </div>
    );
  }

  if (currentId === null) {
    return (
      <div className="page">
        <PageHeader title={mode === 'queue' ? 'Review' : 'To revisit'} />
        {mode === 'queue' ? (
          <EmptyState title="Nothing to review — import photos">
            <p>No detection is waiting for a decision. New detections appear here after an import.</p>
            <p>
              <a className="btn btn-primary" href={href({ screen: 'import' })}>
                Go to Import
              </a>
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="Nothing left to revisit">
            <p>No detection marked can’t tell or not a match is waiting to be looked at again.</p>
            <p>
              <button type="button" className="btn btn-primary" onClick={() => openList('queue')}>
                Back to the review queue ({plural(queue.data?.total ?? 0, 'detection')})
              </button>
            </p>
          </EmptyState>
        )}
        {(history.length > 0 || skipped.length > 0) && summary}
        {last && (
          <p className="session-actions">
            <button type="button" className="btn" onClick={() => void undo()}>
              Undo last decision
            </button>
          </p>
        )}
        {last && 'decisionId' in last && <LastDecisionReport {...last} />}
      </div>
    );
  }

  const position = order.indexOf(currentId) + 1;
  // Boxes change by hand under the same detection id: the crop's URL follows the box, so no stale crop is shown.
  const cropVersion = current?.detectionId === (frameId ?? currentId) ? boxVersion(current.box) : undefined;

  return (
    <div className="page review">
      <header className="page-header">
        <h1>{mode === 'queue' ? 'Review' : 'To revisit'}</h1>
        <div className="page-header-extra">
          <span className="muted">
            {position > 0 ? `${position} of ${order.length.toLocaleString()} loaded · ` : ''}
            {mode === 'queue'
              ? `${plural(queue.data?.total ?? 0, 'encounter')} to review`
              : `${plural(toRevisit, 'detection')} to revisit`}
          </span>
          {mode === 'queue' ? (
            <button type="button" className="btn btn-small" onClick={() => openList('revisit')}>
              To revisit ({toRevisit.toLocaleString()})
            </button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => openList('queue')}>
              Back to the review queue ({(queue.data?.total ?? 0).toLocaleString()})
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => setEnded(true)}>
            End session
          </button>
        </div>
      </header>
      <ErrorBanner
        error={source.error}
        onRetry={() => void source.refetch()}
        title={mode === 'queue' ? 'Could not refresh the queue.' : 'Could not refresh the list to revisit.'}
      />

      <div className="review-grid">
        <aside className="review-side" aria-label="Photo to identify">
          <div className="query-image">
            <Crop
              detectionId={frameId ?? currentId}
              alt="The animal to identify"
              className="query-crop"
              onSettled={onSidePhoto}
              {...(cropVersion ? { version: cropVersion } : {})}
            />
            {!photoReady && boxMedia === null && (
              <p className="photo-loading" role="status">
                Loading photo… decisions wait for it.
              </p>
            )}
          </div>
          {earlier && (
            <p className="revisit-note">
              Marked <strong>{earlier.verdict === 'cant-tell' ? 'can’t tell' : 'not a match'}</strong> by{' '}
              {earlier.reviewer} on {formatInstant(earlier.decidedAt)}. A new decision replaces it.
            </p>
          )}
          {frames.length > 1 && <EncounterStrip frames={frames} shown={frame} onShow={setFrame} />}
          {listedItem && 'encounter' in listedItem && !listedItem.encounter.looksLikeTiger && (
            <p className="revisit-note" role="note">
              Stripes unlike a tiger’s: likely another species, so queued after the tiger-like encounters.{' '}
              <Kbd>O</Kbd> marks it not a tiger.
            </p>
          )}
          {current && <QueryFacts d={current} />}
          <NewVerdict data={shown} encounter={frames.length > 1} />
          <div className="decisions" aria-label="Decision" aria-busy={!photoReady}>
            <button
              type="button"
              className="btn btn-decide btn-match"
              disabled={!chosen || busy || !photoReady}
              onClick={() => chosen && void decide('match', chosen)}
            >
              <span>Match{chosen ? ` ${individualLabel(chosen)}` : ''}</span>
              <Kbd>M</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy || !photoReady}
              onClick={() => void decide('no-match')}
            >
              <span>Not a match</span>
              <Kbd>X</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy || !photoReady}
              onClick={() => void decide('cant-tell')}
            >
              <span>Can’t tell</span>
              <Kbd>C</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy || !photoReady}
              onClick={() => setNaming(true)}
            >
              <span>New individual</span>
              <Kbd>N</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy || !photoReady}
              onClick={() => void markEmpty()}
            >
              <span>Empty (no animal)</span>
              <Kbd>E</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy || !photoReady}
              onClick={() => setSpecies('')}
            >
              <span>Not a tiger</span>
              <Kbd>O</Kbd>
            </button>
            <button type="button" className="btn btn-decide" disabled={busy} onClick={skip}>
              <span>Skip</span>
              <Kbd>S</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide btn-undo"
              disabled={!last || busy}
              onClick={() => void undo()}
            >
              <span>Undo</span>
              <Kbd>U</Kbd>
            </button>
          </div>
          {naming && (
            <InlineNameForm
              id="new-name"
              label="Name for the new individual"
              help="It also gets a code like T-012. Enter creates it, Esc cancels."
              submitLabel="Create new individual"
              value={newName}
              onChange={setNewName}
              busy={busy}
              onCancel={() => setNaming(false)}
              onSubmit={() => void decide('new-individual', undefined, newName.trim() || undefined)}
            />
          )}
          {species !== null && (
            <InlineNameForm
              id="species-name"
              label="Species"
              help="Not a tiger: a scientific name such as Panthera pardus, or leave it empty if not known. Enter marks it, Esc cancels."
              submitLabel="Mark not a tiger"
              value={species}
              onChange={setSpecies}
              busy={busy}
              onCancel={() => setSpecies(null)}
              onSubmit={() => void markNotTiger(species)}
              suggestions={speciesUsed.data?.species ?? []}
            />
          )}
          <InlineError error={actionError} />
          {last && 'decisionId' in last && <LastDecisionReport {...last} />}
          <Legend />
        </aside>

        <section className="review-main" aria-label="Candidates">
          {boxMedia !== null ? (
            <BoxEditor
              mediaId={boxMedia}
              focusId={frameId}
              onEdited={(edit) =>
                (boxFocus.current.detectionId = edit.detectionId ?? edit.boxes[0]?.detectionId ?? null)
              }
              onClose={() => {
                setBoxMedia(null);
                // The compare pane comes back with its photo to load: decisions wait for it again.
                setPhotoOn((p) => ({ ...p, compare: null }));
              }}
            />
          ) : (
            <>
              <div className="compare-toolbar">
                <span className="muted">Scroll on a photo to zoom both, drag to move.</span>
                <span className="zoom-level">{Math.round(view.scale * 100)}%</span>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setView(IDENTITY)}
                  disabled={view.scale === 1}
                >
                  Reset zoom <Kbd>0</Kbd>
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => current && setBoxMedia(current.mediaId)}
                  disabled={!current}
                >
                  Boxes <Kbd>B</Kbd>
                </button>
              </div>
              <CompareView
                left={{
                  detectionId: frameId ?? currentId,
                  label: current ? baseName(current.file) : '—',
                  caption: current
                    ? [current.station, formatCaptureTime(current.capturedAt)].filter(Boolean).join(' · ')
                    : '',
                  onSettled: onComparePhoto,
                  loading: !photoReady,
                  ...(cropVersion ? { version: cropVersion } : {}),
                }}
                right={
                  chosen
                    ? {
                        detectionId: chosen.best.detectionId,
                        label: `${selected + 1}. ${individualLabel(chosen)}`,
                        caption: `score ${formatScore(chosen.score)} · ${flankLabel(chosen.flank)}`,
                      }
                    : null
                }
                view={view}
                onView={setView}
              />
              <ErrorBanner
                error={candidates.error}
                onRetry={() => void candidates.refetch()}
                title="Could not load candidates."
              />
              {!shown && !candidates.error && <Loading label="Finding candidates…" />}
              {shown && list.length === 0 && (
                <div className="note" role="status">
                  <strong>No candidates.</strong> {shown.note ?? 'Nothing in the gallery to compare with.'}{' '}
                  Use <em>New individual</em> (N) to start one, or <em>Can’t tell</em> (C).
                </div>
              )}
              {list.length > 0 && (
                <ol className="candidates" aria-label="Candidates, best first">
                  {list.map((c, i) => (
                    <li key={c.individualId}>
                      <CandidateCard
                        c={c}
                        rank={i + 1}
                        selected={i === selected}
                        onSelect={() => setSelected(i)}
                      />
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

/** This session's decisions by kind (undone ones left out), what was skipped, and the way to the revisit list. */
function SessionSummary({
  history,
  skipped,
  toRevisit,
  onRevisit,
}: {
  history: Decided[];
  skipped: number[];
  toRevisit: number;
  onRevisit: (() => void) | undefined;
}) {
  const count = (v: Decided['verdict']) => history.filter((h) => h.verdict === v).length;
  const rows: [string, number][] = [
    ['Matches', count('match')],
    ['New individuals', count('new-individual')],
    ['Not a match', count('no-match')],
    ['Can’t tell', count('cant-tell')],
    ['Empty frames', count('empty')],
    ['Not a tiger', count('not-tiger')],
    ['Skipped (still undecided)', skipped.length],
  ];
  return (
    <section className="session-summary" aria-labelledby="session-summary-title">
      <h2 id="session-summary-title">This session</h2>
      <dl>
        {rows.map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {onRevisit && (
        <p>
          <button type="button" className="btn" onClick={onRevisit} disabled={toRevisit === 0}>
            To revisit ({toRevisit.toLocaleString()})
          </button>{' '}
          <span className="muted">can’t tell and not-a-match detections, newest first</span>
        </p>
      )}
    </section>
  );
}

function QueryFacts({ d }: { d: DetectionDto }) {
  return (
    <dl className="facts">
      <div>
        <dt>File</dt>
        <dd title={d.file} className="cell-file">
          {baseName(d.file)}
        </dd>
      </div>
      <div>
        <dt>Station</dt>
        <dd>{d.station ?? 'Not recorded'}</dd>
      </div>
      <div>
        <dt>Taken</dt>
        <dd>{formatCaptureTime(d.capturedAt)}</dd>
      </div>
      <div>
        <dt>Flank</dt>
        <dd>{flankLabel(d.flank)}</dd>
      </div>
      <div>
        <dt>Found by</dt>
        <dd>{boxSourceLabel(d)}</dd>
      </div>
      <div>
        <dt>View</dt>
        <dd title={d.view.reason ?? undefined}>{viewLabel(d.view)}</dd>
      </div>
    </dl>
  );
}

function NewVerdict({ data, encounter }: { data: CandidatesDto | undefined; encounter: boolean }) {
  if (data && !data.identifiable) {
    return (
      <p className="verdict verdict-unidentifiable" role="status">
        <strong>View not identifiable</strong> — {data.viewReason ?? 'marked so'};{' '}
        {encounter
          ? 'the encounter’s other frames carry the decision.'
          : 'no candidate is called known, and no new individual is suggested.'}{' '}
        <Kbd>V</Kbd> if it does identify.
      </p>
    );
  }
  if (!data || data.candidates.length === 0) return null;
  if (data.likelyNew === null || data.threshold === null) {
    return <p className="verdict verdict-unknown">New-individual check not calibrated yet (see Settings).</p>;
  }
  const best = data.candidates[0]?.score ?? 0;
  return data.likelyNew ? (
    <p className="verdict verdict-new">
      <strong>Probably a new individual.</strong> Best score {formatScore(best)} is below the threshold{' '}
      {formatScore(data.threshold)}.
    </p>
  ) : (
    <p className="verdict verdict-known">
      <strong>Probably a known individual.</strong> Best score {formatScore(best)} reaches the threshold{' '}
      {formatScore(data.threshold)}.
    </p>
  );
}

function CandidateCard({
  c,
  rank,
  selected,
  onSelect,
}: {
  c: CandidateDto;
  rank: number;
  selected: boolean;
  onSelect: () => void;
}) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selected]);
  const models = Object.entries(c.scores);
  return (
    <button
      ref={ref}
      type="button"
      className={`candidate ${selected ? 'selected' : ''}`}
      aria-pressed={selected}
      aria-label={`Candidate ${rank}: ${individualLabel(c)}, score ${formatScore(c.score)}`}
      onClick={onSelect}
    >
      <span className="candidate-rank" aria-hidden="true">
        {rank}
      </span>
      <Crop detectionId={c.best.detectionId} alt="" className="candidate-img" />
      <span className="candidate-body">
        <span className="candidate-name">
          <strong>{c.code}</strong>
          {c.name && <span>{c.name}</span>}
        </span>
        <span className="candidate-score">
          <span className="score-value">{formatScore(c.score)}</span>
          <span className="score-bar" aria-hidden="true">
            <span style={{ width: `${Math.max(0, Math.min(1, c.score)) * 100}%` }} />
          </span>
        </span>
        {models.length > 0 && (
          <span className="candidate-models">
            {models.map(([m, s]) => (
              <span key={m} title={m}>
                {m}: {formatScore(s)}
              </span>
            ))}
          </span>
        )}
        <span className="candidate-flank">{flankLabel(c.flank)}</span>
      </span>
    </button>
  );
}

function Legend() {
  return (
    <details className="legend" open>
      <summary>Keyboard shortcuts</summary>
      <dl>
        {REVIEW_LEGEND.map((l) => (
          <div key={l.action}>
            <dt>
              {l.keys.map((k) => (
                <Kbd key={k}>{k}</Kbd>
              ))}
            </dt>
            <dd>{l.action}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The frames of the item's encounter, best first: one click (or [ and ]) shows another; a decision covers all. */
function EncounterStrip(props: { frames: DetectionDto[]; shown: number; onShow: (index: number) => void }) {
  const times = props.frames
    .map((f) => (f.capturedAt === null ? Number.NaN : Date.parse(f.capturedAt)))
    .filter((t) => !Number.isNaN(t));
  const span = times.length > 1 ? Math.round((Math.max(...times) - Math.min(...times)) / 1000) : null;
  return (
    <div className="encounter-strip" aria-label="Frames of this encounter">
      <p className="muted">
        Encounter · {props.frames.length} frames{span !== null ? ` within ${span} s` : ''} · one decision for
        all <Kbd>[</Kbd> <Kbd>]</Kbd>
      </p>
      <ol>
        {props.frames.map((f, i) => (
          <li key={f.detectionId}>
            <button
              type="button"
              className={i === props.shown ? 'frame-thumb frame-thumb-shown' : 'frame-thumb'}
              aria-pressed={i === props.shown}
              aria-label={`Frame ${i + 1}: ${baseName(f.file)}`}
              onClick={() => props.onShow(i)}
            >
              <img src={imagePaths.crop(f.detectionId)} alt="" loading="lazy" />
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
