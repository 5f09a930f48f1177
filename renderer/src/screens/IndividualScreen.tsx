import { useId, useMemo, useState } from 'react';
import type { EditDto, Flank, IndividualDetailDto, SightingDto } from '../../../electron/core/api';
import { imagePaths } from '../../../electron/core/api';
import { call, errorMessage } from '../api/client';
import { useMutation, useQuery } from '../api/query';
import { Crop, ErrorBanner, InlineError, Loading, SearchField } from '../components/common';
import { TimelineChart } from '../components/TimelineChart';
import { useToast } from '../components/toast';
import { baseName, flankLabel, formatCaptureTime, formatDate, individualLabel, plural } from '../lib/format';
import { href, navigate } from '../router';
import { ExportButton } from './export/ExportButton';
import { matchesSearch } from './GalleryScreen';

const FLANKS: Flank[] = ['left', 'right', 'unknown'];

export function IndividualScreen({ individualId }: { individualId: number }) {
  const detail = useQuery('individuals.get', { individual: individualId });
  const toast = useToast();
  const [mode, setMode] = useState<'view' | 'merge' | 'split'>('view');
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [lightbox, setLightbox] = useState<SightingDto | null>(null);

  /** Every gallery edit is followed by an Undo toast. */
  const announce = (edit: EditDto, after?: () => void) => {
    toast.show(edit.summary + '.', {
      action: {
        label: 'Undo',
        run: async () => {
          try {
            const undone = await call('edits.undo', { editId: edit.editId });
            toast.show(`Undone: ${undone.summary}.`);
            after?.();
          } catch (e) {
            toast.show(`Could not undo: ${errorMessage(e)}`, { tone: 'error' });
          }
        },
      },
    });
  };

  if (!detail.data) {
    return (
      <div className="page">
        <a className="back-link" href={href({ screen: 'gallery' })}>
          ← Gallery
        </a>
        <ErrorBanner
          error={detail.error}
          onRetry={() => void detail.refetch()}
          title="Could not load this individual."
        />
        {!detail.error && <Loading />}
      </div>
    );
  }
  const d = detail.data;

  return (
    <div className="page">
      <a className="back-link" href={href({ screen: 'gallery' })}>
        ← Gallery
      </a>
      <ErrorBanner error={detail.error} onRetry={() => void detail.refetch()} title="Could not refresh." />
      <header className="individual-header">
        <Crop
          detectionId={d.best?.detectionId}
          alt={`Best photo of ${individualLabel(d)}`}
          className="individual-hero"
        />
        <div className="individual-head-body">
          <p className="code-line">{d.code}</p>
          <RenameField d={d} onRenamed={(e) => announce(e)} />
          <p className="muted">
            {plural(d.sightingCount, 'sighting')} ·{' '}
            {d.flanks
              .filter((f) => f !== 'unknown')
              .map(flankLabel)
              .join(' and ') || 'flank unknown'}
            {' · '}first seen {formatDate(d.firstSeen)} · last seen {formatDate(d.lastSeen)}
          </p>
          <div className="form-actions">
            <button
              type="button"
              className={`btn ${mode === 'merge' ? 'btn-active' : ''}`}
              aria-expanded={mode === 'merge'}
              onClick={() => setMode(mode === 'merge' ? 'view' : 'merge')}
            >
              Merge into another individual…
            </button>
            <button
              type="button"
              className={`btn ${mode === 'split' ? 'btn-active' : ''}`}
              aria-expanded={mode === 'split'}
              disabled={d.sightings.length < 2 && mode !== 'split'}
              title={d.sightings.length < 2 ? 'Only one sighting: nothing to split' : undefined}
              onClick={() => {
                setPicked(new Set());
                setMode(mode === 'split' ? 'view' : 'split');
              }}
            >
              Split sightings…
            </button>
            <ExportButton
              targets={[{ kind: 'individual-report', individualId: d.individualId, code: d.code }]}
              label="Report (PDF)"
              title={`Report for ${individualLabel(d)}`}
            />
          </div>
        </div>
      </header>

      {mode === 'merge' && (
        <MergePanel
          d={d}
          onCancel={() => setMode('view')}
          onMerged={(edit, targetId) => {
            setMode('view');
            announce(edit, () => navigate({ screen: 'individual', id: individualId }));
            navigate({ screen: 'individual', id: targetId });
          }}
        />
      )}
      {mode === 'split' && (
        <SplitPanel
          d={d}
          picked={picked}
          onCancel={() => setMode('view')}
          onSplit={(edit) => {
            setMode('view');
            setPicked(new Set());
            announce(edit);
          }}
        />
      )}

      <div className="individual-columns">
        <div>
          {FLANKS.map((f) => {
            const list = d.sightings.filter((s) => s.flank === f);
            if (list.length === 0) return null;
            return (
              <section key={f} className="card flank-section" aria-labelledby={`flank-${f}`}>
                <h2 id={`flank-${f}`}>
                  {flankLabel(f)} <span className="muted">({list.length})</span>
                </h2>
                <ul className="sighting-grid">
                  {list.map((s) => (
                    <li key={s.detectionId}>
                      <SightingTile
                        s={s}
                        selectable={mode === 'split'}
                        checked={picked.has(s.detectionId)}
                        onToggle={() =>
                          setPicked((p) => {
                            const next = new Set(p);
                            if (next.has(s.detectionId)) next.delete(s.detectionId);
                            else next.add(s.detectionId);
                            return next;
                          })
                        }
                        onOpen={() => setLightbox(s)}
                      />
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          {d.sightings.length === 0 && <p className="muted">No sightings are assigned to this individual.</p>}
        </div>
        <div>
          <section className="card">
            <h2>Sightings over time</h2>
            <TimelineChart capturedAt={d.sightings.map((s) => s.capturedAt)} />
          </section>
          <section className="card">
            <h2>Stations</h2>
            {d.stations.length === 0 ? (
              <p className="muted">No station was recorded for these photos.</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Station</th>
                    <th scope="col" className="num">
                      Sightings
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.stations.map((s) => (
                    <tr key={s.name}>
                      <td>{s.name}</td>
                      <td className="num">{s.sightings}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      </div>
      {lightbox && <Lightbox s={lightbox} onClose={() => setLightbox(null)} />}
    </div>
  );
}

function RenameField({ d, onRenamed }: { d: IndividualDetailDto; onRenamed: (e: EditDto) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(d.name ?? '');
  const rename = useMutation('individuals.rename');
  const inputId = useId();
  if (!editing) {
    return (
      <div className="name-line">
        <h1>{d.name ?? <span className="muted">No name</span>}</h1>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setValue(d.name ?? '');
            rename.reset();
            setEditing(true);
          }}
        >
          {d.name ? 'Rename' : 'Give a name'}
        </button>
      </div>
    );
  }
  return (
    <form
      className="name-line"
      onSubmit={async (e) => {
        e.preventDefault();
        const edit = await rename.run({ individual: d.individualId, name: value.trim() });
        if (edit) {
          setEditing(false);
          onRenamed(edit);
        }
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setEditing(false);
      }}
    >
      <label htmlFor={inputId} className="visually-hidden">
        Name of {d.code}
      </label>
      <input
        id={inputId}
        className="input input-name"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoFocus
        maxLength={200}
        autoComplete="off"
      />
      <button type="submit" className="btn btn-primary btn-small" disabled={rename.pending || !value.trim()}>
        Save
      </button>
      <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <InlineError error={rename.error} />
    </form>
  );
}

function MergePanel({
  d,
  onCancel,
  onMerged,
}: {
  d: IndividualDetailDto;
  onCancel: () => void;
  onMerged: (edit: EditDto, targetId: number) => void;
}) {
  const list = useQuery('individuals.list', {});
  const merge = useMutation('individuals.merge');
  const [q, setQ] = useState('');
  const [target, setTarget] = useState<number | null>(null);
  const searchId = useId();
  const others = useMemo(
    () => (list.data ?? []).filter((i) => i.individualId !== d.individualId && matchesSearch(i, q)),
    [list.data, d.individualId, q],
  );
  const chosen = list.data?.find((i) => i.individualId === target);

  return (
    <section className="card panel" aria-label="Merge">
      <h2>Merge {individualLabel(d)} into another individual</h2>
      <p className="help">
        Use this when two records are the same tiger. All of {d.code}’s sightings move to the individual you
        pick, and {d.code} is closed. You can undo it right after.
      </p>
      <ErrorBanner error={list.error} onRetry={() => void list.refetch()} />
      <div className="toolbar">
        <SearchField id={searchId} value={q} onChange={setQ} />
      </div>
      {others.length === 0 && list.data && (
        <p className="muted">No other individual{q ? ` matches “${q}”` : ''}.</p>
      )}
      <ul className="pick-grid" role="radiogroup" aria-label="Individual to merge into">
        {others.map((i) => (
          <li key={i.individualId}>
            <button
              type="button"
              role="radio"
              aria-checked={target === i.individualId}
              className={`pick ${target === i.individualId ? 'selected' : ''}`}
              onClick={() => setTarget(i.individualId)}
            >
              <Crop detectionId={i.best?.detectionId} alt="" className="pick-img" />
              <span>
                <strong>{i.code}</strong> {i.name ?? ''}
              </span>
              <span className="muted">{plural(i.sightingCount, 'sighting')}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!chosen || merge.pending}
          onClick={async () => {
            if (!chosen) return;
            const edit = await merge.run({ source: d.individualId, target: chosen.individualId });
            if (edit) onMerged(edit, chosen.individualId);
          }}
        >
          {chosen ? `Merge ${d.code} into ${individualLabel(chosen)}` : 'Pick an individual to merge into'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <InlineError error={merge.error} />
    </section>
  );
}

function SplitPanel({
  d,
  picked,
  onCancel,
  onSplit,
}: {
  d: IndividualDetailDto;
  picked: Set<number>;
  onCancel: () => void;
  onSplit: (edit: EditDto) => void;
}) {
  const split = useMutation('individuals.split');
  const [name, setName] = useState('');
  const nameId = useId();
  const all = picked.size === d.sightings.length;
  return (
    <section className="card panel" aria-label="Split">
      <h2>Split sightings of {individualLabel(d)} into a new individual</h2>
      <p className="help">
        Tick the photos below that show a different tiger. They move to a new individual; the rest stay with{' '}
        {d.code}.
      </p>
      <div className="field-row">
        <label htmlFor={nameId}>
          Name for the new individual <span className="optional">(optional)</span>
        </label>
        <input
          id={nameId}
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={200}
        />
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={picked.size === 0 || all || split.pending}
          onClick={async () => {
            const edit = await split.run({
              individual: d.individualId,
              detectionIds: [...picked],
              ...(name.trim() ? { newName: name.trim() } : {}),
            });
            if (edit) onSplit(edit);
          }}
        >
          {picked.size === 0
            ? 'Tick the sightings to split off'
            : all
              ? 'Leave at least one sighting'
              : `Split ${plural(picked.size, 'sighting')} into a new individual`}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <InlineError error={split.error} />
    </section>
  );
}

function SightingTile({
  s,
  selectable,
  checked,
  onToggle,
  onOpen,
}: {
  s: SightingDto;
  selectable: boolean;
  checked: boolean;
  onToggle: () => void;
  onOpen: () => void;
}) {
  const caption = (
    <span className="sighting-caption">
      <span>{formatCaptureTime(s.capturedAt)}</span>
      <span className="muted">{s.station ?? 'No station'}</span>
    </span>
  );
  if (selectable) {
    return (
      <label className={`sighting selectable ${checked ? 'selected' : ''}`}>
        <input
          type="checkbox"
          checked={checked}
          onChange={onToggle}
          aria-label={`Select ${baseName(s.file)}`}
        />
        <Crop detectionId={s.detectionId} alt="" className="sighting-img" />
        {caption}
      </label>
    );
  }
  return (
    <button type="button" className="sighting" onClick={onOpen} aria-label={`Open ${baseName(s.file)}`}>
      <Crop detectionId={s.detectionId} alt="" className="sighting-img" />
      {caption}
    </button>
  );
}

function Lightbox({ s, onClose }: { s: SightingDto; onClose: () => void }) {
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={baseName(s.file)}
      onClick={onClose}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="lightbox-inner" onClick={(e) => e.stopPropagation()}>
        <img src={imagePaths.full(s.mediaId)} alt={`Full photo ${baseName(s.file)}`} />
        <div className="lightbox-bar">
          <span>
            <strong>{baseName(s.file)}</strong> · {formatCaptureTime(s.capturedAt)} ·{' '}
            {s.station ?? 'No station'} · {flankLabel(s.flank)}
          </span>
          <button type="button" className="btn btn-small" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
