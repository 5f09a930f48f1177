import { useState } from 'react';
import { imagePaths } from '../../../electron/core/api';
import { call, errorMessage } from '../api/client';
import { useQuery } from '../api/query';
import { ErrorBanner } from '../components/common';
import { useToast } from '../components/toast';
import { baseName, formatCaptureTime, plural } from '../lib/format';

/** How many set-aside frames the card shows at once; the rest wait behind "Show more". */
const PAGE = 24;

/**
 * Frames set aside as empty (only their camera's background was seen, no detector installed): a thumbnail each,
 * and "Pull back", which gives the frame a whole-frame detection and sends it to Review.
 */
export function EmptyFramesCard() {
  const [limit, setLimit] = useState(PAGE);
  const empties = useQuery('frames.empty', { limit });
  const toast = useToast();
  const [busy, setBusy] = useState<number | null>(null);
  const data = empties.data;
  if (!data && !empties.error) return null;
  return (
    <section className="card">
      <h2>Empty frames set aside</h2>
      <ErrorBanner
        error={empties.error}
        onRetry={() => void empties.refetch()}
        title="Could not list the empty frames."
      />
      {data && data.total === 0 && <p className="muted">None: every imported frame went to Review.</p>}
      {data && data.total > 0 && (
        <>
          <p className="muted">
            {plural(data.total, 'frame')} showed only the camera’s background and did not go to Review. Pull
            one back if an animal is in it.
          </p>
          <ul className="empty-frames">
            {data.items.map((f) => (
              <li key={f.mediaId}>
                <img
                  src={imagePaths.thumbnail(f.mediaId)}
                  alt={`Empty frame ${baseName(f.file)}`}
                  loading="lazy"
                />
                <div className="small">
                  {baseName(f.file)}
                  <div className="muted">
                    {f.station ?? 'No station'} · {formatCaptureTime(f.capturedAt)}
                    {f.source === 'reviewer' && ' · marked empty in Review'}
                  </div>
                </div>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy !== null}
                  onClick={async () => {
                    setBusy(f.mediaId);
                    try {
                      await call('frames.restore', { mediaId: f.mediaId });
                      toast.show(`${baseName(f.file)} is back in Review.`);
                    } catch (e) {
                      toast.show(`Could not pull it back: ${errorMessage(e)}`, { tone: 'error' });
                    } finally {
                      setBusy(null);
                    }
                  }}
                >
                  {busy === f.mediaId ? 'Pulling back…' : 'Pull back'}
                </button>
              </li>
            ))}
          </ul>
          {data.items.length < data.total && (
            <button type="button" className="btn btn-small" onClick={() => setLimit((l) => l + PAGE)}>
              Show more
            </button>
          )}
        </>
      )}
    </section>
  );
}
