import { useId, useMemo, useState } from 'react';
import type { IndividualSummaryDto } from '../../../electron/core/api';
import { useQuery } from '../api/query';
import { Crop, EmptyState, ErrorBanner, Loading, PageHeader, SearchField } from '../components/common';
import { GALLERY_EXPORTS } from '../lib/exports';
import { formatDate, plural } from '../lib/format';
import { href } from '../router';
import { ExportButton } from './export/ExportButton';

type SortKey = 'lastSeen' | 'code' | 'sightings';

export function matchesSearch(i: IndividualSummaryDto, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return i.code.toLowerCase().includes(needle) || (i.name ?? '').toLowerCase().includes(needle);
}

function sortIndividuals(list: IndividualSummaryDto[], key: SortKey): IndividualSummaryDto[] {
  const copy = [...list];
  if (key === 'code') copy.sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
  if (key === 'sightings') copy.sort((a, b) => b.sightingCount - a.sightingCount);
  if (key === 'lastSeen') copy.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  return copy;
}

export function GalleryScreen() {
  const list = useQuery('individuals.list', {});
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<SortKey>('lastSeen');
  const searchId = useId();
  const sortId = useId();
  const shown = useMemo(
    () =>
      sortIndividuals(
        (list.data ?? []).filter((i) => matchesSearch(i, q)),
        sort,
      ),
    [list.data, q, sort],
  );

  return (
    <div className="page">
      <PageHeader title="Gallery">
        {list.data && list.data.length > 0 && (
          <>
            <span className="muted">{plural(list.data.length, 'individual')}</span>
            <ExportButton targets={GALLERY_EXPORTS} label="Export…" title="Export" />
          </>
        )}
      </PageHeader>
      <ErrorBanner
        error={list.error}
        onRetry={() => void list.refetch()}
        title="Could not load the gallery."
      />
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.length === 0 && (
        <EmptyState title="No individuals yet. Import photos, then confirm matches in Review.">
          <p>
            <a className="btn btn-primary" href={href({ screen: 'import' })}>
              Import photos
            </a>{' '}
            <a className="btn" href={href({ screen: 'review' })}>
              Go to Review
            </a>
          </p>
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <>
          <div className="toolbar">
            <SearchField id={searchId} value={q} onChange={setQ} />
            <label htmlFor={sortId}>Sort by</label>
            <select
              id={sortId}
              className="input"
              value={sort}
              onChange={(e) => setSort(e.target.value as SortKey)}
            >
              <option value="lastSeen">Last seen</option>
              <option value="code">Code</option>
              <option value="sightings">Most sightings</option>
            </select>
          </div>
          {shown.length === 0 && <p className="muted">No individual matches “{q}”.</p>}
          <ul className="gallery-grid">
            {shown.map((i) => (
              <li key={i.individualId}>
                <a className="individual-card" href={href({ screen: 'individual', id: i.individualId })}>
                  <Crop detectionId={i.best?.detectionId} alt="" className="individual-img" />
                  <span className="individual-body">
                    <span className="individual-title">
                      <strong>{i.code}</strong>
                      {i.name && <span>{i.name}</span>}
                    </span>
                    <span className="chips">
                      {i.flanks
                        .filter((f) => f !== 'unknown')
                        .map((f) => (
                          <span key={f} className="chip">
                            {f === 'left' ? 'Left flank' : 'Right flank'}
                          </span>
                        ))}
                      {i.flanks.length === 0 || i.flanks.every((f) => f === 'unknown') ? (
                        <span className="chip chip-muted">Flank unknown</span>
                      ) : null}
                    </span>
                    <span className="individual-meta">
                      <span>{plural(i.sightingCount, 'sighting')}</span>
                      <span>Last seen {formatDate(i.lastSeen)}</span>
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
