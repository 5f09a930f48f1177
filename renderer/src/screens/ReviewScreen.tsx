import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CandidateDto, CandidatesDto, DetectionDto, Verdict } from '../../../electron/core/api';
import { call, errorMessage, type ApiError } from '../api/client';
import { queries, queryKey, useQuery } from '../api/query';
import { CompareView } from '../components/CompareView';
import { Crop, EmptyState, ErrorBanner, InlineError, Kbd, Loading, PageHeader } from '../components/common';
import { useToast } from '../components/toast';
import { baseName, flankLabel, formatCaptureTime, formatScore, individualLabel, plural } from '../lib/format';
import { moveSelection, REVIEW_LEGEND, reviewActionFor, type ReviewAction } from '../lib/keys';
import { mergeOrder, nextAfter, reinsert } from '../lib/queue-order';
import { IDENTITY, type View } from '../lib/zoom';
import { href } from '../router';
import { LastDecisionReport } from './export/LastDecisionReport';

const QUEUE_LIMIT = 200;

interface Decided {
  decisionId: number;
  detectionId: number;
  verdict: Verdict;
  individualCode: string | null;
  summary: string;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function ReviewScreen() {
  const settings = useQuery('settings.get', {});
  const queue = useQuery('review.queue', { limit: QUEUE_LIMIT }, { pollMs: 10000 });
  const toast = useToast();

  const [order, setOrder] = useState<number[]>([]);
  const [currentId, setCurrentId] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  const [view, setView] = useState<View>(IDENTITY);
  const [history, setHistory] = useState<Decided[]>([]);
  const [naming, setNaming] = useState(false);
  const [newName, setNewName] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | Error | null>(null);

  // Keep the reviewer's place: merge each refreshed queue into the order being worked through.
  const items = queue.data?.items;
  useEffect(() => {
    if (!items) return;
    setOrder((prev) =>
      mergeOrder(
        prev,
        items.map((d) => d.detectionId),
      ),
    );
  }, [items]);
  const byId = useMemo(() => new Map((items ?? []).map((d) => [d.detectionId, d])), [items]);

  useEffect(() => {
    if (currentId !== null && order.includes(currentId)) return;
    if (busy) return;
    setCurrentId(order[0] ?? null);
  }, [order, currentId, busy]);

  useEffect(() => {
    setSelected(0);
    setView(IDENTITY);
    setNaming(false);
    setNewName('');
    setActionError(null);
  }, [currentId]);

  const topK = settings.data?.reviewCandidates ?? 12;
  const candidatesArgs = { detectionId: currentId ?? 1, topK };
  const candidates = useQuery('review.candidates', candidatesArgs, {
    enabled: currentId !== null && settings.data !== undefined,
  });
  // The candidates on screen must be this detection's, never the previous one's.
  const shown: CandidatesDto | undefined =
    candidates.data && candidates.data.query.detectionId === currentId ? candidates.data : undefined;
  const list = shown?.candidates ?? [];
  const current: DetectionDto | undefined =
    shown?.query ?? (currentId !== null ? byId.get(currentId) : undefined);
  const chosen: CandidateDto | undefined = list[selected];

  // Load the next detection's candidates while the reviewer looks at this one.
  useEffect(() => {
    if (!shown || currentId === null) return;
    const next = nextAfter(order, currentId);
    if (next === null) return;
    const args = { detectionId: next, topK };
    queries.prefetch(queryKey('review.candidates', args), () => call('review.candidates', args));
  }, [shown, currentId, order, topK]);

  const decide = useCallback(
    async (verdict: Verdict, candidate?: CandidateDto, name?: string) => {
      if (currentId === null || busy) return;
      setBusy(true);
      setActionError(null);
      const next = nextAfter(order, currentId);
      try {
        const d = await call('decisions.record', {
          detectionId: currentId,
          verdict,
          ...(candidate ? { individualId: candidate.individualId } : {}),
          ...(name ? { newName: name } : {}),
        });
        const summary =
          verdict === 'match' && candidate
            ? `Matched to ${individualLabel(candidate)}.`
            : verdict === 'new-individual'
              ? `New individual ${d.individualCode ?? ''}${name ? ` (${name})` : ''} created.`
              : verdict === 'no-match'
                ? 'Marked as not a match.'
                : "Marked as can't tell.";
        setHistory((h) => [
          ...h,
          {
            decisionId: d.decisionId,
            detectionId: currentId,
            verdict,
            individualCode: d.individualCode,
            summary,
          },
        ]);
        setOrder((o) => o.filter((x) => x !== currentId));
        setCurrentId(next);
        toast.show(summary, { action: { label: 'Undo', run: () => undoRef.current() } });
      } catch (e) {
        setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
      } finally {
        setBusy(false);
      }
    },
    [currentId, busy, order, toast],
  );

  const undo = useCallback(async () => {
    const last = history[history.length - 1];
    if (!last || busy) return;
    setBusy(true);
    setActionError(null);
    try {
      await call('decisions.undo', { decisionId: last.decisionId });
      setHistory((h) => h.slice(0, -1));
      setOrder((o) => reinsert(o, last.detectionId, currentId));
      setCurrentId(last.detectionId);
      toast.show(`Undone: ${last.summary}`);
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(errorMessage(e)));
    } finally {
      setBusy(false);
    }
  }, [history, busy, currentId, toast]);
  const undoRef = useRef(undo);
  undoRef.current = undo;
  const last = history[history.length - 1];

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
        case 'undo':
          void undo();
          break;
        case 'select':
          setSelected((s) => moveSelection(s, a.delta, list.length));
          break;
        case 'reset-zoom':
          setView(IDENTITY);
          break;
      }
    },
    [chosen, list, decide, undo],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (naming) return;
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
      perform(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [perform, naming, current]);

  if (queue.error && !queue.data) {
    return (
      <div className="page">
        <ErrorBanner
          error={queue.error}
          onRetry={() => void queue.refetch()}
          title="Could not load the review queue."
        />
      </div>
    );
  }
  if (!queue.data)
    return (
      <div className="page">
        <Loading />
      </div>
    );

  if (currentId === null) {
    return (
      <div className="page">
        <PageHeader title="Review" />
        <EmptyState title="Nothing to review — import photos">
          <p>No detection is waiting for a decision. New detections appear here after an import.</p>
          <p>
            <a className="btn btn-primary" href={href({ screen: 'import' })}>
              Go to Import
            </a>
          </p>
          {history.length > 0 && (
            <p>
              <button type="button" className="btn" onClick={() => void undo()}>
                Undo last decision
              </button>
            </p>
          )}
          {last && <LastDecisionReport {...last} />}
        </EmptyState>
      </div>
    );
  }

  const position = order.indexOf(currentId) + 1;

  return (
    <div className="page review">
      <header className="page-header">
        <h1>Review</h1>
        <div className="page-header-extra">
          <span className="muted">
            {position > 0 ? `${position} of ${order.length.toLocaleString()} loaded · ` : ''}
            {plural(queue.data.total, 'detection')} to review
          </span>
        </div>
      </header>
      <ErrorBanner
        error={queue.error}
        onRetry={() => void queue.refetch()}
        title="Could not refresh the queue."
      />

      <div className="review-grid">
        <aside className="review-side" aria-label="Photo to identify">
          <div className="query-image">
            <Crop detectionId={currentId} alt="The animal to identify" className="query-crop" />
          </div>
          {current && <QueryFacts d={current} />}
          <NewVerdict data={shown} />
          <div className="decisions" aria-label="Decision">
            <button
              type="button"
              className="btn btn-decide btn-match"
              disabled={!chosen || busy}
              onClick={() => chosen && void decide('match', chosen)}
            >
              <span>Match{chosen ? ` ${individualLabel(chosen)}` : ''}</span>
              <Kbd>M</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy}
              onClick={() => void decide('no-match')}
            >
              <span>Not a match</span>
              <Kbd>X</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide"
              disabled={busy}
              onClick={() => void decide('cant-tell')}
            >
              <span>Can’t tell</span>
              <Kbd>C</Kbd>
            </button>
            <button type="button" className="btn btn-decide" disabled={busy} onClick={() => setNaming(true)}>
              <span>New individual</span>
              <Kbd>N</Kbd>
            </button>
            <button
              type="button"
              className="btn btn-decide btn-undo"
              disabled={history.length === 0 || busy}
              onClick={() => void undo()}
            >
              <span>Undo</span>
              <Kbd>U</Kbd>
            </button>
          </div>
          {naming && (
            <NewIndividualForm
              name={newName}
              onName={setNewName}
              busy={busy}
              onCancel={() => setNaming(false)}
              onCreate={() => void decide('new-individual', undefined, newName.trim() || undefined)}
            />
          )}
          <InlineError error={actionError} />
          {last && <LastDecisionReport {...last} />}
          <Legend />
        </aside>

        <section className="review-main" aria-label="Candidates">
          <div className="compare-toolbar">
            <span className="muted">Scroll on a photo to zoom both, drag to move.</span>
            <span className="zoom-level">{Math.round(view.scale * 100)}%</span>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setView(IDENTITY)}
              disabled={view.scale === 1}
            >
              Reset zoom <Kbd>R</Kbd>
            </button>
          </div>
          <CompareView
            left={{
              detectionId: currentId,
              label: current ? baseName(current.file) : '—',
              caption: current
                ? [current.station, formatCaptureTime(current.capturedAt)].filter(Boolean).join(' · ')
                : '',
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
              <strong>No candidates.</strong> {shown.note ?? 'Nothing in the gallery to compare with.'} Use{' '}
              <em>New individual</em> (N) to start one, or <em>Can’t tell</em> (C).
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
        </section>
      </div>
    </div>
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
        <dt>Detector</dt>
        <dd>
          {d.confidence === null
            ? 'Whole photo (no detector)'
            : `${Math.round(d.confidence * 100)}% sure it is an animal`}
        </dd>
      </div>
    </dl>
  );
}

function NewVerdict({ data }: { data: CandidatesDto | undefined }) {
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

function NewIndividualForm({
  name,
  onName,
  busy,
  onCancel,
  onCreate,
}: {
  name: string;
  onName: (s: string) => void;
  busy: boolean;
  onCancel: () => void;
  onCreate: () => void;
}) {
  // The form opens below the decision buttons, often under the fold: bring all of it (the Create button too) into view.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Recent Chromium returns a promise from scrollIntoView: an effect must not return it.
    formRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <form
      ref={formRef}
      className="new-form"
      onSubmit={(e) => {
        e.preventDefault();
        onCreate();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <label htmlFor="new-name">
        Name for the new individual <span className="optional">(optional)</span>
      </label>
      <input
        id="new-name"
        className="input"
        value={name}
        onChange={(e) => onName(e.target.value)}
        autoFocus
        autoComplete="off"
        maxLength={200}
      />
      <p className="help">It also gets a code like T-012. Enter creates it, Esc cancels.</p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Create new individual
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
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
